/** The rest of the menu's actions as subcommands: sheets, extend/move, profile create/update, config. */
import fs from 'node:fs';
import { describeConfig, loadConfig } from '../../src/config/env';
import { ValidationError } from '../../src/domain/errors';
import { formatDurationHuman, parseDuration } from '../../src/domain/units';
import type { ProfileRecord } from '../../src/services/types';
import { out } from '../lib/ansi';
import { parseCommand, requireOption } from '../lib/args';
import { cliActor, requireRouter } from '../lib/context';
import { renderSheetToFile } from '../lib/sheet';
import { keyValues } from '../lib/table';
import { CommandDef, parseWhole, print, printJson, readStdin, withCore } from './shared';

const SHEET = `Usage: pisonet vouchers sheet --batch ID --out FILE [--format a4|thermal]

Writes the batch's printable sheet (HTML with a QR code per card, the same page as the web admin's
print view). QR codes point to PORTAL_URL.`;

const sheet: CommandDef = {
  name: 'vouchers sheet',
  summary: 'write a printable sheet (HTML) for a batch',
  usage: SHEET,
  async run(args) {
    const { values } = parseCommand(
      args,
      { batch: { type: 'string' }, out: { type: 'string', short: 'o' }, format: { type: 'string' } },
      SHEET,
      { min: 0, max: 0 },
    );
    const batch = parseWhole(
      requireOption(values, 'batch', SHEET),
      'batch',
      'a batch number',
      1,
      Number.MAX_SAFE_INTEGER,
    );
    const file = requireOption(values, 'out', SHEET);
    const format = values.format ?? 'a4';
    if (format !== 'a4' && format !== 'thermal')
      throw ValidationError.invalid('format', format, 'a sheet format', 'use a4 or thermal');
    return withCore(async (core) => {
      await renderSheetToFile(core, batch, file, format);
      print(out.green(`Wrote ${file}`));
      return 0;
    });
  },
};

const EXTEND = `Usage: pisonet users extend CODE --time DURATION [--json]

Adds time to a voucher (e.g. --time 30m, 1h, 1d); the router's limit follows.`;

const extend: CommandDef = {
  name: 'users extend',
  summary: "add time to a user's voucher",
  usage: EXTEND,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { time: { type: 'string' }, json: { type: 'boolean' } },
      EXTEND,
      { min: 1, max: 1 },
    );
    const seconds = parseDuration(requireOption(values, 'time', EXTEND), 'time');
    if (seconds <= 0)
      throw new ValidationError('time', 'must be more than zero; use a duration like 30m or 1h');
    return withCore(async (core) => {
      await requireRouter(core);
      const v = await core.services.vouchers.extend(positionals[0], seconds, cliActor());
      if (values.json) printJson(v);
      else print(out.green(`Added ${formatDurationHuman(seconds)} to ${v.code}.`));
      return 0;
    });
  },
};

const MOVE = `Usage: pisonet users move CODE --profile NAME [--json]

Moves a voucher to another profile; usage so far is kept, the new speed applies at the next cycle.`;

const move: CommandDef = {
  name: 'users move',
  summary: 'move a voucher to another profile',
  usage: MOVE,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { profile: { type: 'string' }, json: { type: 'boolean' } },
      MOVE,
      { min: 1, max: 1 },
    );
    const profile = requireOption(values, 'profile', MOVE);
    return withCore(async (core) => {
      await requireRouter(core);
      const v = await core.services.vouchers.changeProfile(positionals[0], profile, cliActor());
      if (values.json) printJson(v);
      else print(out.green(`${v.code} is now on ${v.profile}.`));
      return 0;
    });
  },
};

async function readJson(file: string): Promise<unknown> {
  const text = file === '-' ? await readStdin() : fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ValidationError('file', `not valid JSON (${(e as Error).message})`);
  }
}

const PCREATE = `Usage: pisonet profiles create FILE [--json]

Creates a profile from one profiles.json entry in FILE (- for stdin), validated like profiles.json:
  echo '{"name":"VIP","price":50,"validity":"1d","users":2,"rate_up":"5M","rate_down":"10M"}' | pisonet profiles create -`;

const PUPDATE = `Usage: pisonet profiles update NAME FILE [--json]

Replaces profile NAME with the profiles.json entry in FILE (- for stdin).`;

/** The `--json` form of a profile (same as `profiles list`). */
export const profileJson = (p: ProfileRecord) => ({
  name: p.name,
  price: p.price,
  source: p.source,
  archived: p.archived,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  spec: p.json,
});

const pcreate: CommandDef = {
  name: 'profiles create',
  summary: 'create a profile from JSON',
  usage: PCREATE,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, PCREATE, {
      min: 1,
      max: 1,
    });
    const json = await readJson(positionals[0]);
    return withCore(async (core) => {
      const p = await core.services.profiles.create(json, cliActor());
      if (values.json) printJson(profileJson(p));
      else print(out.green(`Profile ${p.name} created.`));
      return 0;
    });
  },
};

const pupdate: CommandDef = {
  name: 'profiles update',
  summary: 'replace a profile from JSON',
  usage: PUPDATE,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, PUPDATE, {
      min: 2,
      max: 2,
    });
    const json = await readJson(positionals[1]);
    return withCore(async (core) => {
      const p = await core.services.profiles.update(positionals[0], json, cliActor());
      if (values.json) printJson(profileJson(p));
      else print(out.green(`Profile ${p.name} saved.`));
      return 0;
    });
  },
};

const CONFIG = `Usage: pisonet config show [--json]

The effective configuration (environment and .env), secrets masked.`;

const configShow: CommandDef = {
  name: 'config show',
  summary: 'show the effective configuration (secrets masked)',
  usage: CONFIG,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, CONFIG, { min: 0, max: 0 });
    const shown = describeConfig(loadConfig(process.env));
    if (values.json) printJson(shown);
    else print(keyValues(Object.entries(shown), out));
    return 0;
  },
};

export const moreCommands = {
  voucher: [sheet],
  users: [extend, move],
  profiles: [pcreate, pupdate],
  config: [configShow],
};
