/**
 * The one owner of a voucher's lifecycle: every change of `status`, `activated_at`, `expires_at` and the
 * device claim of a redemption goes through a named transition here, so each path is visible and testable.
 *
 *   unused ──activate──▶ active ──expire / exhaust──▶ expired / exhausted
 *     ▲                    │  └──topUp / move (stays active, new expires_at)
 *     └────── release ─────┘  (a redemption that never got the device online)
 *   unused / active ──revoke / revokeForSite──▶ revoked
 *
 * Every transition is conditional on the status it starts from, so two writers racing (the portal and the
 * poll, an admin's revoke and an expiry) never overwrite each other: the loser's update changes no row.
 * Pass the caller's transaction when inside one (the SQLite pool has one connection).
 */
import type { Knex } from 'knex';
import { statements } from '../db/statements';
import { rawRows } from '../db/knex';
import type { Profile } from '../domain/profiles';
import { normaliseMac } from '../domain/units';
import {
  ensureDeviceRow,
  expiresAtFor,
  profileFromRow,
  type ProfileRow,
  type VoucherRow,
} from './voucher-state';

type Row = Pick<VoucherRow, 'id' | 'extra_seconds' | 'staff'>;

export interface Activation {
  at: number;
  profile: Profile;
  /** The device that used it first; one-device vouchers are bound to it. */
  mac: string;
  /**
   * The redemption binds the hotspot user to that MAC itself, and only succeeds if the binding does: mark the
   * binding as on the router (router_synced_at) so the voucher sync does not do it again.
   */
  bindingOnRouter?: boolean;
  /** The site where it was used: a roaming voucher becomes that site's (absent: the voucher keeps its site). */
  siteId?: number;
}

/** May this voucher be used at that site: its own, or any site while it is roaming and unused. */
export function usableAt(row: Pick<VoucherRow, 'site_id' | 'roaming'>, siteId: number): boolean {
  if (row.site_id === undefined) throw new Error('usableAt: the row was read without site_id');
  return row.site_id === null ? Boolean(row.roaming) : Number(row.site_id) === siteId;
}

/** The columns an activation sets (also used to build the in-memory row after a portal claim). */
export function activationFields(row: Row, a: Activation) {
  return {
    status: 'active' as const,
    activated_at: a.at,
    expires_at: expiresAtFor(a.profile, a.at, row.extra_seconds, Boolean(row.staff)),
    bound_mac: a.profile.users === 1 ? a.mac : null,
    ...(a.bindingOnRouter ? { router_synced_at: a.at } : {}),
    ...(a.siteId !== undefined ? { site_id: a.siteId } : {}),
    updated_at: a.at,
  };
}

/** unused → active: the clock starts. False when it was not unused any more (another device won). */
export async function activate(db: Knex, row: Row, a: Activation): Promise<boolean> {
  const n = await db('vouchers').where({ id: row.id, status: 'unused' }).update(activationFields(row, a));
  return n === 1;
}

/**
 * activate() on the customer's critical path: the same transition as one plain statement on the pool
 * (src/db/statements.ts), not inside a transaction.
 */
export async function activateNow(db: Knex, row: Row, a: Activation): Promise<boolean> {
  const fields = activationFields(row, a);
  const columns = Object.keys(fields) as Array<keyof typeof fields>;
  const n = await statements(db).run(
    `UPDATE vouchers SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND status = 'unused'`,
    [...columns.map((c) => fields[c] ?? null), row.id],
  );
  return n === 1;
}

/**
 * active → unused: a redemption that activated the voucher but never got the device online (router refusal,
 * controller killed in between). The clock did not run for the customer, so it is as if never used.
 */
export async function release(db: Knex, id: number, at: number): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id, status: 'active' })
    .update({
      status: 'unused',
      activated_at: null,
      expires_at: null,
      bound_mac: null,
      // A roaming voucher is valid on every site again; its user at the site that failed is its router id no more.
      site_id: db.raw('CASE WHEN roaming THEN NULL ELSE site_id END'),
      router_user_id: db.raw('CASE WHEN roaming THEN NULL ELSE router_user_id END'),
      updated_at: at,
    });
  return n === 1;
}

/** active → expired / exhausted (time or data used up). */
export async function end(
  db: Knex,
  id: number,
  status: 'expired' | 'exhausted',
  reason: string,
  at: number,
): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id, status: 'active' })
    .update({ status, ended_at: at, end_reason: reason, updated_at: at });
  return n === 1;
}

/**
 * unused / active → revoked by the shop; the voucher no longer exists on the router. `reason`: why, when it is
 * not the shop's own revoke (a vendo's sale whose login failed).
 */
export async function revoke(db: Knex, id: number, at: number, reason = 'revoked'): Promise<boolean> {
  const n = await db('vouchers').where({ id }).whereIn('status', ['unused', 'active']).update({
    status: 'revoked',
    ended_at: at,
    end_reason: reason,
    router_user_id: null,
    updated_at: at,
  });
  return n === 1;
}

/**
 * unused / active → revoked, every open voucher of a site being removed (in the removal's transaction). Unlike
 * revoke, `router_user_id` is left as it was: the site's router is no longer managed. Returns how many.
 */
