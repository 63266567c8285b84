/**
 * `pisonet subscribers import FILE [--dry-run] [--site SITE] [--json]`: customers from a CSV, on the same service
 * as the admin's import page and API (every row checked first; a file with a bad row writes nothing).
 */
import fs from 'node:fs';
import {
  IMPORT_COLUMNS,
  IMPORT_MAX_BYTES,
  importTooLarge,
} from '../../src/services/subscriptions/subscribers/import';
import {
  importJson,
  importProblemsJson,
  MADE_PASSWORDS_NOTE,
} from '../../src/services/subscriptions/subscribers/import-json';
import type { ImportReport } from '../../src/services/subscriptions/subscribers/types';
import { AppError } from '../../src/domain/errors';
import { parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { formatMoney } from '../../src/domain/units';
import { CommandDef, print, printJson, withCore, yesConfirms } from './shared';

const IMPORT = `Usage: pisonet subscribers import FILE [--dry-run] [--site SITE] [--yes] [--json]

Adds the customers of a CSV file (UTF-8, a header row first; at most 5,000 customers and 2 MB). Columns, in any
order: ${IMPORT_COLUMNS.join(', ')}; name, username, plan and billing_day are required,
an empty cell is left out. Every row is checked as \`subscribers add\` checks one before any is written: a file
with a bad row adds nothing and each problem is printed with its row (the header is row 1) and column. A username
the site already has is skipped (exists), so importing the same file again adds nothing. An opening balance above
six months of the plan's fee looks like a typo: the dry run flags its row, and the import adds nothing
(CONFIRM_REQUIRED) unless --yes says the flagged ones are meant.
--dry-run: check only, each row with its plan and opening balance. --site: its id or name (default: the default
site). See docs/subscribers.md.`;

function readCsv(file: string): string {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new AppError('NOT_FOUND', `No file ${file}`, 404, 'file');
  }
  if (size > IMPORT_MAX_BYTES) throw importTooLarge('over 2 MB');
  return fs.readFileSync(file, 'utf8');
}

function printReport(r: ImportReport): void {
  for (const x of r.rows) {
    const what =
      x.outcome === 'ok'
        ? 'would be added'
        : x.outcome === 'exists'
          ? 'exists, skipped'
          : `added as ${x.accountNo}`;
    const made = x.madePassword !== undefined ? `; password made: ${x.madePassword}` : '';
    const opening =
      x.openingBalance !== undefined ? `, opening balance ${formatMoney(x.openingBalance)}` : '';
    print(`  row ${x.row}: ${x.username} ${what} (${x.plan} ${formatMoney(x.fee)}/month${opening})${made}`);
    if (x.question !== undefined) print(`    flagged: ${x.question}`);
  }
  const ok = r.rows.filter((x) => x.outcome === 'ok').length;
  print(
    r.dryRun
      ? `Dry run on ${r.site.name}: ${ok} would be added, ${r.exists} exist already. Nothing was written.`
      : `Imported on ${r.site.name}: ${r.created} added, ${r.exists} existed already and were skipped.`,
  );
  if (r.rows.some((x) => x.madePassword !== undefined)) print(MADE_PASSWORDS_NOTE);
  const asked = r.rows.filter((x) => x.question !== undefined).length;
  if (r.dryRun && asked)
    print(
      `${asked} opening balance${asked === 1 ? '' : 's'} flagged: check the file, or import with --yes if right.`,
    );
}

export const importCmd: CommandDef = {
  name: 'subscribers import',
  summary: 'add customers from a CSV file (PHPNuxBill export reshaped, a spreadsheet)',
  usage: IMPORT,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      optionSpec(['site'], ['dry-run', 'yes', 'json']),
      IMPORT,
      1,
    );
    const csv = readCsv(positionals[0]);
    return withCore(async (core) => {
      const r = await core.services.subscribers
        .importCsv(
          csv,
          { dryRun: values['dry-run'] === true, site: values.site, confirmed: values.yes === true },
          cliActor(),
        )
        .catch(yesConfirms);
      if (r.problems.length) {
        if (values.json) printJson(importProblemsJson(r.problems), { api: true });
        else process.stderr.write(`${importProblemsJson(r.problems).error}\n`);
        return 2;
      }
      if (values.json) printJson(importJson(r, { withPassword: true }), { api: true });
      else printReport(r);
      return 0;
    });
  },
};
