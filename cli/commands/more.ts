/** The rest of the menu's actions as subcommands: sheets, extend/move (users-move.ts), profile create/update, config. */
import fs from 'node:fs';
import { describeConfig, loadConfig, type AppConfig } from '../../src/config/env';
import { openDatabase } from '../../src/db/knex';
import { systemClock } from '../../src/lib/clock';
import { applyStoredShopSettings } from '../../src/services/business/settings/shop-stored';
import { parseCardDesign, parseSheetFrom, parseSheetInclude, parseSheetLayout } from '../../src/domain/cards';
import { ValidationError } from '../../src/domain/errors';
import {
  CONFIRM_EXTENSION_ABOVE_SECONDS,
  formatDurationHuman,
  formatMoney,
  parseExtension,
} from '../../src/domain/units';
import { profileJson } from '../../src/services/shop/profiles/json';
import { timeSaleJson } from '../../src/services/shop/vouchers/json';
import { out } from '../lib/ansi';
import { parseCommand, requireOption, usageError, optionSpec, YES_OPTION } from '../lib/args';
import { cliActor, preferRouter } from '../lib/context';
import { renderSheetToFile, sheetNotes } from '../lib/sheet';
import { keyValues } from '../lib/table';
import { siteOfVoucher, withSiteRouter } from '../lib/site-router';
import { settingsCommands } from './settings';
import { CommandDef, parseBatchId, print, printJson, readJsonFile, withCore, yesConfirms } from './shared';
import { usersMove } from './users-move';

const SHEET = `Usage: pisonet vouchers sheet --batch ID --out FILE [--paper a4|thermal58|thermal80]
                              [--include unused|all] [--design custom|compact|logo] [--from N]

Writes the batch's printable sheet (HTML with a QR code per card, the same page as the web admin's
print view): A4 = 3 cards a row, up to 24 a page; thermal58/thermal80 = one card per page on a 58 or 80 mm
roll ("thermal" = thermal58; --format is another name for --paper). The card design's own paper unless
--paper. Only unused codes unless --include all; the batch's own card design (custom: the owner's, see
\`pisonet cards show\`) unless --design. A file holds at most 480 cards: --from N starts a later part at card
N. The QR codes open HOTSPOT_LOGIN_URL, else the router's hotspot dns-name, else PORTAL_URL.`;

const sheet: CommandDef = {
  name: 'vouchers sheet',
  summary: 'write a printable sheet (HTML) for a batch',
  usage: SHEET,
  async run(args) {
    const { values } = parseCommand(
      args,
      {
        ...optionSpec(['batch', 'paper', 'format', 'include', 'design', 'from']),
        out: { type: 'string', short: 'o' },
      },
      SHEET,
    );
    const batch = parseBatchId(requireOption(values, 'batch', SHEET));
    const file = requireOption(values, 'out', SHEET);
    if (values.paper !== undefined && values.format !== undefined)
      throw usageError('choose one of --paper and --format (the same choice)', SHEET);
    const paper = values.paper ?? values.format;
    // Left out: the card design's own paper.
    const layout = paper === undefined ? undefined : parseSheetLayout(paper, 'paper');
    const include = parseSheetInclude(values.include);
    const design = parseCardDesign(values.design);
    const from = parseSheetFrom(values.from);
    return withCore(async (core) => {
      // Without HOTSPOT_LOGIN_URL the QR codes use the router's hotspot dns-name: give it a moment to answer.
      if (!core.config.hotspotLoginUrl) await preferRouter(core);
      const res = await renderSheetToFile(core, batch, file, { layout, include, design, from });
      print(out.green(`Wrote ${file} (${res.cards} card${res.cards === 1 ? '' : 's'}, ${res.layout})`));
      for (const note of sheetNotes(res, `pisonet vouchers sheet --batch ${batch} --out FILE`))
        print(out.yellow(note));
      return 0;
    });
  },
};

const EXTEND = `Usage: pisonet users extend CODE --time DURATION [--price PESOS] [--yes] [--json]

Sells more time on a voucher (e.g. --time 30m, 1h, 1d; at most 365 days); the router's limit follows, on the
router of the voucher's site (the terminal connects to a branch's router for it; down: nothing changes).
It is a sale at --price (0: given free; without it, the plan's price for that much time), in the reports.
More than a day needs --yes, so that a typo such as 99999999d never lands; so does a --price above the plan's
price for that time (--price 25 for ₱2.50 of time).`;

