/**
 * Customers brought over from a CSV (a PHPNuxBill export reshaped, a spreadsheet): each row becomes the same
 * fields a single add takes and is checked by the same reader and plan check; every row is checked before any is
 * written, so a file with a bad row writes nothing. A row whose username the site already has is skipped
 * (`exists`): the same file twice adds nothing. An opening balance the single add would ask about (typoOpening)
 * is flagged on its row in a dry run and refuses the whole file unless confirmed. The rows are written in one
 * transaction through the single add's own steps (the account number, the row, billing's first invoice, the
 * event), then audited, and the router work told after the commit.
 */
import type { Knex } from 'knex';
import { isBlank, parseCsv, type CsvRecord } from '../../../domain/csv';
import { ErrorCollector } from '../../../domain/error-collector';
import { AppError } from '../../../domain/errors';
import type { Actor } from '../../business/audit/actor';
import {
  typoOpening,
  auditCreated,
  checkNewSubscriber,
  insertSubscriberIn,
  subscriberExists,
  type Lookups,
  type NewSubscriber,
} from './add';
import type { ChangeDeps } from './changes';
import { DEFAULT_SITE, type SiteRef } from '../../deps';
import { findSite } from '../../business/sites/lookup';
import { accountNo } from './store';
import { addressProblems, addressRefusal } from './import-addresses';
import { isUniqueViolation } from '../../../db/knex';
import type { ImportOptions, ImportProblem, ImportReport, ImportRow } from './types';

/** The largest file taken (bytes of text) and the most customers in one. */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
const IMPORT_MAX_ROWS = 5000;

/** The columns a file may have, in any order; `plan` is the API's `profile`. */
export const IMPORT_COLUMNS = [
  'name',
  'mobile',
  'username',
  'password',
  'plan',
  'billing_day',
  'paid_until',
  'opening_balance',
  'address',
  'language',
  'static_ip',
] as const;
export const IMPORT_REQUIRED = ['name', 'username', 'plan', 'billing_day'] as const;

/** A row written: its subscriber's id and account number's seq. */
type Written = Awaited<ReturnType<typeof insertSubscriberIn>>;

interface Checked {
  row: number;
  n: NewSubscriber;
  exists: boolean;
  /** Its opening balance looks like a typo: the single add's question. */
  question?: string;
}

/** A file over the bounds (413), in words the owner can act on. */
export const importTooLarge = (what: string) =>
  new AppError(
    'TOO_LARGE',
    `The CSV is too large (${what}); split it into files of at most ${IMPORT_MAX_ROWS.toLocaleString('en-US')} customers and 2 MB each`,
    413,
  );

export async function importSubscribers(
  d: ChangeDeps,
  csv: unknown,
  opts: ImportOptions,
  actor: Actor,
): Promise<ImportReport> {
  if (typeof csv !== 'string' || csv.trim() === '')
    throw new AppError(
      'INVALID_INPUT',
      'Send the CSV as the body (Content-Type: text/csv), its header row first',
      400,
      'csv',
    );
  if (Buffer.byteLength(csv, 'utf8') > IMPORT_MAX_BYTES) throw importTooLarge('over 2 MB');
  const site = await importSite(d, opts.site);
  const report: ImportReport = {
    dryRun: opts.dryRun === true,
    site,
    rows: [],
    problems: [],
    created: 0,
    exists: 0,
  };
  const table = readTable(csv, report.problems);
  if (!table) return report;
  const checked = await checkRows(d, site, table, report.problems);
  if (report.problems.length) return report;
  if (!report.dryRun && !opts.confirmed) askTypos(checked);
  const written = report.dryRun ? new Map<number, Written>() : await writeRows(d, checked);
  report.rows = checked.map((c) => reportRow(c, written.get(c.row)));
  report.exists = checked.filter((c) => c.exists).length;
  report.created = written.size;
  if (written.size) await told(d, actor, site, checked, written);
  return report;
}

/** The site named (the default one when none is); an unknown one: 400 naming it. */
async function importSite(d: ChangeDeps, ref: unknown): Promise<SiteRef> {
  if (ref === undefined || ref === null || ref === '') return DEFAULT_SITE;
  return findSite(d.db, ref, 'site');
}

interface Table {
  columns: string[];
  records: CsvRecord[];
}

