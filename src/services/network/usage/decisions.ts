/**
 * The poll's decision step, between the ledger and the enforcer: the vouchers as the domain sees them, what the
 * pure policy (src/domain/queues.ts decideVouchers) says they should have now, the vouchers that end (closed in the
 * database first: it is the truth) and the order handed to the enforcer. Whatever measured the usage and whatever
 * enforces, off-peak, fair use, caps, device limits and expiry are decided here once.
 */
import type { Knex } from 'knex';
import { maskCode } from '../../../lib/logger';
import { decideVouchers, type VoucherAction, type VoucherWithDevices } from '../../../domain/queues';
import type { DeviceState } from '../../../domain/vouchers';
import { routerBytesLeft, routerHoldsCap } from '../../../domain/byte-cap';
import { userPassword } from '../../../router/hotspot/users';
import { recordEvent } from '../../business/events';
import type { SiteDeps } from '../../deps';
import * as lifecycle from '../../shop/voucher-lifecycle';
import { refreshVoucherUsage, toVoucherState, type VoucherRow } from '../../shop/vouchers/state';
import type { ByteCap, EnforceOrder } from './enforcer';
import type { DeviceRow, KeptView, LoadedState, LoadedVoucher } from './load';
import type { SessionReading, UsageReading } from './source';

/** How long a redemption's claim owns its device's router state: its router steps take a few round trips. */
export const CLAIM_OWNS_QUEUE_MS = 15_000;

const ENDED = new Set(['expired', 'exhausted', 'revoked']);

const deviceState = (d: DeviceRow): DeviceState => ({
  mac: d.mac,
  ip: d.ip ?? undefined,
  connected: Boolean(d.connected),
});

/** Whether a view made by toVoucherState still has every input of the row but its usage and status. */
function viewFits(view: KeptView, row: VoucherRow): boolean {
  const s = view.voucher;
  return (
    s.rateUp === row.rate_limit_up &&
    s.rateDown === row.rate_limit_down &&
    (s.override?.rateUp ?? null) === (row.override_up ?? null) &&
    (s.override?.rateDown ?? null) === (row.override_down ?? null) &&
    (s.activatedAt ?? null) === (row.activated_at === null ? null : Number(row.activated_at)) &&
    s.staff === Boolean(row.staff) &&
    view.extraSeconds === Number(row.extra_seconds ?? 0) &&
    view.extraBytes === Number(row.extra_bytes ?? 0) &&
    view.extraFupBytes === Number(row.extra_fup_bytes ?? 0)
  );
}

/**
 * The voucher as the domain sees it. Kept on the loaded voucher between cycles (the usage service keeps the loaded
 * state until another writer changes the vouchers, their devices or the profiles) and brought up to the row in
 * place: its usage and status (refreshVoucherUsage) and its devices' addresses and presence, which are all the
 * meter and the end of a voucher change in a kept row. Any other input changed (rates, override, activation,
 * staff, extensions, extra data), or a device more or less: a new view, as toVoucherState makes it.
 */
export function voucherItem(v: LoadedVoucher): VoucherWithDevices {
  const kept = v.view;
  if (!kept || kept.devices.length !== v.devices.length || !viewFits(kept, v.row)) return freshItem(v);
  const devices = kept.devices as DeviceState[];
  for (let i = 0; i < devices.length; i++) {
    // Another device in its place: a new view (this one, half brought up to date, is dropped).
    if (devices[i].mac !== v.devices[i].mac) return freshItem(v);
    devices[i].ip = v.devices[i].ip ?? undefined;
    devices[i].connected = Boolean(v.devices[i].connected);
  }
  refreshVoucherUsage(kept.voucher, v.row);
  return kept;
}