const extend: CommandDef = {
  name: 'users extend',
  summary: "add time to a user's voucher",
  usage: EXTEND,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      optionSpec(['time', 'price'], ['yes', 'json']),
      EXTEND,
      1,
    );
    const seconds = parseExtension(requireOption(values, 'time', EXTEND), 'time');
    if (seconds > CONFIRM_EXTENSION_ABOVE_SECONDS && values.yes !== true)
      throw new ValidationError(
        'time',
        `${formatDurationHuman(seconds)} is more than a day; add --yes if you mean it`,
      );
    return withCore(async (core) => {
      const sale = await withSiteRouter(core, await siteOfVoucher(core, positionals[0]), (s) =>
        s.vouchers.sellTime(positionals[0], seconds, cliActor(), {
          confirmed: true,
          price: values.price,
          priceConfirmed: values.yes === true,
        }),
      );
      const v = sale.voucher;
      if (values.json) printJson(timeSaleJson(sale), { api: true });
      else
        print(
          out.green(
            `Added ${formatDurationHuman(seconds)} to ${v.code}${sale.price ? ` for ${formatMoney(sale.price)}` : ' free'}.`,
          ),
        );
      return 0;
    });
  },
};

const YES = `--yes: a monthly fee above ₱10,000, or raised five times or more, is meant (refused as a likely typo without).`;
const PCREATE = `Usage: pisonet profiles create FILE [--site SITE] [--yes] [--json]

Creates a profile from one profiles.json entry in FILE (- for stdin), validated like profiles.json:
  echo '{"name":"VIP","price":50,"validity":"1d","users":2,"rate_up":"5M","rate_down":"10M"}' | pisonet profiles create -
--site: sold on that site only (its id or name); without it, on every site (shared).
${YES}`;

const PUPDATE = `Usage: pisonet profiles update NAME FILE [--site SITE|shared] [--yes] [--json]

Replaces profile NAME with the profiles.json entry in FILE (- for stdin). --site: sold on that site only;
--site shared: on every site; without it the profile keeps its site.
${YES}`;

/** `--site` and `--yes` added to one profiles.json entry as its `site` and `confirm` (the service checks them). */
function withSite(json: unknown, values: { site?: unknown; yes?: unknown }): unknown {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return json;
  const site = typeof values.site === 'string' ? { site: values.site } : {};
  return { ...(json as Record<string, unknown>), ...site, ...(values.yes ? { confirm: true } : {}) };
}

/** `profiles create FILE`, or (`update`) `profiles update NAME FILE`. */
const fromJson = (update: boolean): CommandDef => {
  const usage = update ? PUPDATE : PCREATE;
  return {
    name: update ? 'profiles update' : 'profiles create',
    summary: update ? 'replace a profile from JSON' : 'create a profile from JSON',
    usage,
    async run(args) {
      const { values, positionals } = parseCommand(
        args,
        { ...optionSpec(['site'], ['json']), ...YES_OPTION },
        usage,
        update ? 2 : 1,
      );
      const json = withSite(await readJsonFile(positionals[update ? 1 : 0]), values);
      return withCore(async (core) => {
        const profiles = core.services.profiles;
        const saving = update
          ? profiles.update(positionals[0], json, cliActor())
          : profiles.create(json, cliActor());
        const p = await saving.catch(yesConfirms);
        if (values.json) printJson({ profile: profileJson(p) }, { api: true });
        else print(out.green(`Profile ${p.name} ${update ? 'saved' : 'created'}.`));
        return 0;
      });
    },
  };
};

const PIMPORT = `Usage: pisonet profiles import FILE [--site SITE|shared] [--dry-run] [--json]

Adds or replaces every profile in FILE (- for stdin): a whole profiles.json list, or one entry.
Profiles not in FILE are left as they are; archived ones named in FILE are restored.
Everything is checked first: on any error nothing is changed. --dry-run shows the changes only.
--site: every profile in FILE is sold on that site only (--site shared: on every site); without it new
profiles are shared and existing ones keep their site.`;

