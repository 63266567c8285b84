/**
 * Two sites with business on each, written straight into the database (as the usage poll and the portal
 * would leave it): vouchers sold today and earlier this month, unused stock, active vouchers, a staff voucher,
 * a roaming voucher not used yet (no site), usage, events, and a batch per site.
 */
import { insertedId } from '../../src/db/knex';
import type { Harness } from '../helpers/harness';

/** 2026-11-21 12:00 in Manila (the harness clock's start): "today" is Nov 21 local. */
export const TODAY = Date.UTC(2026, 10, 21, 4, 0);
const HOUR = 3600_000;

export interface Fixture {
  siteB: number;
  ids: Record<string, number>;
}

/** A site row whose router is never reached (port 9, discard): for what needs only a site's id and name. */
export async function insertUnreachableSite(h: Harness, name: string): Promise<number> {
  const now = h.clock.now();
  return insertedId(
    await h
      .core!.db('sites')
      .insert({ name, host: '127.0.0.1', port: 9, username: 'x', created_at: now, updated_at: now })
      .returning('id'),
  );
}

export async function seedTwoSites(h: Harness, siteB?: number): Promise<Fixture> {
  const db = h.core!.db;
  const now = h.clock.now();
  if (siteB === undefined) siteB = await insertUnreachableSite(h, 'branch-b');
  const profiles: { id: number; name: string }[] = await db('profiles').select('id', 'name');
  const pid = Object.fromEntries(profiles.map((p) => [p.name, p.id]));
  const batch = async (site: number | null) =>
    insertedId(
      await db('batches')
        .insert({
          profile_id: pid.BASIC,
          count: 2,
          prefix: '',
          price: 500,
          created_at: now - 48 * HOUR,
          created_by: 'test',
          site_id: site,
        })
        .returning('id'),
    );
  const batchA = await batch(1);
  const batchB = await batch(siteB);
  const ids: Record<string, number> = {};
  const voucher = async (
    code: string,
    site: number | null,
    profile: string,
    price: number,
    status: string,
    activatedAt: number | null,
    extra: Record<string, unknown> = {},
  ) => {
    ids[code] = insertedId(
      await db('vouchers')
        .insert({
          code,
          profile_id: pid[profile],
          price,
          rate_limit_up: 1000000,
          rate_limit_down: 2000000,
          status,
          created_at: now - 72 * HOUR,
          activated_at: activatedAt,
          updated_at: now,
          site_id: site,
          ...extra,
        })
        .returning('id'),
    );
  };
  // Site A (default): two sold today (one still active), one earlier this month, two unused, a staff voucher.
  // Active vouchers were first used minutes ago (BASIC lasts an hour): the server's usage poll, which may run
  // during a test, does not end them.
  const live = (minutesAgo: number) => ({ expires_at: TODAY + (60 - minutesAgo) * 60_000 });
  await voucher('AAAA0001', 1, 'BASIC', 500, 'active', TODAY - 20 * 60_000, {
    batch_id: batchA,
    ...live(20),
  });
  await voucher('AAAA0002', 1, 'STANDARD', 1000, 'expired', TODAY - 3 * HOUR);
  await voucher('AAAA0003', 1, 'PREMIUM', 2000, 'expired', Date.UTC(2026, 10, 5, 4, 0));
  await voucher('AAAA0004', 1, 'BASIC', 500, 'unused', null, { batch_id: batchA });
  await voucher('AAAA0005', 1, 'PREMIUM', 2000, 'unused', null);
  await voucher('AAAASTF1', 1, 'PREMIUM', 0, 'active', TODAY - 10 * 60_000, { staff: true });
  // Site B: three sold today (two active), one yesterday, one unused.
  await voucher('BBBB0001', siteB, 'BASIC', 500, 'active', TODAY - 15 * 60_000, {
    batch_id: batchB,
    ...live(15),
  });
  await voucher('BBBB0002', siteB, 'BASIC', 500, 'active', TODAY - 10 * 60_000, {
    batch_id: batchB,
    ...live(10),
  });
  await voucher('BBBB0003', siteB, 'STANDARD', 1200, 'exhausted', TODAY - 4 * HOUR);
  await voucher('BBBB0004', siteB, 'STANDARD', 1000, 'expired', TODAY - 20 * HOUR);
  await voucher('BBBB0005', siteB, 'PREMIUM', 2000, 'unused', null);
  // Roaming, not used yet: no site until its first use.
  await voucher('ROAM0001', null, 'BASIC', 500, 'unused', null, { roaming: true });

  // Usage: 10 kB down / 1 kB up on A, 30 kB down / 3 kB up on B, in today's hours.
  const device = async (voucherId: number, mac: string) =>
    insertedId(
      await db('voucher_devices')
        .insert({ voucher_id: voucherId, mac, first_seen_at: TODAY - HOUR, last_seen_at: TODAY })
        .returning('id'),
    );
  const rollup = async (voucherId: number, deviceId: number, up: number, down: number) =>
    db('usage_rollup').insert({
      ts: TODAY - 2 * HOUR,
      resolution: 3600,
      device_id: deviceId,
      voucher_id: voucherId,
      bytes_up: up,
      bytes_down: down,
    });
  await rollup(ids.AAAA0001, await device(ids.AAAA0001, '02:AA:00:00:00:01'), 1000, 10000);
  await rollup(ids.BBBB0001, await device(ids.BBBB0001, '02:BB:00:00:00:01'), 1000, 10000);
  await rollup(ids.BBBB0002, await device(ids.BBBB0002, '02:BB:00:00:00:02'), 2000, 20000);

  // Events: one per site's voucher, and one of no voucher (the router away).
  const event = (voucherId: number | null, kind: string, message: string) =>
    db('events').insert({ ts: now, voucher_id: voucherId, kind, level: 'info', message });
  await event(ids.AAAA0001, 'sale', 'Sold on A');
  await event(ids.BBBB0001, 'sale', 'Sold on B');
  await event(ids.BBBB0002, 'login', 'Online on B');
  await event(null, 'router-down', 'Router away');
  return { siteB, ids };
}
