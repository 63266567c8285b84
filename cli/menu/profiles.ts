import { confirm, select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { ValidationError, ValidationErrors } from '../../src/domain/errors';
import { formatDurationHuman } from '../../src/domain/units';
import { AppError, toAppError } from '../../src/lib/errors';
import type { ProfileRecord } from '../../src/services/types';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { profilesTable } from '../lib/render';
import { askField, cloneJson, numberish, str, type Json } from './profile-draft';
import { advancedSummary, askAdvanced } from './profile-sections';
import { confirmAction, menuLoop, say, showError } from './prompts';

const BASIC_FIELDS = ['name', 'price', 'validity', 'users', 'rate_up', 'rate_down'];

/** The everyday settings, in human units, each checked like profiles.json and the web admin check it. */
async function askBasics(draft: Json, askName: boolean): Promise<void> {
  if (askName)
    await askField(draft, 'name', 'Name (letters, digits, - and _):', { default: str(draft.name) });
  await askField(draft, 'price', 'Price (₱):', {
    default: str(draft.price),
    convert: numberish(/^\d+(\.\d{1,2})?$/),
  });
  await askField(draft, 'validity', 'Validity (e.g. 1h, 2h30m, 1d, unlimited):', {
    default: str(draft.validity) ?? '1h',
    convert: (t) => (t.toLowerCase() === 'unlimited' ? 'unlimited' : t),
  });
  await askField(draft, 'users', 'Devices per voucher:', {
    default: str(draft.users) ?? '1',
    convert: numberish(/^\d{1,4}$/),
  });
  await askField(draft, 'rate_up', 'Upload speed (e.g. 512K, 1M):', { default: str(draft.rate_up) });
  await askField(draft, 'rate_down', 'Download speed (e.g. 1M, 2M):', { default: str(draft.rate_down) });
}

/**
 * The whole profile: the everyday fields, then (when asked for) FUP, data cap, burst, off-peak, time
 * mode and description. `current` pre-fills every answer; skipping the advanced part keeps it as it is.
 */
async function askProfile(current: Json | undefined, askName: boolean, advanced: boolean): Promise<Json> {
  const draft = cloneJson(current ?? {});
  await askBasics(draft, askName);
  const set = advancedSummary(draft);
  const wants = await confirm({
    message: set.length
      ? `Advanced settings? (now: ${set.join(', ')})`
      : 'Advanced settings (FUP, data cap, burst, off-peak…)?',
    default: advanced,
  });
  if (wants) await askAdvanced(draft);
  return draft;
}

/** Errors the operator can fix by changing answers (as opposed to, say, a database failure). */
function fixable(e: unknown): AppError | undefined {
  if (e instanceof ValidationError || e instanceof ValidationErrors) return toAppError(e);
  if (e instanceof AppError && (e.code === 'INVALID_INPUT' || e.code === 'PROFILE_EXISTS')) return e;
  return undefined;
}

/**
 * Asks, saves through the service (which validates the whole profile), and on a validation error shows
 * every problem and offers to go through the answers again, pre-filled with what was typed.
 */
async function askAndSave(
  current: Json | undefined,
  askName: boolean,
  save: (json: Json) => Promise<ProfileRecord>,
): Promise<ProfileRecord | undefined> {
  let draft = current;
  let advanced = false;
  for (;;) {
    const json = await askProfile(draft, askName, advanced);
    try {
      return await save(json);
    } catch (e) {
      const app = fixable(e);
      if (!app) throw e;
      showError(e);
      const again = await select({
        message: 'Not saved yet.',
        choices: [
          { name: 'Fix the answers (what you typed is kept)', value: true },
          { name: 'Discard', value: false },
        ],
      });
      if (!again) {
        say(out.dim('Discarded.'));
        return undefined;
      }
      draft = json;
      advanced = Object.keys(app.fields ?? {}).some((f) => !BASIC_FIELDS.includes(f));
    }
  }
}

function describe(p: ProfileRecord): string {
  const v = p.profile.validitySeconds;
  return `${p.name}: ${v === null ? 'unlimited' : formatDurationHuman(v)}, ${String(p.json.rate_up)}/${String(p.json.rate_down)}`;
}

async function create(core: Core): Promise<void> {
  const p = await askAndSave(undefined, true, (json) => core.services.profiles.create(json, cliActor()));
  if (p) say(out.green(`Profile ${describe(p)} created.`));
}

async function edit(core: Core): Promise<void> {
  const profiles = await core.services.profiles.list();
  if (profiles.length === 0) {
    say(out.dim('No profiles yet.'));
    return;
  }
  const name = await select({
    message: 'Edit which profile?',
    choices: profiles.map((p) => ({ name: describe(p), value: p.name })),
  });
  const current = profiles.find((p) => p.name === name) as ProfileRecord;
  const p = await askAndSave(current.json, false, (json) =>
    core.services.profiles.update(name, json, cliActor()),
  );
  if (!p) return;
  say(out.green(`Profile ${describe(p)} saved.`));
  if (current.source === 'file')
    say(out.yellow(`${name} is also defined in profiles.json: update the file too so both agree.`));
}

/** Retire a profile (kept for history and reports) or bring an archived one back. */
async function archiveOrRestore(core: Core): Promise<void> {
  const profiles = await core.services.profiles.list({ includeArchived: true });
  const name = await select({
    message: 'Archive or restore which profile?',
    choices: profiles.map((p) => ({
      name: `${describe(p)}${p.archived ? '  (archived: restore)' : ''}`,
      value: p.name,
    })),
  });
  const archived = !(profiles.find((p) => p.name === name) as ProfileRecord).archived;
  const question = archived
    ? `Archive ${name}? It leaves the voucher pickers and the portal; its vouchers keep working and its sales stay in the reports.`
    : `Restore ${name}? It can be sold again.`;
  if (!(await confirmAction(question))) return;
  await core.services.profiles.setArchived(name, archived, cliActor());
  say(out.green(archived ? `Profile ${name} archived.` : `Profile ${name} restored.`));
}

export function profilesMenu(core: Core): Promise<void> {
  return menuLoop('Profiles', [
    {
      key: '1',
      name: 'List (archived ones too)',
      run: async () => say(profilesTable(await core.services.profiles.list({ includeArchived: true }))),
    },
    { key: '2', name: 'Create', run: () => create(core) },
    { key: '3', name: 'Edit', run: () => edit(core) },
    { key: '4', name: 'Archive or restore', run: () => archiveOrRestore(core) },
  ]);
}