const pimport: CommandDef = {
  name: 'profiles import',
  summary: 'add or replace profiles from a profiles.json file',
  usage: PIMPORT,
  async run(args) {
    const { values, positionals } = parseCommand(args, optionSpec(['site'], ['dry-run', 'json']), PIMPORT, 1);
    const json = await readJsonFile(positionals[0]);
    return withCore(async (core) => {
      const dryRun = values['dry-run'] === true;
      const result = await core.services.profiles.importProfiles(
        json,
        { dryRun, ...(typeof values.site === 'string' ? { site: values.site } : {}) },
        cliActor(),
      );
      if (values.json) printJson({ dryRun, ...result });
      else if (result.changes.length === 0) print('Nothing to change: the profiles already match the file.');
      else {
        print(result.changes.map((c) => `  ${c}`).join('\n'));
        print(
          dryRun
            ? out.yellow(`Dry run: ${result.changes.length} change(s) shown, nothing saved.`)
            : out.green(`${result.changes.length} change(s) saved.`),
        );
      }
      return 0;
    });
  },
};

const archiveCommand = (archived: boolean): CommandDef => {
  const name = archived ? 'profiles archive' : 'profiles restore';
  const usage = archived
    ? `Usage: pisonet profiles archive NAME [--json]

Retires a profile: it leaves the voucher pickers and the portal; its vouchers keep working and its
sales stay in the reports. \`pisonet profiles restore NAME\` brings it back.`
    : `Usage: pisonet profiles restore NAME [--json]

Brings an archived profile back: it can be sold again.`;
  return {
    name,
    summary: archived ? 'retire a profile (kept for history)' : 'bring an archived profile back',
    usage,
    async run(args) {
      const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, usage, 1);
      return withCore(async (core) => {
        const p = await core.services.profiles.setArchived(positionals[0], archived, cliActor());
        if (values.json) printJson({ profile: profileJson(p) }, { api: true });
        else print(out.green(archived ? `Profile ${p.name} archived.` : `Profile ${p.name} restored.`));
        return 0;
      });
    },
  };
};

const CONFIG = `Usage: pisonet config show [--json]

The effective configuration (environment and .env, with the shop settings saved in the admin or with
\`pisonet settings shop\` in their place), secrets masked. TZ_SET_IN says where the time zone in effect was set.`;

const configShow: CommandDef = {
  name: 'config show',
  summary: 'show the effective configuration (secrets masked)',
  usage: CONFIG,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, CONFIG);
    const config = loadConfig(process.env);
    const shop = await savedShopSettings(config);
    // Where the zone was set goes right under it.
    const shown = Object.fromEntries(
      Object.entries(describeConfig(config)).flatMap(([k, v]) =>
        k === 'TZ'
          ? [
              [k, v],
              ['TZ_SET_IN', shop],
            ]
          : [[k, v]],
      ),
    );
    if (values.json) printJson(shown);
    else print(keyValues(Object.entries(shown), out));
    return 0;
  },
};

/**
 * Puts the shop settings saved in the database on `config` (as the server and every other command read them) and
 * says where the time zone comes from. A database that cannot be read leaves .env's values, and says so.
 */
async function savedShopSettings(config: AppConfig): Promise<string> {
  const fromEnv = process.env.TZ ? 'TZ in .env or the environment' : "this computer's zone (TZ is not set)";
  if (config.database.engine === 'sqlite' && !fs.existsSync(config.database.file))
    return `${fromEnv}; no database yet, so nothing saved in Settings`;
  const db = openDatabase(config.database);
  try {
    const view = await applyStoredShopSettings(config, db, systemClock);
    return view.overridden.includes('tz')
      ? `Settings (the admin or pisonet settings shop); .env: ${view.env.tz}`
      : fromEnv;
  } catch (err) {
    return `${fromEnv}; the database could not be read for Settings (${(err as Error).message})`;
  } finally {
    await db.destroy();
  }
}

export const moreCommands = {
  voucher: [sheet],
  users: [extend, usersMove],
  profiles: [fromJson(false), fromJson(true), pimport, archiveCommand(true), archiveCommand(false)],
  config: [configShow, ...settingsCommands],
};
