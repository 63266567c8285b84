/**
 * Backups across versions and engines: a backup of an older schema is migrated on by the restore; a backup of a
 * newer one is refused before anything changes; a SQLite shop moves to the run's engine and back to SQLite
 * through its backups, with the reports unchanged.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrationSource } from '../../migrations';
import { loadConfig } from '../../src/config/env';
import { openDatabase, type Db } from '../../src/db/knex';
import { createLogger } from '../../src/lib/logger';
import { FakeClock } from '../../src/lib/clock';
import { createAuditService } from '../../src/services/business/audit';
import { createBackupService } from '../../src/services/business/backup';
import { headerFor, HEADER_BYTES, readManifest } from '../../src/services/business/backup/file-format';
import { autoFormat } from '../../src/services/business/backup/make';
import { migrateTo } from '../../src/services/business/backup/staging';
import type { BackupFormat } from '../../src/services/business/backup/types';
import { describePostgresOnly } from '../helpers/engine-describe';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db';
import { usageHarness, type Harness } from '../usage/helpers';
import { buildShop, freshPlace, openRestored, reportsOf, restoreCli, type Place } from './helpers';

const OLD = '20261125_0026_radius';

/** The product's migrations after `name`, in order. */
async function newerThan(name: string): Promise<string[]> {
  const all = (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m));
  return all.slice(all.indexOf(name) + 1);
}
const FORMATS: BackupFormat[] = onPostgres ? ['pgdump', 'export'] : ['sqlite', 'export'];

let h: Harness;
const places: Place[] = [];
let oldDir: string;
let oldDb: TestDatabase;
let old: Db;

beforeAll(async () => {
  h = await usageHarness({ sqlite: true });
  await buildShop(h);
  // A shop still at migration 0026 (before voucher charges), as an older version left it.
  oldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-old-'));
  oldDb = await createTestDatabase(oldDir, 'old.sqlite');
  old = openDatabase(loadConfig({ DATABASE_URL: oldDb.url }).database);
  await migrateTo(old, OLD);
  const [profile] = (await old('profiles')
    .insert({ name: 'OLD', price: 500, spec: '{}', source: 'file', created_at: 1, updated_at: 1 })
    .returning('id')) as Array<{ id: number }>;
  const vouchers = (await old('vouchers')
    .insert(
      ['OLDCODE1', 'OLDCODE2'].map((code, i) => ({
        code,
        profile_id: profile.id,
        price: 500,
        rate_limit_up: 1_000_000,
        rate_limit_down: 2_000_000,
        status: i ? 'unused' : 'active',
        activated_at: i ? null : 1000,
        created_at: 1,
        updated_at: 1,
      })),
    )
    .returning('id')) as Array<{ id: number }>;
  // The active voucher's phone, its counter's id still in the column's old name (counter_queue_id).
  await old('voucher_devices').insert({
    voucher_id: vouchers[0].id,
    mac: '02:00:00:00:0A:01',
    first_seen_at: 1000,
    last_seen_at: 2000,
    bytes_up: 10,
    bytes_down: 20,
    counter_queue_id: '*1A',
    baseline_up: 10,
    baseline_down: 20,
  });
}, 240_000);

afterAll(async () => {
  await old?.destroy();
  await oldDb?.drop();
  fs.rmSync(oldDir, { recursive: true, force: true });
  await h?.close();
  for (const p of places) await p.close();
});

async function place(sqlite = false): Promise<Place> {
  const p = await freshPlace('restored.sqlite', sqlite);
  places.push(p);
  return p;
}

/** A backup of the old database, made by the same service the server uses. */
async function backupOld(format: BackupFormat): Promise<string> {
  const config = loadConfig({ DATABASE_URL: oldDb.url, DATA_DIR: oldDir, TZ: 'Asia/Manila' });
  const service = createBackupService({
    config,
    db: old,
    clock: new FakeClock(),
    log: createLogger('silent'),
    audit: createAuditService(old, new FakeClock()),
  });
  return (await service.backupNow({ format })).file;
}