function freshItem(v: LoadedVoucher): VoucherWithDevices {
  v.view = {
    voucher: toVoucherState(v.row, v.profile),
    devices: v.devices.map(deviceState),
    extraSeconds: Number(v.row.extra_seconds ?? 0),
    extraBytes: Number(v.row.extra_bytes ?? 0),
    extraFupBytes: Number(v.row.extra_fup_bytes ?? 0),
  };
  return v.view;
}

/** The active vouchers as the domain sees them. */
export function activeItems(state: LoadedState): VoucherWithDevices[] {
  return [...state.byId.values()].filter((v) => v.row.status === 'active').map(voucherItem);
}

/**
 * A device whose redemption is still being confirmed belongs to the redemption: it adds the queue itself, and a
 * claim it loses is undone with its queue. For CLAIM_OWNS_QUEUE_MS the poll neither adds, changes nor removes
 * that device's router state; otherwise a poll running beside a lost race adds a queue for the loser's device
 * row just before the row is deleted. A claim still marked after that (a controller killed mid-redemption) is
 * the poll's again, and is settled after the grace period (settleInterruptedLogins).
 */
export function claimedMacs(state: LoadedState, now: number): Set<string> {
  const claimed = new Set<string>();
  for (const v of state.byId.values())
    for (const d of v.devices)
      if (d.login_pending_at != null && now - Number(d.login_pending_at) < CLAIM_OWNS_QUEUE_MS)
        claimed.add(d.mac);
  return claimed;
}

/** Closes the vouchers the policy ended, in the database; returns those closed now (an admin's revoke wins). */
export async function endVouchers(
  deps: Pick<SiteDeps, 'db' | 'clock' | 'log'>,
  state: LoadedState,
  actions: readonly VoucherAction[],
  now: number,
): Promise<LoadedVoucher[]> {
  if (actions.length === 0) return [];
  const ended: LoadedVoucher[] = [];
  await deps.db.transaction(async (trx) => {
    for (const a of actions) {
      const v = state.byCode.get(a.code);
      if (!v) continue;
      // Conditional on status, so an admin's revoke in between is not overwritten.
      if (!(await lifecycle.end(trx, v.row.id, a.newStatus, a.reason, now))) continue;
      v.row.status = a.newStatus;
      v.row.end_reason = a.reason;
      ended.push(v);
      await recordEvent(trx, deps.clock, {
        voucherId: v.row.id,
        kind: a.newStatus,
        level: 'info',
        message: `Voucher ${a.newStatus}: ${a.reason}`,
      });
    }
  });
  for (const v of ended)
    deps.log.info(
      { event: v.row.status, voucher: maskCode(v.row.code), status: v.row.status },
      `voucher ${maskCode(v.row.code)} ${v.row.status}: ${v.row.end_reason ?? ''}`.trim(),
    );
  return ended;
}

/** Sessions of ended vouchers (this poll's, or earlier ones still online). */
function sessionsOfEnded(reading: UsageReading, state: LoadedState): SessionReading[] {
  return reading.sessions.filter((s) => {
    const v = state.byCode.get(s.user);
    return v !== undefined && ENDED.has(v.row.status);
  });
}

/**
 * Sessions of vouchers waiting at their cap for extra data (the policy's capped-waiting): the router holds their
 * byte limit and cuts them itself; a session it let through (a router refusing the limit, traffic the queue
 * counters saw before the router's own count) has no queue, so no speed limit either, and is ended.
 */
function sessionsOfCappedWaiting(reading: UsageReading, codes: readonly string[]): SessionReading[] {
  if (codes.length === 0) return [];
  const waiting = new Set(codes);
  return reading.sessions.filter((s) => waiting.has(s.user));
}

/**
 * The order for the enforcer: the decided devices (none of them claimed by a redemption under way), the sessions
 * to end, and the codes of ended vouchers whose login (a hotspot user) is to go. A voucher whose end action keeps
 * its user (the policy's removeRouterUser false) keeps it, and so does one waiting at its cap (it is still active).
 */