/** The header checked (known columns, the required ones, none twice) and the rows below it, or null. */
function readTable(csv: string, problems: ImportProblem[]): Table | null {
  const parsed = parseCsv(csv);
  if (!parsed.ok) {
    const p = parsed.problem;
    problems.push({ row: p.row, field: `column ${p.column}`, message: p.message });
    return null;
  }
  const [header, ...rest] = parsed.records;
  const records = rest.filter((r) => !isBlank(r));
  if (records.length > IMPORT_MAX_ROWS)
    throw importTooLarge(`${records.length.toLocaleString('en-US')} customers`);
  const columns = header.cells.map((c) => c.trim().toLowerCase());
  // A spreadsheet saved with its list separator (`;`): one column named after all of them.
  if (columns.length === 1 && columns[0].split(';').some((c) => IMPORT_COLUMNS.includes(c.trim() as never))) {
    problems.push({
      row: 1,
      field: 'header',
      message: 'the file is separated by semicolons; save it comma-separated (CSV UTF-8) and import it again',
    });
    return null;
  }
  const known: readonly string[] = IMPORT_COLUMNS;
  columns.forEach((c, i) => {
    if (!known.includes(c))
      problems.push({
        row: 1,
        field: c || `column ${i + 1}`,
        message: `${c ? `unknown column "${c}"` : 'a column without a name'}; the columns are ${IMPORT_COLUMNS.join(', ')}`,
      });
    else if (columns.indexOf(c) !== i)
      problems.push({ row: 1, field: c, message: 'this column is given twice' });
  });
  for (const c of IMPORT_REQUIRED)
    if (!columns.includes(c)) problems.push({ row: 1, field: c, message: 'a required column is missing' });
  for (const r of records)
    if (r.cells.length !== columns.length)
      problems.push({
        row: r.row,
        field: 'row',
        message: `has ${r.cells.length} fields; the header has ${columns.length}`,
      });
  if (!records.length && !problems.length)
    problems.push({ row: 2, field: 'row', message: 'the file has a header but no customers' });
  return problems.length ? null : { columns, records };
}

/** A row as the fields a single add takes: `plan` as `profile`, an empty cell left out, the site given. */
function rowInput(
  columns: readonly string[],
  cells: readonly string[],
  site: SiteRef,
): Record<string, unknown> {
  const out: Record<string, unknown> = { site: site.id };
  columns.forEach((col, i) => {
    const v = cells[i].trim();
    // An empty cell is left out; so is `NULL`, how phpMyAdmin's CSV export writes an empty database field.
    if (v === '' || v === 'NULL') return;
    const key = col === 'plan' ? 'profile' : col;
    out[key] = key === 'opening_balance' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
  });
  return out;
}

/** A field as the file names it (`profile` is its `plan`). */
const columnOf = (field: string) => (field === 'profile' ? 'plan' : field);

/**
 * Every row read and checked as a single add is, a username twice in the file refused (a row with other problems
 * too), those the site has found, and the opening balances the single add would ask about.
 */
async function checkRows(
  d: ChangeDeps,
  site: SiteRef,
  t: Table,
  problems: ImportProblem[],
): Promise<Checked[]> {
  const memo: Lookups = new Map();
  const out: Checked[] = [];
  const seen = new Map<string, number>();
  for (const r of t.records) {
    const c = new ErrorCollector();
    const input = rowInput(t.columns, r.cells, site);
    const n = await checkNewSubscriber(d, input, c, memo).catch((e: unknown) => {
      const refused = addressRefusal(r.row, e);
      if (!refused) throw e;
      problems.push(refused);
      return undefined;
    });
    for (const e of c.errors) problems.push({ row: r.row, field: columnOf(e.field), message: e.problem });
    // A row with other problems is in the check for twice-given usernames too: every problem in one round.
    const username = n?.username ?? input.username;
    if (typeof username === 'string') {
      const first = seen.get(username.toLowerCase());
      if (first !== undefined)
        problems.push({
          row: r.row,
          field: 'username',
          message: `${username} is also on row ${first} of this file`,
        });
      else seen.set(username.toLowerCase(), r.row);
    }
    if (n) out.push({ row: r.row, n, exists: false });
  }
  const ips = out.map((c) => ({ row: c.row, ip: c.n.placing?.wish }));
  problems.push(...(await addressProblems(d.db, site, ips)));
  if (problems.length) return out;
  const taken = await takenUsernames(d.db, site, [...seen.keys()]);
  for (const c of out) {
    c.exists = taken.has(c.n.username.toLowerCase());
    if (!c.exists) c.question = typoOpening(c.n);
  }
  return out;
}