export async function revokeForSite(db: Knex, siteId: number, at: number): Promise<number> {
  return db('vouchers')
    .where({ site_id: siteId })
    .whereIn('status', ['unused', 'active'])
    .update({ status: 'revoked', end_reason: 'site removed', ended_at: at, updated_at: at });
}

/** More time (an extension): the end moves for an active voucher; an unused one gets it at activation. */
export async function topUp(
  db: Knex,
  row: Pick<VoucherRow, 'id' | 'activated_at' | 'staff'>,
  profile: Profile,
  extraSeconds: number,
  at: number,
): Promise<void> {
  const expires =
    row.activated_at === null
      ? null
      : expiresAtFor(profile, Number(row.activated_at), extraSeconds, Boolean(row.staff));
  await db('vouchers')
    .where({ id: row.id })
    .update({ extra_seconds: extraSeconds, expires_at: expires, updated_at: at });
}

/**
 * Another plan for the voucher: its validity (and so its end) follows the new profile. A sold voucher's sale
 * stays with the plan it was sold as (reports by profile). `rates` are the voucher's base rates after the move.
 */
export async function move(
  db: Knex,
  row: Pick<VoucherRow, 'id' | 'profile_id' | 'activated_at' | 'sale_profile_id' | 'extra_seconds' | 'staff'>,
  next: { id: number; profile: Profile },
  rates: { up: number; down: number },
  at: number,
): Promise<void> {
  await db('vouchers')
    .where({ id: row.id })
    .update({
      profile_id: next.id,
      ...(row.activated_at !== null && row.sale_profile_id === null
        ? { sale_profile_id: row.profile_id }
        : {}),
      rate_limit_up: rates.up,
      rate_limit_down: rates.down,
      expires_at:
        row.activated_at === null
          ? null
          : expiresAtFor(next.profile, Number(row.activated_at), row.extra_seconds, Boolean(row.staff)),
      updated_at: at,
    });
}

/**
 * Marks `code` active from `at`, bound to `mac` when its profile allows one device, with a device row
 * (counter baseline 0, no queue yet) so the usage poll adopts it. Used when the router reports a session
 * for a voucher the controller did not activate itself (a login on the router's own page while the
 * controller was down). Pass the caller's transaction when inside one (the pool has one connection).
 *
 * Returns true when the voucher was unused and is now active; false when it is unknown, already active
 * (only the device row is ensured) or ended. Conditional on status='unused', so of it and a portal claim
 * only one activates; the poll leaves alone the sessions of portal logins still under way, whose claims may
 * not be committed yet (usage/device-limit.ts).
 */
export async function activateFromRouterSession(
  db: Knex,
  code: string,
  mac: string,
  ip: string | null,
  at: number,
  siteId: number,
): Promise<boolean> {
  const row = (await db('vouchers').where({ code }).first()) as VoucherRow | undefined;
  // Another site's voucher seen here (its user left behind on this router) is not this site's to start.
  if (!row || !usableAt(row, siteId)) return false;
  const deviceMac = normaliseMac(mac);
  if (row.status !== 'unused' && row.status !== 'active') return false;
  let activated = false;
  if (row.status === 'unused') {
    const profileRow = (await db('profiles').where({ id: row.profile_id }).first()) as ProfileRow;
    const profile = profileFromRow(profileRow);
    activated = await activate(db, row, { at, profile, mac: deviceMac, siteId });
    if (activated) {
      await db('events').insert({
        ts: at,
        voucher_id: row.id,
        kind: 'activated-on-router',
        level: 'info',
        message: `Voucher first used on the router's own login page by ${deviceMac}`,
        data: JSON.stringify({ mac: deviceMac, ip }),
      });
    }
  }
  await ensureDeviceRow(db, row.id, deviceMac, ip, at, null);
  return activated;
}

/** How long a redemption may take before its unconfirmed claim counts as interrupted (3 round trips at most). */
export const LOGIN_GRACE_MS = 60_000;

export interface SettledLogins {
  /** Claims whose device is online on the router: confirmed. */
  finished: number;
  /** Claims whose device never got online: undone (voucher code masked by the caller for logs). */
  undone: Array<{ voucherId: number; code: string; mac: string; released: boolean }>;
}

/**
 * Redemptions interrupted between the database claim and the confirmed router login (controller killed, router
 * gone): a claim older than `cutoff` whose device has a session for the voucher is confirmed (the poll gives it
 * its queue); one without is undone, and when it had activated the voucher, the voucher is released back to
 * unused with its clock never started. Never a consumed voucher without internet.
 */
