/**
 * Codes kept for a device (a top-up "queue"): listed on its status page, started by the customer's button or
 * the code typed again, and started by themselves right after the code before them ended. Each starts on the
 * router of its site (the site of the voucher it waits for), as that site's redemption.
 */
import type { Knex } from 'knex';
import { rawRows } from '../../../db/knex';
import type { Clock } from '../../../lib/clock';
import { maskCode } from '../../../lib/logger';
import * as lifecycle from '../voucher-lifecycle';
import type { RedeemResult } from '../../types';
import { activeVoucherOf, deviceRow, voucherByCode, type Voucher, type VoucherLocks } from './shared';
import type { SelfSite } from './sites';

/** A queued code starts by itself only right after the code before it ended. */
const START_WINDOW_MS = 10 * 60_000;

/** The site a queued code waits at: its own (set when it was kept), else the one of the voucher it follows. */
const QUEUED_SITE = 'COALESCE(q.site_id, p.site_id, 1)';

export function createQueuedCodes(deps: { db: Knex; clock: Clock; locks: VoucherLocks }) {
  const { db, clock, locks } = deps;
  /** Queued codes whose automatic start was tried (once per process; the customer can always start them). */
  const tried = new Set<number>();

  /** Codes kept for a device, oldest first (`siteId`: those waiting at that site). */
  async function queuedFor(mac: string, siteId?: number): Promise<Array<{ v: Voucher; siteId: number }>> {
    const rows = (await db('vouchers as q')
      .leftJoin('vouchers as p', 'p.id', 'q.queued_after')
      .where({ 'q.queued_mac': mac, 'q.status': 'unused' })
      .modify((b) => {
        if (siteId !== undefined) void b.whereRaw(`${QUEUED_SITE} = ?`, [siteId]);
      })
      .orderBy('q.queued_at')
      .select('q.code', db.raw(`${QUEUED_SITE} AS site`))) as Array<{ code: string; site: number | string }>;
    const out: Array<{ v: Voucher; siteId: number }> = [];
    for (const r of rows) {
      const v = await voucherByCode(db, r.code);
      if (v) out.push({ v, siteId: Number(r.site) });
    }
    return out;
  }

  /**
   * A queued code starts as an ordinary redemption on its site (its hotspot user is bound to this very device,
   * so the login is allowed); it stops being queued once it is active, and its user gets the plan's own binding
   * (none for several devices). Should the router not take that now, the mark stays and the next sync
   * releases it (releaseQueuedBindings).
   */
  async function start(site: SelfSite, v: Voucher, mac: string, ip: string): Promise<RedeemResult> {
    const result = await site.redemption.redeem({ code: v.row.code, mac, ip }); // the controller's own code: no guess
    const userId = (await db('vouchers').where({ id: v.row.id }).first('router_user_id')) as
      { router_user_id: string | null } | undefined;
    const released = await site.logins.started(
      { router_user_id: userId?.router_user_id ?? null },
      mac,
      v.profile.users === 1,
    );
    if (released) await lifecycle.unqueue(db, v.row.id, clock.now());
    site.deps.log.info(
      { module: 'portal', event: 'queue-start', voucher: maskCode(v.row.code), mac },
      `queued code ${maskCode(v.row.code)} started on ${mac}`,
    );
    return result;
  }

  /**
   * After a site's poll: codes queued there for a device whose running voucher has just ended (within
   * START_WINDOW_MS) start at once, tried once: the router refuses the login when the phone has left the WiFi,
   * and then the code waits for the customer (the status page's Start button, or the code typed again), so a
   * wall-clock code never runs for a phone that is not there.
   */
  async function startDue(site: SelfSite): Promise<void> {
    const rows = (await db('vouchers as q')
      .leftJoin('vouchers as p', 'p.id', 'q.queued_after')
      .whereNotNull('q.queued_mac')
      .where('q.status', 'unused')
      .whereRaw(`${QUEUED_SITE} = ?`, [site.site.id])
      .orderBy('q.queued_at')
      .select(
        'q.id',
        'q.code',
        'q.queued_mac',
        'q.queued_after',
        'p.status as after_status',
        'p.ended_at',
      )) as Array<{
      id: number;
      code: string;
      queued_mac: string;
      queued_after: number | null;
      after_status: string | null;
      ended_at: number | null;
    }>;
    const seen = new Set<string>();
    const now = clock.now();
    for (const r of rows) {
      if (seen.has(r.queued_mac)) continue;
      seen.add(r.queued_mac);
      if (r.after_status === 'active' || tried.has(r.id)) continue;
      if (r.ended_at === null || Number(r.ended_at) < now - START_WINDOW_MS) continue;
      if (await activeVoucherOf(db, clock, r.queued_mac, site.site.id)) continue;
      const before = r.queued_after === null ? undefined : await deviceRow(db, r.queued_after, r.queued_mac);
      const v = await voucherByCode(db, r.code);
      if (!v || !before?.ip) continue;
      tried.add(r.id);
      try {
        await locks.run(v.row.id, () => start(site, v, r.queued_mac, before.ip as string));
      } catch (err) {
        site.deps.log.info(
          { voucher: maskCode(r.code), mac: r.queued_mac, err: (err as Error).message },
          'queued code not started: the device is not on the WiFi; it waits for the customer',
        );
      }
    }
  }

  return { queuedFor, start, startDue };
}

/**
 * Whether a site has a paused voucher, and a code kept for a device: one statement after each poll, so the usual
 * poll (neither) costs one query instead of the two lists (pause.ts afterCycle, startDue), each built and planned.
 * Each answered from its partial index (`paused_at`, `queued_mac`): `status || ''` and `site_id + 0` keep SQLite,
 * which has no statistics to tell it so, from walking the site's active codes or every unused card instead.
 */
export async function selfServiceDue(
  db: Knex,
  siteId: number,
): Promise<{ paused: boolean; queued: boolean }> {
  const rows = rawRows<{ paused: number | string; queued: number | string }>(
    await db.raw(
      `SELECT
        CASE WHEN EXISTS (SELECT 1 FROM vouchers
            WHERE paused_at IS NOT NULL AND status || '' = 'active' AND site_id + 0 = ?)
          THEN 1 ELSE 0 END AS paused,
        CASE WHEN EXISTS (SELECT 1 FROM vouchers AS q LEFT JOIN vouchers AS p ON p.id = q.queued_after
            WHERE q.queued_mac IS NOT NULL AND q.status || '' = 'unused' AND ${QUEUED_SITE} = ?)
          THEN 1 ELSE 0 END AS queued`,
      [siteId, siteId],
    ),
  );
  return { paused: Number(rows[0]?.paused) === 1, queued: Number(rows[0]?.queued) === 1 };
}