test.each(FORMATS)(
  'an older %s backup is migrated to this version when restored',
  async (format) => {
    const file = await backupOld(format);
    expect((await readManifest(file)).migration).toBe(OLD);
    const p = await place();
    const r = await restoreCli(h, p, file, ['--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      migrated: string[];
      tables: Array<{ table: string; rows: number }>;
    };
    // Every migration after the backup's, in order (0027 and 0028 at the time of writing, and what came since).
    expect(out.migrated).toEqual(await newerThan(OLD));
    expect(out.migrated.slice(0, 2)).toEqual(['20261126_0027_voucher_charges', '20261127_0028_charge_bytes']);
    expect(out.tables.find((t) => t.table === 'vouchers')?.rows).toBe(2);
    expect(out.tables.find((t) => t.table === 'voucher_charges')?.rows).toBe(0);
    // The device's counter id came through the column's rename, so its next poll measures from its baseline.
    const restored = openDatabase(loadConfig({ DATABASE_URL: p.db.url }).database);
    try {
      expect(await restored('voucher_devices').select('mac', 'source_counter_id')).toEqual([
        { mac: '02:00:00:00:0A:01', source_counter_id: '*1A' },
      ]);
    } finally {
      await restored.destroy();
    }
  },
  120_000,
);

test('a backup of a newer version is refused in one line, and nothing changes', async () => {
  const file = await backupOld(FORMATS[0]);
  const m = await readManifest(file);
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(
    fd,
    headerFor({ ...m, version: '9.0.0', migration: '20991231_0999_future' }),
    0,
    HEADER_BYTES,
    0,
  );
  fs.closeSync(fd);
  const p = await place();
  const r = await restoreCli(h, p, file);
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(
    /made by PisoNet Manager 9\.0\.0, whose database is newer .*update this installation first/,
  );
  if (!onPostgres) expect(fs.existsSync(p.db.url.replace(/^sqlite:/, ''))).toBe(false);
}, 60_000);

test("a SQLite shop restored into this run's engine, and its export back into SQLite, keeps its reports", async () => {
  const before = await reportsOf(h.core!, h.clock.now());
  const made = await h.core!.services.backups.backupNow();
  expect(made.manifest.format).toBe('sqlite');
  const there = await place();
  expect((await restoreCli(h, there, made.file)).code).toBe(0);
  const moved = await openRestored(h, there);
  let exported: string;
  try {
    expect(await reportsOf(moved, h.clock.now())).toEqual(before);
    exported = (await moved.services.backups.backupNow({ format: 'export' })).file;
  } finally {
    await moved.close();
  }
  const back = await place(true);
  expect((await restoreCli(h, back, exported)).code).toBe(0);
  const home = await openRestored(h, back);
  try {
    expect(await reportsOf(home, h.clock.now())).toEqual(before);
  } finally {
    await home.close();
  }
}, 180_000);

test('auto means pg_dump on PostgreSQL only where it is installed, else the export', () => {
  const pg = loadConfig({ DATABASE_URL: 'postgres://u:p@db.lan/shop' });
  expect(autoFormat(pg, { PATH: '/nonexistent' })).toBe('export');
  expect(autoFormat(loadConfig({ DATABASE_URL: 'sqlite:x.sqlite' }), { PATH: '' })).toBe('sqlite');
  if (onPostgres) expect(autoFormat(pg)).toBe('pgdump');
});

describePostgresOnly('pg_dump backups', () => {
  test('a pg_dump backup is refused by a SQLite database, which it cannot fill', async () => {
    const file = await backupOld('pgdump');
    const p = await place(true);
    const r = await restoreCli(h, p, file);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/restores into PostgreSQL only; .*--format export.*\(BACKUP_WRONG_ENGINE\)/);
    expect(fs.existsSync(p.db.url.replace(/^sqlite:/, ''))).toBe(false);
  }, 60_000);
});
