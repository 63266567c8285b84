import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openDatabase } from '../../src/db/knex';
import { AppError, ValidationError } from '../../src/domain/errors';
import { formatBytes } from '../../src/domain/units';
import { systemClock } from '../../src/lib/clock';
import { createAuditService } from '../../src/services/business/audit';
import { createBackupService } from '../../src/services/business/backup';
import { resolveBackupFile } from '../../src/services/business/backup/files';
import { restoreBackup, type RestoreReport } from '../../src/services/business/backup/restore';
import { applyStoredShopSettings } from '../../src/services/business/settings/shop-stored';
import type { BackupResult } from '../../src/services/business/backup/types';
import { out } from '../lib/ansi';
import { parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { openCliLogs } from '../lib/log';
import { print, printJson, type CommandDef } from './shared';

const BACKUP = `Usage: pisonet backup [--out FILE] [--format auto|sqlite|pgdump|export] [--json]

Makes one backup of the whole database (every sale, voucher, device, usage row, setting and admin account)
while the server runs, checked as it is written, and prints the file and its size.

  --out FILE   where to write it; default a new pisonet-YYYYMMDD-HHMMSS.<format>.backup in BACKUP_DIR
               (default data/backups), which keeps the newest BACKUP_KEEP (default 7) of its backups
  --format     auto (default): SQLite's own copy of the file, or on PostgreSQL pg_dump when it is installed;
               export: the product's portable file of every table's rows, restorable into either engine

The file does not hold the key files that seal the routers' passwords and the vendos' secrets: keep
DATA_DIR's credentials.key and vendo-secrets.key (and .env) beside it. Restore with: pisonet restore FILE`;

const RESTORE = `Usage: pisonet restore FILE [--yes] [--json]

Replaces the database (DATABASE_URL) with a backup made by \`pisonet backup\`, the admin or the schedule, and
migrates it to this version. Stop the server first. Nothing is changed when the file is damaged or cut short,
when a server uses the database, or when the database already holds a shop and --yes is not given (a SQLite
file replaced is kept as <file>.before-restore-<time>). A SQLite backup restores into SQLite or PostgreSQL, an
export into either, a pg_dump backup into PostgreSQL. FILE may be a backup's bare name (pisonet-….backup), found
in the backup folder (BACKUP_DIR), or a path. Put the key files kept with the backup into DATA_DIR
before starting the server: the restore says which sealed secrets the keys there cannot open.`;

/** Rows per table as a list: table names are data, not keys to be camelCased. */
const tableRows = (t: Record<string, number>) => Object.entries(t).map(([table, rows]) => ({ table, rows }));

function parseFormat(v: unknown): 'auto' | 'sqlite' | 'pgdump' | 'export' {
  const f = typeof v === 'string' ? v : 'auto';
  if (f === 'auto' || f === 'sqlite' || f === 'pgdump' || f === 'export') return f;
  throw ValidationError.invalid('format', f, 'a backup format', 'use auto, sqlite, pgdump or export');
}

function printBackup(r: BackupResult): void {
  const rows = Object.values(r.manifest.tables).reduce((a, b) => a + b, 0);
  const tables = Object.keys(r.manifest.tables).length;
  print(out.green(`Backup made: ${r.file}`));
  print(
    `${formatBytes(r.bytes)} (${r.bytes} bytes), ${r.manifest.format}, ${rows} rows in ${tables} tables, schema ${r.manifest.migration}`,
  );
  if (r.pruned.length) print(out.dim(`Removed ${r.pruned.length} older backup(s): ${r.pruned.join(', ')}`));
  print(
    out.dim('Keep DATA_DIR/credentials.key, vendo-secrets.key and .env beside it: the backup holds no keys.'),
  );
}

const backup: CommandDef = {
  name: 'backup',
  summary: 'make one backup of the whole database now (while the server runs)',
  usage: BACKUP,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['out', 'format'], ['json']), BACKUP);
    const format = parseFormat(values.format);
    const config = loadConfig(process.env);
    if (config.database.engine === 'sqlite' && !fs.existsSync(config.database.file))
      throw new AppError(
        'BACKUP_FAILED',
        `there is no database at ${config.database.file} (DATABASE_URL) to back up`,
        404,
      );
    const logs = openCliLogs(config);
    const db = openDatabase(config.database);
    try {
      // The shop's zone as the owner set it (in the admin or the terminal), not only .env's: the file's name says it.
      await applyStoredShopSettings(config, db, systemClock);
      const service = createBackupService({
        config,
        db,
        clock: systemClock,
        log: logs.log,
        audit: createAuditService(db, systemClock),
      });
      const outFile = typeof values.out === 'string' ? path.resolve(values.out) : undefined;
      const r = await service.backupNow({ out: outFile, format, actor: cliActor() });
      if (values.json)
        printJson({
          file: r.file,
          bytes: r.bytes,
          format: r.manifest.format,
          engine: r.manifest.engine,
          version: r.manifest.version,
          migration: r.manifest.migration,
          made_at: new Date(r.manifest.made_at).toISOString(),
          tables: tableRows(r.manifest.tables),
          sha256: r.manifest.payload.sha256,
          pruned: r.pruned,
        });
      else printBackup(r);
      return 0;
    } finally {
      await db.destroy();
    }
  },
};