export async function settleInterruptedLogins(
  db: Knex,
  sessions: ReadonlyArray<{ user: string; mac: string }>,
  cutoff: number,
  at: number,
  siteId: number,
): Promise<SettledLogins> {
  // Only this site's claims: another router's sessions are not in `sessions`. `+v.site_id` keeps SQLite from
  // driving the join by the site's vouchers (every one of them probed, every poll: ~5 ms at 10,000) instead of by
  // the few marked claims (the partial index on login_pending_at); to PostgreSQL it is the same comparison.
  // Plain SQL: it runs every poll of every site, and knex built it anew each time.
  const rows = rawRows<{
    id: number;
    voucher_id: number;
    mac: string;
    claim_activated: number | boolean;
    code: string;
    status: string;
  }>(
    await db.raw(
      `SELECT d.id, d.voucher_id, d.mac, d.claim_activated, v.code, v.status
       FROM voucher_devices AS d JOIN vouchers AS v ON v.id = d.voucher_id
       WHERE +v.site_id = ? AND d.login_pending_at IS NOT NULL AND d.login_pending_at < ?`,
      [siteId, cutoff],
    ),
  );
  const out: SettledLogins = { finished: 0, undone: [] };
  if (rows.length === 0) return out;
  const online = new Set(sessions.map((s) => `${s.user}\n${s.mac}`));
  await db.transaction(async (trx) => {
    for (const r of rows) {
      if (online.has(`${r.code}\n${r.mac}`)) {
        await trx('voucher_devices')
          .where({ id: r.id })
          .update({ login_pending_at: null, claim_activated: false });
        out.finished++;
        continue;
      }
      await trx('voucher_devices').where({ id: r.id }).delete();
      let released = false;
      if (r.claim_activated) {
        const [{ n }] = (await trx('voucher_devices')
          .where({ voucher_id: r.voucher_id })
          .count({ n: '*' })) as {
          n: number;
        }[];
        if (Number(n) === 0) released = await release(trx, r.voucher_id, at);
      }
      out.undone.push({ voucherId: r.voucher_id, code: r.code, mac: r.mac, released });
    }
  });
  return out;
}

// ---------------------------------------------------------------- self-service

/**
 * A second code added to the device's running voucher (top-up "add"): the second is consumed (unused →
 * expired, sold now, `topped_up_into` the first) and the first gets its time and data, in the caller's
 * transaction. Throws when either row is no longer in the state it was read in, so the transaction rolls
 * back and neither changes: never a consumed code without the time credited.
 */
export async function addTopUp(
  db: Knex,
  t: {
    first: Pick<
      VoucherRow,
      'id' | 'activated_at' | 'staff' | 'extra_seconds' | 'extra_bytes' | 'extra_fup_bytes'
    >;
    firstProfile: Profile;
    second: Pick<VoucherRow, 'id'>;
    /** Masked code of the first, for the second's end reason. */
    firstLabel: string;
    added: { seconds: number; capBytes: number; fupBytes: number };
    at: number;
    /** The site where it was used: a roaming second code becomes that site's (its sale is counted there). */
    siteId?: number;
  },
): Promise<{ extraSeconds: number; extraBytes: number; extraFupBytes: number }> {
  const extraSeconds = t.first.extra_seconds + t.added.seconds;
  const extraBytes = Number(t.first.extra_bytes ?? 0) + t.added.capBytes;
  const extraFupBytes = Number(t.first.extra_fup_bytes ?? 0) + t.added.fupBytes;
  const consumed = await db('vouchers')
    .where({ id: t.second.id, status: 'unused' })
    .whereNull('queued_mac')
    .update({
      status: 'expired',
      activated_at: t.at,
      ended_at: t.at,
      end_reason: `added to ${t.firstLabel}`.slice(0, 64),
      topped_up_into: t.first.id,
      ...(t.siteId !== undefined ? { site_id: t.siteId } : {}),
      updated_at: t.at,
    });
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
  if (consumed !== 1 || credited !== 1) throw new TopUpRaced();
  return { extraSeconds, extraBytes, extraFupBytes };
}

/** Another writer changed one of the two vouchers of a top-up in between; the caller reads again. */
export class TopUpRaced extends Error {
  constructor() {
    super('a voucher of the top-up changed in the meantime');
    this.name = 'TopUpRaced';
  }
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
export async function pause(db: Knex, id: number, mac: string, at: number): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id, status: 'active' })
    .whereNull('paused_at')
    .update({ paused_at: at, paused_mac: mac, updated_at: at });
  return n === 1;
}

/** paused → running; false when it was not paused (resumed already by another request or the poll). */
export async function unpause(db: Knex, id: number, at: number): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id })
    .whereNotNull('paused_at')
    .update({ paused_at: null, paused_mac: null, updated_at: at });
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
  const n = await db('voucher_devices').where({ voucher_id: m.voucherId, mac: m.from }).update({
    mac: m.to,
    ip: m.ip,
    connected: false,
    counter_queue_id: null,
    baseline_up: 0,
    baseline_down: 0,
    rate_up: 0,
    rate_down: 0,
    last_seen_at: m.at,
  });
  if (n !== 1) return false;
  await db('vouchers')
    .where({ id: m.voucherId })
    .update({ ...(m.bound ? { bound_mac: m.to } : {}), paused_mac: null, paused_at: null, updated_at: m.at });
  await db('vouchers')
    .where({ queued_mac: m.from, queued_after: m.voucherId, status: 'unused' })
    .update({ queued_mac: m.to, updated_at: m.at });
  return true;
}
