/** ChangeWatch: which writes make a kept copy of some tables stale, in this process and from another one. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChangeWatch, mayWrite } from '../../src/db/change-watch';
import { loadConfig } from '../../src/config/env';
import { migrateLatest, openDatabase, type Db } from '../../src/db/knex';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db';

const WATCHED = new Set(['vouchers', 'voucher_devices']);

describe('mayWrite', () => {
  test.each([
    ['select * from `vouchers`', false],
    ['PRAGMA data_version', false],
    ['BEGIN;', false],
    ['COMMIT;', false],
    ['update `vouchers` set `status` = ? where `id` = ?', true],
    ['insert into `voucher_devices` (`mac`) values (?)', true],
    ['delete from "vouchers" where id = ?', true],
    ['/* usage-meter */ UPDATE "vouchers" SET x = 1', true],
    ['insert or replace into vouchers (id) values (1)', true],
    ['update `sessions` set `expires_at` = ?', false],
    ['insert into `audit_log` (`ts`) values (?)', false],
    ['delete from `events`', false],
    // Unreadable target: counted, because a missed write would leave a stale copy.
    ['WITH x AS (SELECT 1) UPDATE events SET id = id', true],
    ['drop table `vouchers`', true],
    ['alter table `profiles` add column `x` integer', true],
    // A connection's own temporary table (the poll's staging table) writes no watched table; one named as one does.
    ['/* usage-meter */ CREATE TEMP TABLE IF NOT EXISTS usage_stage (device_id BIGINT)', false],
    ['create temporary table vouchers (id integer)', true],
    ['create table `vouchers_new` (`id` integer)', true],
  ])('%s → %s', (sql, expected) => {
    expect(mayWrite(sql, WATCHED)).toBe(expected);
  });
});

describe(`ChangeWatch on a ${onPostgres ? 'PostgreSQL database' : 'database file'}`, () => {
  let dir: string;
  let database: TestDatabase;
  let db: Db;
  let other: Db;
  let watch: ChangeWatch;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-watch-'));
    database = await createTestDatabase(dir, 'db.sqlite');
    const target = loadConfig({ DATABASE_URL: database.url }).database;
    db = openDatabase(target);
    await migrateLatest(db);
    other = openDatabase(target); // another process, e.g. the terminal menu
    watch = new ChangeWatch(db, { tables: ['vouchers', 'profiles'], ownTag: '/* mine */' });
  });
  afterEach(async () => {
    watch.close();
    await other.destroy();
    await db.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const unchangedSince = async (before: Awaited<ReturnType<ChangeWatch['stamp']>>) =>
    ChangeWatch.unchanged(before, await watch.stamp());

  test('reads and writes to other tables leave the stamp as it was', async () => {
    const s = await watch.stamp();
    await db('vouchers').select('id');
    await db('settings').insert({ key: 'k', value: 'v', updated_at: 1 });
    await db('events').insert({ ts: 1, kind: 'x', level: 'info', message: 'm' });
    expect(await unchangedSince(s)).toBe(true);
  });

  test('a write to a watched table in this process changes it, in or out of a transaction', async () => {
    let s = await watch.stamp();
    await db('profiles').insert({ name: 'P', price: 1, spec: '{}', created_at: 1, updated_at: 1 });
    expect(await unchangedSince(s)).toBe(false);
    s = await watch.stamp();
    await db.transaction(async (trx) => {
      await trx('profiles').where({ name: 'P' }).update({ price: 2 });
    });
    expect(await unchangedSince(s)).toBe(false);
  });

  test('a rolled-back write still counts (a needless reload, never a stale copy)', async () => {
    const s = await watch.stamp();
    await expect(
      db.transaction(async (trx) => {
        await trx('profiles').where({ name: 'nobody' }).update({ price: 2 });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await unchangedSince(s)).toBe(false);
  });

  test("the owner's tagged writes do not count", async () => {
    const s = await watch.stamp();
    await db.raw('/* mine */ UPDATE "vouchers" SET updated_at = updated_at WHERE id = -1');
    expect(await unchangedSince(s)).toBe(true);
  });

  test('a commit by another connection (another process) to a watched table changes it', async () => {
    const s = await watch.stamp();
    await other('profiles').insert({ name: 'Q', price: 1, spec: '{}', created_at: 1, updated_at: 1 });
    expect(await unchangedSince(s)).toBe(false);
    // Tagged or not: only this process's own writes are known to be in its copy.
    const t = await watch.stamp();
    await other.raw('/* mine */ UPDATE "profiles" SET price = 3 WHERE name = ?', ['Q']);
    expect(await unchangedSince(t)).toBe(false);
  });

  if (!onPostgres)
    test('SQLite: a commit by another connection changes it, whatever the table (PRAGMA data_version)', async () => {
      const s = await watch.stamp();
      await other('settings').insert({ key: 'k', value: 'v', updated_at: 1 });
      expect(await unchangedSince(s)).toBe(false);
    });

  if (onPostgres) {
    test('PostgreSQL: notifications name the table: another connection writing elsewhere changes nothing', async () => {
      const s = await watch.stamp();
      await other('settings').insert({ key: 'k', value: 'v', updated_at: 1 });
      await other('voucher_devices').where({ id: -1 }).del(); // notifies, but is not watched here
      expect(await unchangedSince(s)).toBe(true);
    });

    test('PostgreSQL: a rolled-back write by another connection sends nothing', async () => {
      const s = await watch.stamp();
      await expect(
        other.transaction(async (trx) => {
          await trx('profiles').insert({ name: 'R', price: 1, spec: '{}', created_at: 1, updated_at: 1 });
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await unchangedSince(s)).toBe(true);
    });

    test('PostgreSQL: a listener that lost its connection vouches for nothing until it listens again', async () => {
      const s = await watch.stamp();
      // The server drops every connection of ours but the one running this (a restart, a network cut).
      await other.raw(
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pisonet change listener'",
      );
      let after = await watch.stamp();
      for (let i = 0; i < 5 && Number.isNaN(after.dataVersion); i++) after = await watch.stamp();
      expect(ChangeWatch.unchanged(s, after)).toBe(false);
      // Listening again, it vouches as before.
      expect(ChangeWatch.unchanged(after, await watch.stamp())).toBe(true);
    });

    test('PostgreSQL: a table without change notifications cannot be watched', () => {
      expect(() => new ChangeWatch(db, { tables: ['settings'] })).toThrow(
        /settings send no change notifications/,
      );
    });
  }
});
