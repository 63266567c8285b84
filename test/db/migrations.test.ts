import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, migrateLatest, migrateDownAll, Db } from '../../src/db/knex';

describe('database migrations', () => {
  let dir: string;
  let db: Db;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-db-'));
    db = openDatabase(path.join(dir, 'test.sqlite'));
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tables = async () =>
    (
      await db('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').pluck('name')
    ).sort();

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

  it('opens SQLite with WAL, a busy timeout and foreign keys', async () => {
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
    ).rejects.toThrow(/UNIQUE/);
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
    await expect(db('vouchers').insert(v)).rejects.toThrow(/UNIQUE/);
  });
});