export function enforceOrder(
  state: LoadedState,
  reading: UsageReading,
  decided: ReturnType<typeof decideVouchers>,
  ended: readonly LoadedVoucher[],
  overLimit: readonly SessionReading[],
  now: number,
  /** Whether the state may hold ended vouchers (one ended now, or the reading mentioned one); false skips their search. */
  anyEnded = true,
): EnforceOrder {
  const keep = new Set(decided.voucherActions.filter((a) => !a.removeRouterUser).map((a) => a.code));
  const logins = new Set<string>();
  for (const v of ended) if (v.row.router_user_id && !keep.has(v.row.code)) logins.add(v.row.code);
  for (const r of state.pendingUserRemovals) if (r.router_user_id) logins.add(r.code);
  return {
    devices: decided.devices,
    logout: [
      ...(anyEnded ? sessionsOfEnded(reading, state) : []),
      ...sessionsOfCappedWaiting(reading, decided.cappedWaiting),
      ...overLimit,
    ],
    removeLogins: [...logins],
    claimed: claimedMacs(state, now),
  };
}

/** The logins removed (by code) are no longer on the router: the rows say so. */
export async function forgetRemovedUsers(
  db: Knex,
  state: LoadedState,
  ended: readonly LoadedVoucher[],
  gone: readonly string[],
): Promise<void> {
  if (gone.length === 0) return;
  const out = new Set(gone);
  const rows = [...ended.map((v) => v.row), ...state.pendingUserRemovals].filter(
    (r) => r.router_user_id !== null && out.has(r.code),
  );
  if (rows.length === 0) return;
  await db('vouchers')
    .whereIn(
      'id',
      rows.map((r) => r.id),
    )
    .update({ router_user_id: null });
  for (const r of rows) r.router_user_id = null;
}

/**
 * The byte allowances the network should hold: one per active voucher whose cap blocks (a hotspot user's
 * `limit-bytes-total`, a login's `Mikrotik-Total-Limit`), with the bytes it may still move (routerBytesLeft; null:
 * no limit now, an off-peak window with free data).
 */
export async function byteCaps(
  db: Knex,
  state: LoadedState,
  /** The cycle's active vouchers as the domain saw them (activeItems): whether a cap blocks is read from them. */
  items: readonly VoucherWithDevices[],
  now: number,
  tz: string,
): Promise<ByteCap[]> {
  const held: LoadedVoucher[] = [];
  for (const it of items) {
    if (!routerHoldsCap(it.voucher)) continue;
    const v = state.byCode.get(it.voucher.code);
    // Ended since (this poll's endVouchers, or an admin's revoke the row already shows): no allowance to hold.
    if (v && v.row.status === 'active') held.push(v);
  }
  // Read again just before the router is written: extra data bought (a top-up, the counter, a vendo) while this
  // poll ran must not be written back as the old limit.
  // The password too: the cycle's rows leave it out, and a session brought to a new limit logs in with it.
  type Fresh = { id: number; status: string; extra_bytes: number | null; password: string | null };
  const fresh = new Map<number, Fresh>();
  for (let i = 0; i < held.length; i += 500) {
    const ids = held.slice(i, i + 500).map((v) => v.row.id);
    const rows = (await db('vouchers')
      .whereIn('id', ids)
      .select('id', 'status', 'extra_bytes', 'password')) as Fresh[];
    for (const r of rows) fresh.set(Number(r.id), r);
  }
  const caps: ByteCap[] = [];
  for (const v of held) {
    const now2 = fresh.get(Number(v.row.id));
    if (!now2 || now2.status !== 'active') continue;
    const voucher = toVoucherState({ ...v.row, extra_bytes: Number(now2.extra_bytes ?? 0) }, v.profile);
    caps.push({
      code: v.row.code,
      password: userPassword({ code: v.row.code, password: now2.password }),
      left: routerBytesLeft(voucher, now, tz),
    });
  }
  return caps;
}
