import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openDatabase, migrateLatest, migrateDownAll, Db, insertedId } from '../../src/db/knex';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db';

describe(`database migrations (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let dir: string;
  let database: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-db-'));
    database = await createTestDatabase(dir);
    db = openDatabase(loadConfig({ DATABASE_URL: database.url }).database);
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tables = async (): Promise<string[]> =>
    (onPostgres
      ? await db('information_schema.tables').where({ table_schema: 'public' }).pluck('table_name')
      : await db('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').pluck('name')
    ).sort();
  /** A unique index refusing a row, in either engine's words. */
  const UNIQUE = /UNIQUE|unique constraint/;

  it('migrates an empty database up, down and up again', async () => {
    const applied = await migrateLatest(db);
    expect(applied.length).toBeGreaterThanOrEqual(6);
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'profiles',
        'vouchers',
        'batches',
        'router_state',
        'voucher_devices',
        'usage_samples',
        'events',
        'admin_users',
        'sessions',
        'audit_log',
        'settings',
        'card_templates',
      ]),
    );
    const voucherCols = await db('vouchers').columnInfo();
    expect(voucherCols).toHaveProperty('rate_limit_up');
    expect(voucherCols).toHaveProperty('rate_limit_down');

    await migrateDownAll(db);
    expect(await tables()).toEqual(['knex_migrations', 'knex_migrations_lock']);

    expect((await migrateLatest(db)).length).toBe(applied.length);
    expect(await migrateLatest(db)).toEqual([]);
  });

  // SQLite's connection settings (PRAGMAs): PostgreSQL has none of them, so its pass skips this one.
  (onPostgres ? it.skip : it)('opens SQLite with WAL, a busy timeout and foreign keys', async () => {
    await migrateLatest(db);
    const [{ journal_mode }] = await db.raw('PRAGMA journal_mode');
    const [{ foreign_keys }] = await db.raw('PRAGMA foreign_keys');
    const [{ timeout }] = await db.raw('PRAGMA busy_timeout');
    expect(journal_mode).toBe('wal');
    expect(foreign_keys).toBe(1);
    expect(timeout).toBeGreaterThan(0);
    // Foreign keys are enforced: a voucher needs a real profile.
    await expect(
      db('vouchers').insert({
        code: 'X',
        profile_id: 999,
        price: 1,
        rate_limit_up: 1,
        rate_limit_down: 1,
        created_at: 1,
        updated_at: 1,
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('rejects duplicate voucher codes and profile names differing only in case', async () => {
    await migrateLatest(db);
    await db('profiles').insert({ name: 'BASIC', price: 500, spec: '{}', created_at: 1, updated_at: 1 });
    await expect(
      db('profiles').insert({ name: 'basic', price: 500, spec: '{}', created_at: 1, updated_at: 1 }),
    ).rejects.toThrow(UNIQUE);
    const [pid] = await db('profiles').pluck('id');
    const v = {
      code: 'ABCD2345',
      profile_id: pid,
      price: 500,
      rate_limit_up: 512000,
      rate_limit_down: 1000000,
      created_at: 1,
      updated_at: 1,
    };
    await db('vouchers').insert(v);
    await expect(db('vouchers').insert(v)).rejects.toThrow(UNIQUE);
  });

  /** Undoes migrations one by one, newest first, until 0007 (the usage rollup) is undone. */
  async function downTo0006(): Promise<void> {
    while (await db.schema.hasTable('usage_rollup')) await db.migrate.down();
  }

  it('moves usage samples to the raw + rollup layout and back, keeping every byte', async () => {
    await migrateLatest(db);
    await downTo0006(); // back to the single usage_samples table of migration 0004
    const pid = insertedId(
      await db('profiles')
        .insert({ name: 'P', price: 1, spec: '{}', created_at: 1, updated_at: 1 })
        .returning('id'),
    );
    const vid = insertedId(
      await db('vouchers')
        .insert({
          code: 'MIGR0001',
          profile_id: pid,
          price: 1,
          rate_limit_up: 1,
          rate_limit_down: 1,
          created_at: 1,
          updated_at: 1,
        })
        .returning('id'),
    );
    const did = insertedId(
      await db('voucher_devices')
        .insert({ voucher_id: vid, mac: '02:00:00:00:00:01', first_seen_at: 1, last_seen_at: 1 })
        .returning('id'),
    );
    const H = 3600_000;
    const t0 = 1000 * 24 * H; // a UTC midnight
    const row = (ts: number, resolution: number, up: number, rate = 0) => ({
      device_id: did,
      voucher_id: vid,
      ts,
      resolution,
      bytes_up: up,
      bytes_down: 2 * up,
      rate_up: rate,
      rate_down: rate,
    });
    await db('usage_samples').insert([
      row(t0, 86400, 1000), // a folded day
      row(t0 + 24 * H, 3600, 100), // a folded hour
      row(t0 + 50 * H, 0, 1, 8), // two raw polls in one hour
      row(t0 + 50 * H + 30_000, 0, 2, 9),
    ]);
    await migrateLatest(db);
    expect(await db('usage_samples').orderBy('ts').pluck('bytes_up')).toEqual([1, 2]);
    const rollup = await db('usage_rollup')
      .orderBy('ts')
      .select('ts', 'resolution', 'bytes_up', 'bytes_down', 'rate_down');
    expect(rollup.map((r) => ({ ...r, ts: Number(r.ts) }))).toEqual([
      { ts: t0, resolution: 86400, bytes_up: 1000, bytes_down: 2000, rate_down: 0 },
      { ts: t0 + 24 * H, resolution: 3600, bytes_up: 100, bytes_down: 200, rate_down: 0 },
      { ts: t0 + 50 * H, resolution: 3600, bytes_up: 3, bytes_down: 6, rate_down: 9 },
    ]);
    // And down again: the raw polls as they were, older traffic as folded rows.
    await downTo0006();
    const back = await db('usage_samples').orderBy('ts').select('resolution', 'bytes_up');
    expect(back).toEqual([
      { resolution: 86400, bytes_up: 1000 },
      { resolution: 3600, bytes_up: 100 },
      { resolution: 0, bytes_up: 1 },
      { resolution: 0, bytes_up: 2 },
    ]);
  });

  /** A usage_journal row's packed `data` as the controllers before 0025 wrote it (little-endian float64s). */
  function packed(
    d: Array<[number, number, number, number, number, number, number, number, number, number]>,
    z: number[],
    v: Array<[number, number, number, number, number]>,
  ): Buffer {
    const values = [1, d.length, z.length, v.length, 0, ...d.flat(), ...z, ...v.flat()];
    const buf = Buffer.alloc(values.length * 8);
    values.forEach((x, i) => buf.writeDoubleLE(x, i * 8));
    return buf;
  }

  it('adds the usage journal rows an older controller left into the tables once, then drops the journal', async () => {
    await db.migrate.to({ name: '20261124_0024_voucher_code_key' });
    expect(await db.schema.hasTable('usage_journal')).toBe(true);
    const pid = insertedId(
      await db('profiles')
        .insert({ name: 'P', price: 1, spec: '{}', created_at: 1, updated_at: 1 })
        .returning('id'),
    );
    const vid = insertedId(
      await db('vouchers')
        .insert({
          code: 'JRNL0001',
          profile_id: pid,
          price: 1,
          rate_limit_up: 1,
          rate_limit_down: 1,
          status: 'active',
          bytes_up: 10,
          bytes_down: 20,
          counted_bytes: 30,
          uptime_seconds: 5,
          created_at: 1,
          updated_at: 1,
        })
        .returning('id'),
    );
    const did = insertedId(
      await db('voucher_devices')
        .insert({
          voucher_id: vid,
          mac: '02:00:00:00:00:01',
          first_seen_at: 1,
          last_seen_at: 1,
          bytes_up: 10,
          bytes_down: 20,
          counter_queue_id: '*1',
          baseline_up: 4900,
          baseline_down: 49000,
        })
        .returning('id'),
    );
    const t1 = 1000 * 86400_000 + 60_000; // a minute into a UTC hour
    const t2 = t1 + 30_000;
    // The older JSON form, measured against the device's own queue *1: its baseline is the device's.
    const body = {
      d: [[did, vid, 100, 1000, 8, 80, t1, 5000, 50000, '*1']],
      z: [],
      v: [[vid, 100, 1000, 1100, 30]],
    };
    await db('usage_journal').insert({ site_id: 1, ts: t1, body: JSON.stringify(body), data: null });
    // The packed form, measured against queue *2 (queue number 2): the device counts *1, so its baseline stays.
    await db('usage_journal').insert({
      site_id: 1,
      ts: t2,
      body: '',
      data: packed([[did, vid, 200, 2000, 16, 160, t2, 7000, 70000, 2]], [], [[vid, 200, 2000, 2200, 30]]),
    });

    expect(await migrateLatest(db)).toEqual(expect.arrayContaining(['20261125_0025_usage_journal_folded']));
    expect(await db.schema.hasTable('usage_journal')).toBe(false);
    const device = await db('voucher_devices')
      .where({ id: did })
      .first(
        'bytes_up',
        'bytes_down',
        'baseline_up',
        'baseline_down',
        'rate_up',
        'rate_down',
        'last_seen_at',
      );
    expect(Object.fromEntries(Object.entries(device).map(([k, x]) => [k, Number(x)]))).toEqual({
      bytes_up: 310,
      bytes_down: 3020,
      baseline_up: 5000,
      baseline_down: 50000,
      rate_up: 16,
      rate_down: 160,
      last_seen_at: t2,
    });
    const voucher = await db('vouchers')
      .where({ id: vid })
      .first('bytes_up', 'bytes_down', 'counted_bytes', 'uptime_seconds');
    expect(Object.fromEntries(Object.entries(voucher).map(([k, x]) => [k, Number(x)]))).toEqual({
      bytes_up: 310,
      bytes_down: 3020,
      counted_bytes: 3330,
      uptime_seconds: 65,
    });
    // The charts' and reports' rows: one sample per poll, and both polls in their UTC hour's rollup row.
    const samples = await db('usage_samples').orderBy('ts').select('ts', 'bytes_up', 'bytes_down');
    expect(samples.map((r) => [Number(r.ts), Number(r.bytes_up), Number(r.bytes_down)])).toEqual([
      [t1, 100, 1000],
      [t2, 200, 2000],
    ]);
    const rollup = await db('usage_rollup').select('ts', 'resolution', 'bytes_up', 'bytes_down', 'rate_down');
    expect(
      rollup.map((r) => [Number(r.ts), r.resolution, Number(r.bytes_up), Number(r.bytes_down), r.rate_down]),
    ).toEqual([[t1 - 60_000, 3600, 300, 3000, 160]]);
  });

  it("renames a device's counter id to source_counter_id and back, keeping every value", async () => {
    await db.migrate.to({ name: '20261129_0038_remittances' });
    const pid = insertedId(
      await db('profiles')
        .insert({ name: 'P', price: 1, spec: '{}', created_at: 1, updated_at: 1 })
        .returning('id'),
    );
    const vid = insertedId(
      await db('vouchers')
        .insert({
          code: 'RENAME01',
          profile_id: pid,
          price: 1,
          rate_limit_up: 1,
          rate_limit_down: 1,
          created_at: 1,
          updated_at: 1,
        })
        .returning('id'),
    );
    // A router site's queue id, and (PostgreSQL only: the column is wider there) a RADIUS accounting session's.
    const ids = ['*1A', ...(onPostgres ? ['RENAME01-02:00:00:00:00:02-5f3e0a11c0ffee'] : [])];
    await db('voucher_devices').insert(
      ids.map((id, i) => ({
        voucher_id: vid,
        mac: `02:00:00:00:00:0${i + 1}`,
        first_seen_at: 1,
        last_seen_at: 1,
        counter_queue_id: id,
      })),
    );
    expect(await migrateLatest(db)).toContain('20261130_0039_source_counter_id');
    const cols = await db('voucher_devices').columnInfo();
    expect(cols).toHaveProperty('source_counter_id');
    expect(cols).not.toHaveProperty('counter_queue_id');
    expect(await db('voucher_devices').orderBy('mac').pluck('source_counter_id')).toEqual(ids);
    // Back before the rename, through the migrations that came after it, one by one.
    while (await db.schema.hasColumn('voucher_devices', 'source_counter_id')) await db.migrate.down();
    expect(await db('voucher_devices').orderBy('mac').pluck('counter_queue_id')).toEqual(ids);
  });
});
