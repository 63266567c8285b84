/**
 * What the database says for one cycle: the active vouchers with their devices, plus any other voucher the
 * router mentions (a session's user, a queue's comment), loaded in a constant number of queries.
 */
import type { Knex } from 'knex';
import type { Profile } from '../../../domain/profiles';
import type { ProfileRecord, ProfileService } from '../../types';
import type { VoucherRow } from '../../shop/vouchers/state';
import type { VoucherWithDevices } from '../../../domain/queues';
import { jsonSelect } from '../../../db/bulk-sql';
import type { UsageReading } from './source';

export interface DeviceRow {
  id: number;
  voucher_id: number;
  mac: string;
  ip: string | null;
  connected: number | boolean;
  first_seen_at: number;
  last_seen_at: number;
  bytes_up: number;
  bytes_down: number;
  /** The id, at the usage source, of the counter the baselines were read from (a queue's `.id`, a session id). */
  source_counter_id: string | null;
  baseline_up: number;
  baseline_down: number;
  rate_up: number;
  rate_down: number;
  /** A redemption's claim not confirmed yet (voucher-lifecycle.ts): the redemption owns this device's queue. */
  login_pending_at?: number | null;
}

export interface LoadedVoucher {
  row: VoucherRow;
  profile: Profile;
  profileName: string;
  devices: DeviceRow[];
  /** The domain's view of this voucher as the last cycle gave it to the policy (decisions.ts voucherItem). */
  view?: KeptView;
}

/**
 * A voucher as the policy last saw it, kept with the loaded state and brought up to the row's usage in place (one
 * object a voucher: it is the item the policy is given). The extras it was made with are beside it: they are
 * folded into its profile, so the view alone cannot tell them.
 */
export interface KeptView extends VoucherWithDevices {
  extraSeconds: number;
  extraBytes: number;
  extraFupBytes: number;
}

/** The state's device rows by MAC and by the queue whose counter they hold (meter.ts deviceIndex). */
export interface DeviceIndex {
  byMac: Map<string, DeviceRow[]>;
  byQueueId: Map<string, DeviceRow>;
}

export interface LoadedState {
  byId: Map<number, LoadedVoucher>;
  byCode: Map<string, LoadedVoucher>;
  /** Ended vouchers whose hotspot user is still on the router (a removal that failed earlier). */
  pendingUserRemovals: VoucherRow[];
  /**
   * Built on first use and kept with the state while the usage service keeps the state (its reload is this
   * index's reset); the meter keeps it current as it moves a device row's counter to another queue.
   */
  index?: DeviceIndex;
}

/** How many ids one query, or rows one write, carries (well under either engine's bound-parameter limit). */
const CHUNK = 500;

/**
 * The voucher columns the cycle reads (toVoucherState, metering, enforcement). Fewer columns make loading
 * 5,000 active vouchers noticeably cheaper; rows are typed as VoucherRow for the shared mapping, which
 * reads only these.
 */
const VOUCHER_COLS = [
  'id',
  'code',
  'profile_id',
  'status',
  'rate_limit_up',
  'rate_limit_down',
  'staff',
  'activated_at',
  'end_reason',
  'router_user_id',
  'bound_mac',
  'bytes_up',
  'bytes_down',
  'counted_bytes',
  'uptime_seconds',
  'extra_seconds',
  'override_up',
  'override_down',
  'extra_bytes',
  'extra_fup_bytes',
];

/** The device columns (all of them: bandwidth and the meter read most). */
const DEVICE_COLS = [
  'id',
  'voucher_id',
  'mac',
  'ip',
  'connected',
  'first_seen_at',
  'last_seen_at',
  'bytes_up',
  'bytes_down',
  'source_counter_id',
  'baseline_up',
  'baseline_down',
  'rate_up',
  'rate_down',
  'login_pending_at',
];