/** The usernames (lower case) the site already has, ended subscribers' too (a username is never reused). */
async function takenUsernames(db: Knex, site: SiteRef, keys: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < keys.length; i += 500) {
    const rows = (await db('subscribers')
      .where({ site_id: site.id })
      .whereIn('username_key', keys.slice(i, i + 500))
      .pluck('username_key')) as string[];
    for (const k of rows) out.add(k);
  }
  return out;
}

/** The new rows in one transaction through the single add's steps: all or none. */
async function writeRows(d: ChangeDeps, checked: Checked[]): Promise<Map<number, Written>> {
  const written = new Map<number, Written>();
  await d.db.transaction(async (trx) => {
    for (const c of checked) {
      if (c.exists) continue;
      try {
        written.set(c.row, await insertSubscriberIn(d, trx, c.n));
      } catch (e) {
        if (isUniqueViolation(e, 'subscribers', 'static_ip'))
          throw new AppError(
            'STATIC_IP_TAKEN',
            `Row ${c.row}: ${c.n.placing?.wish ?? 'its address'} was given to another subscriber meanwhile; nothing was imported, try again`,
            409,
            'static_ip',
          );
        const err = subscriberExists(e, c.n);
        if (!(err instanceof AppError)) throw err;
        // Added meanwhile (another add between the check and this write): the whole file waits for a retry.
        throw new AppError(
          err.code,
          `Row ${c.row}: ${err.message}; nothing was imported, try again`,
          409,
          'username',
          {
            [`row ${c.row}: username`]: 'added meanwhile; import the file again to skip it',
          },
        );
      }
    }
  });
  return written;
}

/** A row's outcome and what it is billed: its plan and fee, the opening balance, a typo's question. */
function reportRow(c: Checked, w: Written | undefined): ImportRow {
  return {
    row: c.row,
    username: c.n.username,
    outcome: c.exists ? 'exists' : w ? 'created' : 'ok',
    plan: c.n.plan.name,
    fee: c.n.plan.price,
    ...(c.n.opening ? { openingBalance: c.n.opening.amount } : {}),
    ...(c.question !== undefined ? { question: c.question } : {}),
    ...(w ? { id: w.id, accountNo: accountNo(w.seq) } : {}),
    ...(w && c.n.f.password === undefined ? { madePassword: c.n.password } : {}),
  };
}

/** Rows to be added whose opening balance looks like a typo: 409 CONFIRM_REQUIRED naming each, nothing written. */
function askTypos(checked: readonly Checked[]): void {
  const asked = checked.filter((c) => c.question !== undefined);
  if (!asked.length) return;
  const fields: Record<string, string> = {};
  for (const c of asked) fields[`row ${c.row}: opening_balance`] = c.question!;
  const rows = asked.length === 1 ? 'a row' : `${asked.length} rows`;
  throw new AppError(
    'CONFIRM_REQUIRED',
    `Nothing was imported: an opening balance looks like a typo on ${rows}:\n${asked
      .map((c) => `  - row ${c.row}, ${c.n.username}: ${c.question}`)
      .join('\n')}\nCheck the file, or confirm it.`,
    409,
    'opening_balance',
    fields,
  );
}

/** After the commit: each subscriber's audit entry as a single add's, the import's own, the router work told. */
async function told(
  d: ChangeDeps,
  actor: Actor,
  site: SiteRef,
  checked: Checked[],
  written: Map<number, Written>,
): Promise<void> {
  const created = checked.filter((c) => written.has(c.row));
  for (const c of created) await auditCreated(d, actor, c.n, written.get(c.row)!.seq, { imported: true });
  await d.audit.record(actor, 'subscriber.import', null, {
    site: site.name,
    created: created.length,
    exists: checked.length - created.length,
  });
  // One event per subscriber, all at once: the router work's check runs once for the burst (check-runner.ts).
  for (const c of created) d.emit({ id: written.get(c.row)!.id, change: 'create' });
}
