/** ChangeWatch: which writes make a kept copy of some tables stale, in this process and from another one. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChangeWatch, mayWrite } from '../../src/db/change-watch';
import { migrateLatest, openDatabase, type Db } from '../../src/db/knex';

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
  ])('%s → %s', (sql, expected) => {
    expect(mayWrite(sql, WATCHED)).toBe(expected);
  });
});

describe('ChangeWatch on a database file', () => {
  let dir: string;
  let db: Db;
  let other: Db;
  let watch: ChangeWatch;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-watch-'));
    const file = path.join(dir, 'db.sqlite');
    db = openDatabase(file);
    await migrateLatest(db);
    other = openDatabase(file); // another process, e.g. the terminal menu
    watch = new ChangeWatch(db, { tables: ['vouchers', 'profiles'], ownTag: '/* mine */' });
  });
  afterEach(async () => {
    watch.close();
    await other.destroy();
    await db.destroy();
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

  test('a commit by another connection (another process) changes it, whatever the table', async () => {
    const s = await watch.stamp();
    await other('settings').insert({ key: 'k', value: 'v', updated_at: 1 });
    expect(await unchangedSince(s)).toBe(false);
  });
});