/** `xs` in parts of `size`, in order. */
export function chunks<T>(xs: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/** `read` of each chunk of `items` in turn, its rows joined. */
export async function inChunks<T, R>(items: readonly T[], read: (part: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunks(items)) out.push(...(await read(part)));
  return out;
}

async function profilesById(profiles: ProfileService): Promise<Map<number, ProfileRecord>> {
  const list = await profiles.list({ includeArchived: true });
  return new Map(list.map((p) => [p.id, p]));
}

async function devicesOf(
  db: Knex,
  voucherIds: number[],
  activeAtSite: number | undefined,
): Promise<DeviceRow[]> {
  if (activeAtSite !== undefined) {
    return jsonSelect<DeviceRow>(
      db,
      'd',
      DEVICE_COLS,
      'FROM voucher_devices AS d JOIN vouchers AS v ON v.id = d.voucher_id WHERE v.status = ? AND v.site_id = ?',
      ['active', activeAtSite],
    );
  }
  return inChunks(
    voucherIds,
    async (part) => (await db('voucher_devices').whereIn('voucher_id', part)) as DeviceRow[],
  );
}

function assemble(
  rows: VoucherRow[],
  devices: DeviceRow[],
  profiles: Map<number, ProfileRecord>,
  into: LoadedState,
): void {
  for (const row of rows) {
    const p = profiles.get(row.profile_id);
    if (!p || into.byId.has(row.id)) continue;
    const v: LoadedVoucher = { row, profile: p.profile, profileName: p.name, devices: [] };
    into.byId.set(row.id, v);
    into.byCode.set(row.code, v);
  }
  const grew = new Set<LoadedVoucher>();
  for (const d of devices) {
    const v = into.byId.get(d.voucher_id);
    if (!v) continue;
    v.devices.push(d);
    grew.add(v);
  }
  // A pushed-to array keeps room for 16 more (about 150 bytes): at 10,000 vouchers with a device or two each,
  // 1.5 MB of the kept state was that room. Exact copies, before anything else holds the arrays.
  for (const v of grew) v.devices = v.devices.slice();
}

/**
 * The part of the state that depends on the database alone: the site's active vouchers with their devices
 * and profiles, and its ended vouchers whose router user is still to be removed. The usage service keeps it
 * between cycles while its ChangeWatch vouches that none of these rows changed.
 */
export async function loadActiveState(
  db: Knex,
  profiles: ProfileService,
  siteId: number,
): Promise<LoadedState> {
  const profileMap = await profilesById(profiles);
  const state: LoadedState = { byId: new Map(), byCode: new Map(), pendingUserRemovals: [] };
  const active = await jsonSelect<VoucherRow>(
    db,
    'v',
    VOUCHER_COLS,
    'FROM vouchers AS v WHERE v.status = ? AND v.site_id = ?',
    ['active', siteId],
  );
  assemble(active, await devicesOf(db, [], siteId), profileMap, state);
  state.pendingUserRemovals = (await db('vouchers')
    .where('site_id', siteId)
    .whereIn('status', ['expired', 'exhausted', 'revoked'])
    .whereNotNull('router_user_id')
    .select(VOUCHER_COLS)) as VoucherRow[];
  return state;
}

/**
 * The cycle's state: `active` plus any other voucher the reading mentions (a session's user, a counter's
 * voucher) that belongs to this site or is roaming and unused. Usually there is none and `active` itself is
 * returned; otherwise a new state that shares `active`'s vouchers, so `active` stays as the database has it.
 * Another site's voucher stays unknown here: this router only ever sees its users by mistake.
 */
export async function withRouterMentions(
  db: Knex,
  profiles: ProfileService,
  active: LoadedState,
  reading: UsageReading,
  siteId: number,
): Promise<LoadedState> {
  const mentioned = new Set<string>();
  for (const s of reading.sessions) if (!active.byCode.has(s.user)) mentioned.add(s.user);
  for (const c of reading.counters) if (c.code && !active.byCode.has(c.code)) mentioned.add(c.code);
  const codes = [...mentioned];
  if (codes.length === 0) return active;
  const others = await inChunks(
    codes,
    async (part) =>
      (await db('vouchers')
        .whereIn('code', part)
        .where((q) =>
          q.where('site_id', siteId).orWhere((r) => r.whereNull('site_id').where('roaming', true)),
        )
        .select(VOUCHER_COLS)) as VoucherRow[],
  );
  if (others.length === 0) return active;
  const state: LoadedState = {
    byId: new Map(active.byId),
    byCode: new Map(active.byCode),
    pendingUserRemovals: active.pendingUserRemovals,
  };
  const ids = others.map((v) => v.id);
  assemble(others, await devicesOf(db, ids, undefined), await profilesById(profiles), state);
  return state;
}

/**
 * These vouchers as the database has them now, those still active at the site, with their devices and profiles:
 * the fair-use watch's candidates after another writer changed the tables since the poll loaded them.
 */
export async function activeVouchersNow(
  db: Knex,
  profiles: ProfileService,
  ids: readonly number[],
  siteId: number,
): Promise<Map<number, LoadedVoucher>> {
  const rows = await inChunks(
    ids,
    async (part) =>
      (await db('vouchers')
        .whereIn('id', part)
        .where({ status: 'active', site_id: siteId })
        .select(VOUCHER_COLS)) as VoucherRow[],
  );
  const state: LoadedState = { byId: new Map(), byCode: new Map(), pendingUserRemovals: [] };
  if (rows.length === 0) return state.byId;
  const found = rows.map((r) => r.id);
  assemble(rows, await devicesOf(db, found, undefined), await profilesById(profiles), state);
  return state.byId;
}

/**
 * The site's device rows holding the counter baseline of these queue ids (a queue handed over to another voucher).
 * Only the site's own: queue ids are per router, so another site's device may hold a queue of the same id.
 */
export async function baselineHolders(
  db: Knex,
  queueIds: string[],
  siteId: number,
): Promise<Map<string, DeviceRow>> {
  const rows = await inChunks(
    queueIds,
    async (part) =>
      (await db('voucher_devices as d')
        .join('vouchers as v', 'v.id', 'd.voucher_id')
        .where('v.site_id', siteId)
        .whereIn('d.source_counter_id', part)
        .select('d.*')) as DeviceRow[],
  );
  return new Map(rows.filter((d) => d.source_counter_id).map((d) => [d.source_counter_id!, d]));
}
