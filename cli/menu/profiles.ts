import { confirm, select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { AppError } from '../../src/domain/errors';
import { formatDurationHuman } from '../../src/domain/units';
import { formatMoney } from '../../src/domain/quantities';
import { isMonthly } from '../../src/services/shop/profiles/billing';
import { toAppError } from '../../src/lib/error-reply';
import type { ProfileRecord } from '../../src/services/types';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { sitesIfMany } from '../lib/site-router';
import { profilesTable } from '../lib/render';
import { askField, cloneJson, numberish, setPath, str, type Json } from './profile-draft';
import { advancedSummary, askAdvanced } from './profile-sections';
import { askSiteOrAll, confirmAction, fixOrDiscard, menuLoop, say } from './prompts';

const BASIC_FIELDS = ['name', 'price', 'validity', 'users', 'rate_up', 'rate_down'];

/** The everyday settings, in human units, each checked like profiles.json and the web admin check it. */
async function askBasics(draft: Json, askName: boolean): Promise<void> {
  if (askName) {
    await askField(draft, 'name', 'Name (letters, digits, - and _):', { default: str(draft.name) });
    // How it is sold is chosen once: a profile keeps it (the service refuses a change).
    const monthly = await select({
      message: 'Sold as:',
      choices: [
        { name: 'vouchers (prepaid)', value: false },
        { name: 'a monthly plan (subscribers)', value: true },
      ],
      default: draft.billing === 'monthly',
    });
    setPath(draft, 'billing', monthly ? 'monthly' : undefined);
  }
  const monthly = draft.billing === 'monthly';
  await askField(draft, 'price', monthly ? 'Monthly fee (₱):' : 'Price (₱):', {
    default: str(draft.price),
    convert: numberish(/^\d+(\.\d{1,2})?$/),
  });
  if (monthly) await askMonthly(draft);
  else await askVoucherTime(draft);
  await askField(draft, 'rate_up', 'Upload speed (e.g. 512K, 1M):', { default: str(draft.rate_up) });
  await askField(draft, 'rate_down', 'Download speed (e.g. 1M, 2M):', { default: str(draft.rate_down) });
}

/** A voucher's time and devices (a monthly plan has neither). */
async function askVoucherTime(draft: Json): Promise<void> {
  await askField(draft, 'validity', 'Validity (e.g. 1h, 2h30m, 1d, unlimited):', {
    default: str(draft.validity) ?? '1h',
    convert: (t) => (t.toLowerCase() === 'unlimited' ? 'unlimited' : t),
  });
  await askField(draft, 'users', 'Devices per voucher:', {
    default: str(draft.users) ?? '1',
    convert: numberish(/^\d{1,4}$/),
  });
}

/** A monthly plan's address pool on the router (empty: the PPP profile's own). */
async function askMonthly(draft: Json): Promise<void> {
  await askField(draft, 'ppp_pool', 'Address pool on the router (empty: none):', {
    default: str(draft.ppp_pool) ?? '',
    convert: (t) => (t === '' ? undefined : t),
  });
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

/**
 * Errors the operator can fix by changing answers (as opposed to, say, a database failure): bad fields, a
 * taken name, and the service's site refusals (a vendo elsewhere sells the profile, a site gone meanwhile).
 */
const FIXABLE = new Set(['INVALID_INPUT', 'PROFILE_EXISTS', 'PROFILE_USED_BY_VENDO', 'SITE_NOT_FOUND']);

/** A profile's site as the menu asks it: a site's id, or null for every site (shared). */
type SiteAnswer = number | null;

/**
 * Asks, saves through the service (which validates the whole profile), and on a validation error shows
 * every problem and offers to go through the answers again, pre-filled with what was typed. With several
 * sites (`site.sites`), it asks which sell the profile too and saves that as its `site` (the service refuses
 * what the web and the API refuse); with one site nothing is asked and an edit keeps the site.
 */
async function askAndSave(
  current: Json | undefined,
  askName: boolean,
  save: (json: Json) => Promise<ProfileRecord>,
  site: { sites?: { id: number; name: string }[]; current: SiteAnswer } = { current: null },
): Promise<ProfileRecord | undefined> {
  let draft = current;
  let advanced = false;
  let siteNow = site.current;
  for (;;) {
    const json = await askProfile(draft, askName, advanced);
    if (site.sites)
      siteNow = await askSiteOrAll('Which sites sell it?', 'All sites (shared)', site.sites, siteNow);
    try {
      return await saveAsked(save, site.sites ? { ...json, site: siteNow } : json);
    } catch (e) {
      if (!(await fixOrDiscard(e, FIXABLE))) return undefined;
      draft = json;
      advanced = Object.keys(toAppError(e).fields ?? {}).some(
        (f) => !BASIC_FIELDS.includes(f) && f !== 'site',
      );
    }
  }
}

/** Saves; a fee that looks like a typo is asked about, and saved as meant on yes (on no: the answers again). */
async function saveAsked(save: (json: Json) => Promise<ProfileRecord>, json: Json): Promise<ProfileRecord> {
  try {
    return await save(json);
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'CONFIRM_REQUIRED') throw e;
    if (!(await confirmAction(`${e.message.replace(/ Check it, or confirm it\.$/, '')} Save it as it is?`)))
      throw new AppError('INVALID_INPUT', 'Not saved: check the price.', 400, 'price', {
        price: 'check the price',
      });
    return save({ ...json, confirm: true });
  }
}

/** `withSite`: where it is sold, for a shop with several sites. */
function describe(p: ProfileRecord, withSite = false): string {
  const v = p.profile.validitySeconds;
  const where = withSite ? `, ${p.site ? `${p.site.name} only` : 'all sites'}` : '';
  const time = isMonthly(p)
    ? `monthly plan, ${formatMoney(p.price)} a month`
    : v === null
      ? 'unlimited'
      : formatDurationHuman(v);
  return `${p.name}: ${time}, ${String(p.json.rate_down)} down / ${String(p.json.rate_up)} up${where}`;
}

async function create(core: Core): Promise<void> {
  const sites = await sitesIfMany(core);
  const p = await askAndSave(undefined, true, (json) => core.services.profiles.create(json, cliActor()), {
    sites,
    current: null,
  });
  if (p) say(out.green(`Profile ${describe(p, Boolean(sites))} created.`));
}

async function edit(core: Core): Promise<void> {
  const profiles = await core.services.profiles.list();
  if (profiles.length === 0) {
    say(out.dim('No profiles yet.'));
    return;
  }
  const sites = await sitesIfMany(core);
  const withSite = Boolean(sites) || profiles.some((p) => p.site);
  const name = await select({
    message: 'Edit which profile?',
    choices: profiles.map((p) => ({ name: describe(p, withSite), value: p.name })),
  });
  const current = profiles.find((p) => p.name === name) as ProfileRecord;
  const p = await askAndSave(
    current.json,
    false,
    (json) => core.services.profiles.update(name, json, cliActor()),
    { sites, current: current.site?.id ?? null },
  );
  if (!p) return;
  say(out.green(`Profile ${describe(p, withSite)} saved.`));
  if (current.source === 'file')
    say(out.yellow(`${name} is also defined in profiles.json: update the file too so both agree.`));
}

/** Retire a profile (kept for history and reports) or bring an archived one back. */
async function archiveOrRestore(core: Core): Promise<void> {
  const profiles = await core.services.profiles.list({ includeArchived: true });
  const name = await select({
    message: 'Archive or restore which profile?',
    choices: profiles.map((p) => ({
      name: `${describe(p, p.site !== null)}${p.archived ? '  (archived: restore)' : ''}`,
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
      run: async () =>
        say(
          profilesTable(
            await core.services.profiles.list({ includeArchived: true }),
            Boolean(await sitesIfMany(core)),
          ),
        ),
    },
    { key: '2', name: 'Create', run: () => create(core) },
    { key: '3', name: 'Edit', run: () => edit(core) },
    { key: '4', name: 'Archive or restore', run: () => archiveOrRestore(core) },
  ]);
}
