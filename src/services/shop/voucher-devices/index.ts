/**
 * The device under a voucher (`voucher_devices`: one row per voucher and MAC), written here and nowhere else.
 * A device is claimed by a login (marked in progress until the login is confirmed, so a controller killed in
 * between leaves something to settle), confirmed, found by the poll, paused, moved to another address and
 * released; the poll's own bulk writes (counters, rates, presence) are usage.ts. Every verb runs on the knex or
 * transaction it is given, so the caller's transaction (the exactly-once claim, the two-server settle) holds it.
 * Everything else reads these rows at most.
 */
import type { Knex } from 'knex';
import { statements } from '../../../db/statements';

/** The claim's mark: a login in progress since `login_pending_at`, by `claim_server`, that activated the voucher or not. */
interface PendingMark {
  login_pending_at: number;
  claim_activated: boolean;
  claim_server: string | null;
}

/**
 * The claim that activates a voucher: its device row, marked as a claim in progress, before the conditional
 * activation. Plain SQL on one connection, no transaction (the customer's critical path: the query builder's
 * cost was a third of a redemption's CPU).
 */
export async function claimForActivation(
  db: Knex,
  c: { voucherId: number; mac: string; ip: string; at: number; server: string | null },
): Promise<void> {
  await statements(db).run(
    `INSERT INTO voucher_devices
       (voucher_id, mac, ip, connected, first_seen_at, last_seen_at, baseline_up, baseline_down,
        login_pending_at, claim_activated, claim_server)
     VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)
     ON CONFLICT (voucher_id, mac) DO UPDATE SET ip = excluded.ip, connected = excluded.connected,
       last_seen_at = excluded.last_seen_at, login_pending_at = excluded.login_pending_at,
       claim_activated = excluded.claim_activated, claim_server = excluded.claim_server`,
    [c.voucherId, c.mac, c.ip, true, c.at, c.at, c.at, true, c.server],
  );
}

/** Whether a login under the voucher is still in progress (claimed, not confirmed yet): its claim may be undone. */
export async function loginPending(q: Knex, voucherId: number): Promise<boolean> {
  return Boolean(
    await q('voucher_devices').where({ voucher_id: voucherId }).whereNotNull('login_pending_at').first('mac'),
  );
}

/** The activating claim lost the race (another device activated the voucher first): its row goes. Plain SQL. */
export async function dropLostClaim(db: Knex, voucherId: number, mac: string): Promise<void> {
  await statements(db).run('DELETE FROM voucher_devices WHERE voucher_id = ? AND mac = ?', [voucherId, mac]);
}

/**
 * A device added to a running voucher, or logged in again: its row made or marked online at `ip`, with the
 * claim's mark when given (none for a login again).
 */
export async function claim(
  q: Knex,
  c: { voucherId: number; mac: string; ip: string; at: number; pending: Partial<PendingMark> },
): Promise<void> {
  await q('voucher_devices')
    .insert({
      voucher_id: c.voucherId,
      mac: c.mac,
      ip: c.ip,
      connected: true,
      first_seen_at: c.at,
      last_seen_at: c.at,
      baseline_up: 0,
      baseline_down: 0,
      ...c.pending,
    })
    .onConflict(['voucher_id', 'mac'])
    .merge({ ip: c.ip, connected: true, last_seen_at: c.at, ...c.pending });
}

/** A claim undone (its login failed, or it was interrupted and the device is not online): its row goes. */
export async function release(q: Knex, voucherId: number, mac: string): Promise<void> {
  await q('voucher_devices').where({ voucher_id: voucherId, mac }).delete();
}

/** An interrupted claim undone by its row's id (settled after a restart or a lapsed server). */
export async function releaseById(q: Knex, id: number): Promise<void> {
  await q('voucher_devices').where({ id }).delete();
}

/**
 * The login over the router's API is confirmed: the mark goes, and the device counts on `queueId` (a new
 * queue starts counting at zero; a queue we took over keeps the baseline that belongs to it). Plain SQL.
 */
export async function confirmRouterLogin(
  db: Knex,
  c: { voucherId: number; mac: string; queueId: string | null },
): Promise<void> {
  const fresh = 'source_counter_id IS NULL OR source_counter_id <> ?';
  await statements(db).run(
    `UPDATE voucher_devices
        SET login_pending_at = NULL, claim_activated = ?,
            baseline_up = CASE WHEN ${fresh} THEN 0 ELSE baseline_up END,
            baseline_down = CASE WHEN ${fresh} THEN 0 ELSE baseline_down END,
            source_counter_id = ?
      WHERE voucher_id = ? AND mac = ?`,
    [false, c.queueId, c.queueId, c.queueId, c.voucherId, c.mac],
  );
}

/** A login through RADIUS is confirmed: the mark goes (the device's accounting is its counter). Plain SQL. */
export async function confirmRadiusLogin(db: Knex, voucherId: number, mac: string): Promise<void> {
  await statements(db).run(
    'UPDATE voucher_devices SET login_pending_at = NULL, claim_activated = ? WHERE voucher_id = ? AND mac = ?',
    [false, voucherId, mac],
  );
}

/** An interrupted claim whose device is online after all: the mark goes, by the row's id. */
export async function settleOnline(q: Knex, id: number): Promise<void> {
  await q('voucher_devices').where({ id }).update({ login_pending_at: null, claim_activated: false });
}

/** A device found online by the poll or the router's own login page: its row, if none (baseline 0 against `queueId`). */
export async function found(
  q: Knex,
  d: { voucherId: number; mac: string; ip: string | null; at: number; queueId: string | null },
): Promise<void> {
  await q('voucher_devices')
    .insert({
      voucher_id: d.voucherId,
      mac: d.mac,
      ip: d.ip,
      connected: true,
      first_seen_at: d.at,
      last_seen_at: d.at,
      source_counter_id: d.queueId,
      baseline_up: 0,
      baseline_down: 0,
    })
    .onConflict(['voucher_id', 'mac'])
    .ignore();
}

/** Every device of the voucher offline (revoked, paused: their sessions were ended). */
export async function disconnectAll(q: Knex, voucherId: number): Promise<void> {
  await q('voucher_devices').where({ voucher_id: voucherId }).update({ connected: false });
}

/** The devices logged out here (a pause), not seen leaving by a poll: their time offline counts from `at`. */
export async function loggedOutAt(
  q: Knex,
  voucherId: number,
  macs: readonly string[],
  at: number,
): Promise<void> {
  await q('voucher_devices')
    .where({ voucher_id: voucherId })
    .whereIn('mac', [...macs])
    .update({ last_seen_at: at });
}

/** The MAC logged out of every voucher (the admin's logout): its online rows offline at `at`. */
export async function disconnectMac(q: Knex, mac: string, at: number): Promise<void> {
  await q('voucher_devices')
    .where({ mac, connected: true })
    .update({ connected: false, rate_up: 0, rate_down: 0, last_seen_at: at });
}

/**
 * The voucher's device moved to another address: its row now names the new MAC, offline, counting from zero
 * at its next login. Returns whether the voucher's row for the old address moved. In the caller's transaction.
 */
export async function move(
  q: Knex,
  m: { voucherId: number; from: string; to: string; ip: string; at: number },
): Promise<boolean> {
  const n = await q('voucher_devices').where({ voucher_id: m.voucherId, mac: m.from }).update({
    mac: m.to,
    ip: m.ip,
    connected: false,
    source_counter_id: null,
    baseline_up: 0,
    baseline_down: 0,
    rate_up: 0,
    rate_down: 0,
    last_seen_at: m.at,
  });
  return n === 1;
}
