/**
 * The usage cycle keeps the active vouchers in memory between polls instead of reloading them. These tests
 * pin what that must never change: a write made anywhere else (this process, or the terminal menu in
 * another process) is seen by the next cycle, and a cycle that fails leaves nothing of itself in memory.
 */
import { openDatabase } from '../../src/db/knex';
import type { UsageService } from '../../src/services/types';
import {
  advance,
  freshUsage,
  Harness,
  loginOnRouter,
  queueOf,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';
import { failWrites } from '../helpers/test-db';

const MAC1 = '02:00:00:00:00:01';

let h: Harness;
let usage: UsageService;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const cycle = () => usage.runCycle();

/**
 * A voucher in use, then a controller (re)started with it active, so that the vouchers the usage service
 * holds include it from its first cycle on.
 */
async function online(profile = 'BASIC'): Promise<string> {
  const code = await seedVoucher(h, profile);
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await h.core!.services.usage.runCycle();
  usage = freshUsage(h);
  await cycle();
  return code;
}

/** SQL statements the database ran while `work` ran. */
async function statements(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listener = (q: { sql: string }) => seen.push(q.sql);
  h.core!.db.on('query', listener);
  try {
    await work();
  } finally {
    h.core!.db.removeListener('query', listener);
  }
  return seen;
}

const readsVouchers = (sql: string[]) => sql.filter((s) => /^select\b.*\bfrom\s+[`"]?vouchers\b/is.test(s));

test('a cycle after a cycle reuses the vouchers it holds: no voucher query, usage still exact', async () => {
  const code = await online();
  let expectUp = 0;
  let expectDown = 0;
  for (let i = 0; i < 5; i++) {
    h.sim.addTraffic(MAC1, { up: 1_000 + i, down: 20_000 + i }, 30);
    expectUp += 1_000 + i;
    expectDown += 20_000 + i;
    advance(h, 30);
    const sql = await statements(cycle);
    if (i > 0) expect(readsVouchers(sql)).toEqual([]);
  }
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([expectUp, expectDown]);
  expect(Number(v.counted_bytes)).toBe(expectUp + expectDown);
});

test('a change made in this process between cycles (bandwidth override) applies at the next cycle', async () => {
  const code = await online();
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('512000/1000000');
  await h.core!.db('vouchers').where({ code }).update({ override_up: 128_000, override_down: 256_000 });
  const sql = await statements(cycle);
  expect(readsVouchers(sql).length).toBeGreaterThan(0);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('128000/256000');
});

test('a change made by another process (the terminal menu) applies at the next cycle', async () => {
  const code = await online();
  await cycle();
  const menu = openDatabase(h.core!.config.database);
  try {
    await menu('vouchers')
      .where({ code })
      .update({ status: 'revoked', ended_at: h.clock.now(), end_reason: 'revoked by operator' });
  } finally {
    await menu.destroy();
  }
  await cycle();
  expect(queueOf(h, MAC1)).toBeUndefined();
  expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
});

test('a profile edited between cycles applies at the next cycle', async () => {
  const code = await online('BASIC');
  await cycle();
  const v = await voucher(h, code);
  const other = await h.core!.services.profiles.get('FUP');
  await h.core!.db('vouchers').where({ id: v.id }).update({ profile_id: other.id });
  // 1,200 s under BASIC's 1M down: 150 MB.
  h.sim.addTraffic(MAC1, { up: 0, down: 150_000_000 }, 1200);
  advance(h, 1200);
  await cycle();
  // FUP's threshold is 100M: the moved voucher is throttled by its new plan at once, usage kept.
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('256000/512000');
  expect(Number((await voucher(h, code)).counted_bytes)).toBeGreaterThan(100_000_000);
});

test('a cycle that fails after metering in memory leaves nothing of itself: each byte counts once', async () => {
  const code = await online();
  await cycle();
  const db = h.core!.db;
  // Created before the copy is taken, so creating it does not itself invalidate the copy; armed through
  // the settings table, which the copy does not depend on.
  await failWrites(
    db,
    'fail_samples',
    'INSERT',
    'usage_samples',
    'disk I/O error',
    "(SELECT value FROM settings WHERE key = 'test.fail') = '1'",
  );
  h.sim.addTraffic(MAC1, { up: 1_000, down: 2_000 }, 30);
  advance(h, 30);
  await cycle(); // takes the copy
  await db('settings').insert({ key: 'test.fail', value: '1', updated_at: 0 });
  h.sim.addTraffic(MAC1, { up: 300, down: 400 }, 30);
  advance(h, 30);
  await expect(cycle()).rejects.toThrow(/disk I\/O error/);
  await db('settings').where({ key: 'test.fail' }).del();
  h.sim.addTraffic(MAC1, { up: 5, down: 6 }, 30);
  advance(h, 30);
  await cycle();
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([1_305, 2_406]);
});
