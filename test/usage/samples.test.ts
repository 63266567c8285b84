/** Samples for charts stay small after months: raw polls for 48 h, hourly for 90 days, then daily. */
import type { SampleRow } from '../../src/services/network/usage/meter';
import { recordSamples } from '../../src/services/network/usage/persist';
import { compactSamples, trafficSeries } from '../../src/services/network/usage/samples';
import { Harness, usageHarness } from './helpers';
import { insertedId } from '../../src/db/knex';

let h: Harness;
beforeAll(async () => {
  h = await usageHarness();
});
afterAll(async () => {
  await h.close();
});

const HOUR = 3600_000;
const DAY = 24 * HOUR;

test('compaction folds raw polls into hours and old hours into days, keeping every byte', async () => {
  const db = h.core!.db;
  const p = await h.core!.services.profiles.get('BASIC');
  const vid = insertedId(
    await db('vouchers')
      .insert({
        code: 'SAMPLE01',
        profile_id: p.id,
        price: 500,
        rate_limit_up: 1,
        rate_limit_down: 1,
        status: 'active',
        created_at: 0,
        updated_at: 0,
      })
      .returning('id'),
  );
  const did = insertedId(
    await db('voucher_devices')
      .insert({
        voucher_id: vid,
        mac: '02:00:00:00:00:01',
        first_seen_at: 0,
        last_seen_at: 0,
      })
      .returning('id'),
  );
  const now = Date.UTC(2026, 10, 21, 4, 0, 0);
  const start = now - 100 * DAY;
  const rows: SampleRow[] = [];
  // One poll every 10 minutes for 100 days: 14,400 raw rows of 1 up / 2 down bytes each.
  for (let t = start; t < now; t += 10 * 60_000)
    rows.push({
      device_id: did,
      voucher_id: vid,
      ts: t,
      bytes_up: 1,
      bytes_down: 2,
      rate_up: 8,
      rate_down: t % 7,
    });
  await db.transaction((trx) => recordSamples(trx, rows)); // as the polls would have
  const total = rows.length;
  expect(Number((await db('usage_rollup').count({ n: '*' }))[0].n)).toBe(100 * 24); // one row an hour

  const folded = await compactSamples(db, now);
  expect(folded).toBeGreaterThan(0);
  const raw = Number((await db('usage_samples').count({ n: '*' }))[0].n);
  expect(raw).toBe(48 * 6); // the last 48 hours stay raw
  const byRes = (await db('usage_rollup')
    .select('resolution')
    .count({ n: '*' })
    .groupBy('resolution')) as Array<{ resolution: number; n: number }>;
  const count = Object.fromEntries(byRes.map((r) => [r.resolution, Number(r.n)]));
  // Hours of the last 90 days; the day cut-off is aligned to midnight UTC, and `now` is 04:00 UTC, so the
  // 4 hours of that first day stay hourly until the next day's compaction.
  expect(count[3600]).toBe(90 * 24 + 4);
  expect(count[86400]).toBe(10); // the 10 oldest days
  const sums = (await db('usage_rollup').sum({ up: 'bytes_up', down: 'bytes_down' }))[0] as {
    up: number;
    down: number;
  };
  expect([Number(sums.up), Number(sums.down)]).toEqual([total, 2 * total]);
  const peak = (await db('usage_rollup').max({ r: 'rate_down' }))[0] as { r: number };
  expect(Number(peak.r)).toBe(6); // peak rates survive both folds

  // Running again at the same time changes nothing; the whole history still adds up per day.
  expect(await compactSamples(db, now)).toBe(0);
  const series = await trafficSeries(db, { since: start, bucketSeconds: 86400, voucherCode: 'SAMPLE01' });
  // `start` is 04:00 UTC: the first and last UTC days are partial (20 h and 4 h of 6 polls an hour).
  expect(series).toHaveLength(101);
  expect(series[0]).toEqual({ ts: start - 4 * HOUR, up: 120, down: 240 });
  expect(series[100]).toEqual({ ts: now - 4 * HOUR, up: 24, down: 48 });
  expect(series.slice(1, 100).every((s) => s.up === 144 && s.down === 288)).toBe(true);
  const lastHours = await trafficSeries(db, { since: now - 2 * HOUR, bucketSeconds: 3600 });
  expect(lastHours).toEqual([
    { ts: now - 2 * HOUR, up: 6, down: 12 },
    { ts: now - HOUR, up: 6, down: 12 },
  ]);
  // Finer buckets come from the raw polls.
  const lastHalfHour = await trafficSeries(db, { since: now - HOUR / 2, bucketSeconds: 600 });
  expect(lastHalfHour).toEqual([0, 1, 2].map((i) => ({ ts: now - HOUR / 2 + i * 600_000, up: 1, down: 2 })));
});

test('the poll cycle compacts at most once an hour', async () => {
  const db = h.core!.db;
  const usage = h.core!.services.usage;
  const [{ id: did, voucher_id: vid }] = await db('voucher_devices').select('id', 'voucher_id').limit(1);
  const old = (ts: number) =>
    db('usage_samples').insert({
      device_id: did,
      voucher_id: vid,
      ts,
      bytes_up: 1,
      bytes_down: 1,
    });
  const rawOlderThan48h = async () =>
    Number(
      (
        await db('usage_samples')
          .where('ts', '<', h.clock.now() - 49 * HOUR)
          .count({ n: '*' })
      )[0].n,
    );
  await old(h.clock.now() - 72 * HOUR);
  await usage.runCycle();
  expect(await rawOlderThan48h()).toBe(0);
  await old(h.clock.now() - 72 * HOUR);
  h.clock.advance(30_000);
  await usage.runCycle();
  expect(await rawOlderThan48h()).toBe(1);
  h.clock.advance(HOUR);
  await usage.runCycle();
  expect(await rawOlderThan48h()).toBe(0);
});
