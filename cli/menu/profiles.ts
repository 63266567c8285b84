import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { ValidationError } from '../../src/domain/errors';
import {
  formatDurationHuman,
  parseDataSize,
  parseDuration,
  parseMoney,
  parseRate,
} from '../../src/domain/units';
import type { ProfileRecord } from '../../src/services/types';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { profilesTable } from '../lib/render';
import { parseWhole } from '../commands/shared';
import { ask, menuLoop, say } from './prompts';

type Json = Record<string, unknown>;
const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));

function parseValidity(v: string): string {
  const t = v.trim();
  if (t.toLowerCase() === 'unlimited') return 'unlimited';
  if (parseDuration(t, 'validity') <= 0)
    throw new ValidationError('validity', 'must be more than zero; use a duration like 1h, 1d or unlimited');
  return t;
}

/**
 * Asks the everyday settings (human units, checked by the same parsers as profiles.json); advanced
 * settings (FUP, burst, off-peak) are kept as they are and edited in profiles.json or the web admin.
 */
async function askProfile(current: Json | undefined): Promise<Json> {
  const json: Json = { ...(current ?? {}) };
  if (!current) json.name = await ask('Name (letters, digits, - and _):', (v) => v.trim());
  json.price =
    (await ask('Price (₱):', (v) => parseMoney(v, 'price'), { default: str(current?.price) })) / 100;
  json.validity = await ask('Validity (e.g. 1h, 2h30m, 1d, unlimited):', parseValidity, {
    default: str(current?.validity) ?? '1h',
  });
  json.users = await ask(
    'Devices per voucher:',
    (v) => parseWhole(v, 'users', 'a number of devices', 1, 100),
    { default: str(current?.users) ?? '1' },
  );
  json.rate_up = await ask('Upload speed (e.g. 512K, 1M):', (v) => (parseRate(v, 'rate_up'), v.trim()), {
    default: str(current?.rate_up),
  });
  json.rate_down = await ask('Download speed (e.g. 1M, 2M):', (v) => (parseRate(v, 'rate_down'), v.trim()), {
    default: str(current?.rate_down),
  });
  const cap = await ask(
    'Data cap (e.g. 500M, 2G; Enter for none):',
    (v) => (v.trim() === '' ? '' : (parseDataSize(v, 'data_cap'), v.trim())),
    { default: str(current?.data_cap) },
  );
  if (cap) {
    json.data_cap = cap;
    json.cap_policy = await select({
      message: 'When the cap is reached:',
      choices: [
        { name: 'block (log out)', value: 'block' },
        { name: 'throttle (slow down)', value: 'throttle' },
        { name: 'nothing (only count)', value: 'none' },
      ],
      default: current?.cap_policy ?? 'block',
    });
  } else {
    delete json.data_cap;
    delete json.cap_policy;
  }
  const description = await ask('Description (optional):', (v) => v.trim(), {
    default: str(current?.description),
  });
  if (description) json.description = description;
  else delete json.description;
  return json;
}

function describe(p: ProfileRecord): string {
  const v = p.profile.validitySeconds;
  return `${p.name}: ${v === null ? 'unlimited' : formatDurationHuman(v)}, ${String(p.json.rate_up)}/${String(p.json.rate_down)}`;
}

async function create(core: Core): Promise<void> {
  const json = await askProfile(undefined);
  const p = await core.services.profiles.create(json, cliActor());
  say(out.green(`Profile ${describe(p)} created.`));
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
  const json = await askProfile(current.json);
  const p = await core.services.profiles.update(name, json, cliActor());
  say(out.green(`Profile ${describe(p)} saved.`));
  if (current.source === 'file')
    say(out.yellow(`${name} is also defined in profiles.json: update the file too so both agree.`));
}

export function profilesMenu(core: Core): Promise<void> {
  return menuLoop('Profiles', [
    { key: '1', name: 'List', run: async () => say(profilesTable(await core.services.profiles.list())) },
    { key: '2', name: 'Create', run: () => create(core) },
    { key: '3', name: 'Edit', run: () => edit(core) },
  ]);
}
