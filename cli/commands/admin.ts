/** Profiles, reports, admin password and migrations. */
import { password as passwordPrompt } from '../lib/ask';
import { loadConfig } from '../../src/config/env';
import { openDatabase, migrateLatest } from '../../src/db/knex';
import { ValidationError } from '../../src/domain/errors';
import { formatBytes } from '../../src/domain/units';
import { out } from '../lib/ansi';
import { parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { formatDate, parseDate } from '../lib/dates';
import { profilesTable, salesTable } from '../lib/render';
import { salesTotal } from '../../src/services/shop/reports/types';
import { profileJson } from '../../src/services/shop/profiles/json';
import { CommandDef, print, printJson, readStdin, siteOption, siteScope, withCore } from './shared';

const PROFILES = `Usage: pisonet profiles list [--all] [--site SITE] [--json]

What each voucher type buys. --all includes archived profiles. --site: what that site sells (the shared
profiles and its own; its id or name).`;

const profilesList: CommandDef = {
  name: 'profiles list',
  summary: 'list profiles',
  usage: PROFILES,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['site'], ['all', 'json']), PROFILES);
    return withCore(async (core) => {
      const profiles = await core.services.profiles.list({
        includeArchived: values.all === true,
        siteId: await siteOption(core, values),
      });
      if (values.json) printJson({ profiles: profiles.map(profileJson) }, { api: true });
      else print(profilesTable(profiles));
      return 0;
    });
  },
};

const BY = ['day', 'week', 'month', 'profile'] as const;
type By = (typeof BY)[number];

const SALES = `Usage: pisonet report sales [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by day|week|month|profile]
                           [--site SITE] [--json]

Vouchers sold (first used) and their value, in the shop's time zone. Both dates are included.
Defaults: from and to today, by profile. --site: one site's vouchers only (its id or name).`;

/** The options both reports take. */
const REPORT_OPTIONS = optionSpec(['from', 'to', 'site'], ['json']);

/** `--from/--to` (inclusive days in the shop's zone) → [from, to) instants, and the two days as printed. */
function reportRange(
  values: Record<string, string | boolean | undefined>,
  now: number,
  tz: string,
): { from: number; to: number; days: { from: string; to: string } } {
  const today = formatDate(now, tz);
  const from = parseDate(typeof values.from === 'string' ? values.from : today, 'from', tz);
  const to = parseDate(typeof values.to === 'string' ? values.to : today, 'to', tz, true);
  if (to <= from) throw new ValidationError('to', 'must be on or after from');
  return { from, to, days: { from: formatDate(from, tz), to: formatDate(to - 1, tz) } };
}

const reportSales: CommandDef = {
  name: 'report sales',
  summary: 'sales by day, week, month or profile',
  usage: SALES,
  async run(args) {
    const { values } = parseCommand(args, { ...REPORT_OPTIONS, by: { type: 'string' } }, SALES);
    const by = (typeof values.by === 'string' ? values.by : 'profile') as By;
    if (!BY.includes(by))
      throw ValidationError.invalid('by', values.by, 'a grouping', `use one of ${BY.join(', ')}`);
    return withCore(async (core) => {
      const { from, to, days } = reportRange(values, core.clock.now(), core.config.tz);
      const site = await siteScope(core, values);
      const rows = await core.services.reports.sales({ from, to, by, siteId: site?.id });
      const sum = salesTotal(rows);
      // `charges` (plan upgrades, in `amount`) only when there are some, as on the rows.
      const total = sum.charges ? sum : { count: sum.count, amount: sum.amount };
      if (values.json) printJson({ ...days, by, site: site?.name ?? null, rows, total }, { money: true });
      else {
        print(out.bold(`Sales ${days.from} to ${days.to}, by ${by}${site ? `, site ${site.name}` : ''}`));
        print(salesTable(rows, by));
      }
      return 0;
    });
  },
};

const USAGE_REPORT = `Usage: pisonet report usage [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--site SITE] [--json]

Data used by customers in the period (both dates included; default today). --site: one site's vouchers.`;

const reportUsage: CommandDef = {
  name: 'report usage',
  summary: 'usage totals',
  usage: USAGE_REPORT,
  async run(args) {
    const { values } = parseCommand(args, REPORT_OPTIONS, USAGE_REPORT);
    return withCore(async (core) => {
      const { from, to, days } = reportRange(values, core.clock.now(), core.config.tz);
      const site = await siteScope(core, values);
      const t = await core.services.reports.usageTotals({ from, to, siteId: site?.id });
      if (values.json) printJson({ ...days, site: site?.name ?? null, ...t });
      else
        print(
          `${formatBytes(t.bytesDown)} down, ${formatBytes(t.bytesUp)} up by ${t.vouchers} voucher(s) from ${days.from} to ${days.to}${site ? ` on site ${site.name}` : ''}.`,
        );
      return 0;
    });
  },
};

const SET_PASSWORD = `Usage: pisonet admin set-password [--username U]

Sets the web admin password (default user: ADMIN_USERNAME). Reads it from a hidden prompt, or from
standard input when piped:  echo 'new password' | pisonet admin set-password`;

async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return (await readStdin()).split(/\r?\n/)[0];
  const first = await passwordPrompt({ message: 'New admin password:', mask: '*' });
  const again = await passwordPrompt({ message: 'Repeat the password:', mask: '*' });
  if (first !== again) throw new ValidationError('password', 'the two passwords differ; nothing was changed');
  return first;
}

const setPassword: CommandDef = {
  name: 'admin set-password',
  summary: 'set the web admin password',
  usage: SET_PASSWORD,
  async run(args) {
    const { values } = parseCommand(args, { username: { type: 'string', short: 'u' } }, SET_PASSWORD);
    const pw = await readNewPassword();
    if (pw === '')
      throw new ValidationError('password', 'missing; type the new password (nothing was changed)');
    return withCore(async (core) => {
      const username = typeof values.username === 'string' ? values.username : core.config.admin.username;
      await core.services.admins.setPassword(username, pw, cliActor());
      print(out.green(`Password set for ${username}.`));
      return 0;
    });
  },
};

const MIGRATE = `Usage: pisonet migrate

Applies pending database migrations (safe to run while the server runs).`;

async function runMigrations(): Promise<string[]> {
  const config = loadConfig(process.env);
  const db = openDatabase(config.database);
  try {
    return await migrateLatest(db);
  } finally {
    await db.destroy();
  }
}

const migrate: CommandDef = {
  name: 'migrate',
  summary: 'apply database migrations',
  usage: MIGRATE,
  async run(args) {
    parseCommand(args, {}, MIGRATE);
    const applied = await runMigrations();
    print(
      applied.length
        ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}`
        : 'Database is up to date.',
    );
    return 0;
  },
};

export const adminCommands = [profilesList, reportSales, reportUsage, setPassword, migrate];
