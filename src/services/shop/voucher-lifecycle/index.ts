/**
 * The one owner of a voucher's lifecycle: every change of `status`, `activated_at`, `expires_at` and the
 * device claim of a redemption goes through a named transition here, so each path is visible and testable.
 *
 *   unused ──activate──▶ active ──expire / exhaust──▶ expired / exhausted
 *     ▲                    │  ├──topUp / move (stays active, new expires_at)
 *     │                    │  └──addExtraData / addDataCode (stays active, a larger cap: extra-data.ts)
 *     └────── release ─────┘  (a redemption that never got the device online)
 *   unused / active ──revoke / revokeForSite──▶ revoked
 *
 * Every transition is conditional on the status it starts from, so two writers racing (the portal and the
 * poll, an admin's revoke and an expiry) never overwrite each other: the loser's update changes no row.
 * Pass the caller's transaction when inside one (the SQLite pool has one connection).
 *
 * transitions.ts: activate, release, end, revoke, extra time, a change of plan. router-logins.ts: what the
 * router's sessions settle (a login on its own page, a portal claim left unconfirmed). extra-data.ts: data bought
 * at the cap. Here: self-service.
 */
import type { Knex } from 'knex';
import type { Profile } from '../../../domain/profiles';
import * as voucherDevices from '../voucher-devices';
import { expiresAtFor } from '../../../domain/profile-row';
import type { VoucherRow } from '../vouchers/types';
import { consumeSecondCode, TopUpRaced, type SecondCode } from './extra-data';

export * from './transitions';
export * from './router-logins';
export * from './extra-data';

// Self-service: top-ups, codes kept for a device, pauses and a device's new address.

/**
 * A second code added to the device's running voucher (top-up "add"): the second is consumed (unused →
 * expired, sold now, `topped_up_into` the first) and the first gets its time and data, in the caller's
 * transaction. Throws when either row is no longer in the state it was read in, so the transaction rolls
 * back and neither changes: never a consumed code without the time credited.
 */
export async function addTopUp(
  db: Knex,
  t: SecondCode & {
    first: Pick<
      VoucherRow,
      'id' | 'activated_at' | 'staff' | 'extra_seconds' | 'extra_bytes' | 'extra_fup_bytes'
    >;
    firstProfile: Profile;
    added: { seconds: number; capBytes: number; fupBytes: number };
  },
): Promise<{ extraSeconds: number; extraBytes: number; extraFupBytes: number }> {
  const extraSeconds = t.first.extra_seconds + t.added.seconds;
  const extraBytes = Number(t.first.extra_bytes ?? 0) + t.added.capBytes;
  const extraFupBytes = Number(t.first.extra_fup_bytes ?? 0) + t.added.fupBytes;
  const consumed = await consumeSecondCode(db, t, `added to ${t.firstLabel}`);
  const credited = await db('vouchers')
    .where({ id: t.first.id, status: 'active', extra_seconds: t.first.extra_seconds })
    .update({
      extra_seconds: extraSeconds,
      extra_bytes: extraBytes,
      extra_fup_bytes: extraFupBytes,
      expires_at:
        t.first.activated_at === null
          ? null
          : expiresAtFor(t.firstProfile, Number(t.first.activated_at), extraSeconds, Boolean(t.first.staff)),
      updated_at: t.at,
    });
  if (!consumed || credited !== 1) throw new TopUpRaced();
  return { extraSeconds, extraBytes, extraFupBytes };
}

/** A second code kept for a device (top-up "queue"): still unused, but no other device may take it. */
export async function queueFor(
  db: Knex,
  id: number,
  q: { mac: string; after: number; at: number; siteId?: number },
): Promise<boolean> {
  // A roaming code kept for a device becomes the site's where it waits: the other routers drop its user.
  const n = await db('vouchers')
    .where({ id, status: 'unused' })
    .whereNull('queued_mac')
    .update({
      queued_mac: q.mac,
      queued_after: q.after,
      queued_at: q.at,
      ...(q.siteId !== undefined ? { site_id: q.siteId } : {}),
      updated_at: q.at,
    });
  return n === 1;
}

/** The queued code is starting (or the shop freed it): an ordinary unused voucher again. */
export async function unqueue(db: Knex, id: number, at: number): Promise<void> {
  await db('vouchers')
    .where({ id })
    .update({ queued_mac: null, queued_after: null, queued_at: null, updated_at: at });
}

/** active → paused (still active; an uptime voucher's clock stands while none of its devices is online). */
export const pause = (db: Knex, id: number, mac: string, at: number): Promise<boolean> =>
  keepPaused(db, id, { pausedAt: at, mac }, at);

/** paused → running; false when it was not paused (resumed already by another request or the poll). */
export async function unpause(db: Knex, id: number, at: number): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id })
    .whereNotNull('paused_at')
    .update({ paused_at: null, paused_mac: null, updated_at: at });
  return n === 1;
}

/** A resume that could not log the device in: the pause as it was (its start and device), so it ends as it would have. */
export async function keepPaused(
  db: Knex,
  id: number,
  was: { pausedAt: number; mac: string | null },
  at: number,
): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id, status: 'active' })
    .whereNull('paused_at')
    .update({ paused_at: was.pausedAt, paused_mac: was.mac, updated_at: at });
  return n === 1;
}

/**
 * The voucher's device `from` is now `to` (the customer's phone came back with another WiFi address): the
 * device row is re-keyed, so its usage history and the voucher's totals stay, with no queue counter yet (the
 * new device's queue starts from its own baseline at login); a one-device voucher's binding follows, and so do
 * codes queued for the old address. In the caller's transaction.
 */
export async function moveDevice(
  db: Knex,
  m: { voucherId: number; from: string; to: string; ip: string; bound: boolean; at: number },
): Promise<boolean> {
  if (!(await voucherDevices.move(db, m))) return false;
  await db('vouchers')
    .where({ id: m.voucherId })
    .update({ ...(m.bound ? { bound_mac: m.to } : {}), paused_mac: null, paused_at: null, updated_at: m.at });
  await db('vouchers')
    .where({ queued_mac: m.from, queued_after: m.voucherId, status: 'unused' })
    .update({ queued_mac: m.to, updated_at: m.at });
  return true;
}