function printRestore(r: RestoreReport, file: string): void {
  const m = r.manifest;
  print(out.green(`Restored ${file} into ${r.target}.`));
  const engine = m.engine === 'postgres' ? 'PostgreSQL' : 'SQLite';
  const kind = { sqlite: "SQLite's own copy", pgdump: "pg_dump's copy", export: 'portable export' }[m.format];
  print(`Backup of ${m.made_at_local} (${m.tz}), PisoNet Manager ${m.version}, ${engine} database, ${kind}.`);
  if (r.replaced)
    print(`It replaced a shop of ${r.replaced.vouchers} vouchers and ${r.replaced.sales} sales.`);
  if (r.keptAside) print(`The replaced database file is kept as ${r.keptAside}.`);
  const vouchers = r.tables.vouchers ?? 0;
  print(`Now: ${vouchers} vouchers; ${Object.values(r.tables).reduce((a, b) => a + b, 0)} rows in all.`);
  if (r.migrated.length) print(`Brought to this version's schema: ${r.migrated.length} migration(s).`);
  for (const w of r.warnings) print(out.yellow(`warning: ${w}`));
  print(
    out.dim(
      'Start the server. It manages the router this database knows; any other router puts it in safe mode until you adopt it.',
    ),
  );
}

const restore: CommandDef = {
  name: 'restore',
  summary: 'replace the database with a backup (server stopped)',
  usage: RESTORE,
  async run(args) {
    const { values, positionals } = parseCommand(args, optionSpec([], ['yes', 'json']), RESTORE, 1);
    const config = loadConfig(process.env);
    // A bare name, as the Backups page and `pisonet backup` print it, is found in BACKUP_DIR.
    const file = await resolveBackupFile(positionals[0], config.backup.dir);
    const logs = openCliLogs(config);
    const r = await restoreBackup(config, file, { yes: values.yes === true, log: logs.log, now: Date.now() });
    if (values.json)
      printJson(
        {
          file,
          target: r.target,
          made_at: new Date(r.manifest.made_at).toISOString(),
          version: r.manifest.version,
          engine: r.manifest.engine,
          format: r.manifest.format,
          replaced: r.replaced ?? null,
          kept_aside: r.keptAside ?? null,
          migrated: r.migrated,
          tables: tableRows(r.tables),
          warnings: r.warnings,
        },
        { money: true },
      );
    else printRestore(r, file);
    return 0;
  },
};

export const backupCommands = [backup, restore];
