import path from 'node:path';
import { parseDatabaseUrl, type DatabaseConfig } from '../../src/config/database-url';
import { copyDatabase, type CopyReport } from '../../src/db/copy';
import { openDatabase } from '../../src/db/knex';
import { ValidationError, DatabaseUrlError, AppError } from '../../src/domain/errors';
import { PROJECT_ROOT } from '../../src/lib/paths';
import { out } from '../lib/ansi';
import { parseCommand, requireOption, optionSpec } from '../lib/args';
import { print, printJson, type CommandDef } from './shared';

const COPY = `Usage: pisonet db copy --from URL --to URL [--force] [--json]

Copies the whole database (every sale, voucher, device, usage row, setting and admin account) from one
database to another, e.g. from the SQLite file to PostgreSQL:

  pisonet db copy --from sqlite:./data/pisonet.sqlite --to postgres://pisonet:PASSWORD@db.lan:5432/pisonet

Stop the server first. The target is migrated and must be empty; --force empties it first. The copy is one
transaction on the target. Afterwards both sides are counted (rows per table, sums of money and byte
columns) and printed; the exit code is 0 only when they agree. Then set DATABASE_URL to the target.`;

function target(value: string, field: string): DatabaseConfig {
  try {
    return parseDatabaseUrl(value, PROJECT_ROOT);
  } catch (err) {
    if (err instanceof DatabaseUrlError) throw new ValidationError(field, `--${field} ${err.message}`);
    throw err;
  }
}

function same(a: DatabaseConfig, b: DatabaseConfig): boolean {
  if (a.engine === 'sqlite' && b.engine === 'sqlite') return path.resolve(a.file) === path.resolve(b.file);
  if (a.engine === 'postgres' && b.engine === 'postgres')
    return a.host === b.host && a.port === b.port && a.database === b.database;
  return false;
}

function printReport(r: CopyReport): void {
  const w = Math.max(5, ...r.tables.map((t) => t.table.length));
  print(out.bold(`${'TABLE'.padEnd(w)}  ${'ROWS'.padStart(9)}  CHECKED SUMS (source = target)`));
  for (const t of r.tables) {
    const rows =
      t.rows.source === t.rows.target ? String(t.rows.source) : `${t.rows.source} ≠ ${t.rows.target}`;
    const sums = t.sums
      .map((s) =>
        s.source === s.target ? `${s.column} ${s.source}` : `${s.column} ${s.source} ≠ ${s.target}`,
      )
      .join(', ');
    const line = `${t.table.padEnd(w)}  ${rows.padStart(9)}  ${sums || '-'}`;
    print(t.ok ? line : out.red(line));
  }
}

const copy: CommandDef = {
  name: 'db copy',
  summary: 'copy the whole database to another one (e.g. SQLite to PostgreSQL), checked',
  usage: COPY,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['from', 'to'], ['force', 'json']), COPY);
    const from = target(requireOption(values, 'from', COPY), 'from');
    const to = target(requireOption(values, 'to', COPY), 'to');
    if (same(from, to)) throw new ValidationError('to', '--to is the same database as --from');
    const src = openDatabase(from);
    const dst = openDatabase(to);
    try {
      if (!values.json) print(`Copying ${from.shown} → ${to.shown}`);
      const report = await copyDatabase(src, dst, {
        force: values.force === true,
        progress: values.json ? undefined : (line) => print(out.dim(`  ${line}`)),
      });
      if (values.json) printJson({ from: from.shown, to: to.shown, ...report });
      else {
        printReport(report);
        print(
          report.ok
            ? out.green(
                `Copied ${report.copiedRows} row(s); every count and sum agrees. Set DATABASE_URL to the target.`,
              )
            : out.red('The copy does not agree with the source (rows marked above). Do not switch to it.'),
        );
      }
      if (!report.ok) throw new AppError('COPY_MISMATCH', 'the copy does not agree with the source', 500);
      return 0;
    } finally {
      await Promise.all([src.destroy(), dst.destroy()]);
    }
  },
};

export const dbCommands = [copy];
