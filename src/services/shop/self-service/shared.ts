/** What the self-service parts share: the customer-facing errors, voucher look-ups and a per-voucher lock. */
import type { Knex } from 'knex';
import { statements } from '../../../db/statements';
import type { Profile } from '../../../domain/profiles';
import { voucherTiming } from '../../../domain/vouchers';
import { formatDurationHuman } from '../../../domain/durations';
import { AppError } from '../../../domain/errors';
import type { Clock } from '../../../lib/clock';
import type { CycleReport, UsageService } from '../../types';
import { profileFromRow, toVoucherState, voucherProfile, type VoucherRow } from '../vouchers/state';
import { TopUpRaced } from '../voucher-lifecycle';

export interface Voucher {
  row: VoucherRow;
  /** The profile as stored (the plan); `effective` adds the voucher's extensions and top-ups. */
  profile: Profile;
  effective: Profile;
  profileName: string;
}

export const unreachable = () =>
  new AppError(
    'ROUTER_UNREACHABLE',
    'The internet service is not reachable right now. Nothing was changed; please try again in a minute.',
    503,
  );

export const notYourDevice = () =>
  new AppError(
    'DEVICE_NOT_PROVEN',
    'Open this page on the phone that uses the code (the one connected to this WiFi).',
    403,
  );

export const noActiveVoucher = () =>
  new AppError('NO_ACTIVE_VOUCHER', 'This device has no code with time left.', 404);

const safeModeRefusal = () =>
  new AppError(
    'SAFE_MODE',
    'The hotspot is being set up by the shop. Nothing was changed; please ask the shop for help.',
    503,
  );

/** "in 3 hours 5 minutes" for a refusal that ends at `at`. */
export function waitText(at: number, now: number): string {
  return formatDurationHuman(Math.max(60, Math.ceil((at - now) / 60_000) * 60));
}

/** A voucher row read with its profile's name and spec (one statement: COLS of vouchers v, profiles p). */
type JoinedRow = VoucherRow & { profile_name: string; profile_spec: string };
const COLS = 'v.*, p.name AS profile_name, p.spec AS profile_spec';

/** The voucher's time as the clock reads it at `now` (time left, expired). */
export const timingOf = (v: Pick<Voucher, 'row' | 'profile'>, now: number) =>
  voucherTiming(toVoucherState(v.row, v.profile), now);

function joined(r: JoinedRow): Voucher {
  const { profile_name: profileName, profile_spec: spec, ...row } = r;
  const profile = profileFromRow({ spec });
  return { row, profile, effective: voucherProfile(row, profile), profileName };
}

/** A voucher and its profile in one query (on every customer's redeem path: plain SQL, db/statements.ts). */
async function voucherWhere(db: Knex, column: 'code' | 'id', value: string | number) {
  const r = await statements(db).get<JoinedRow>(
    `SELECT ${COLS} FROM vouchers v JOIN profiles p ON p.id = v.profile_id WHERE v.${column} = ? LIMIT 1`,
    [value],
  );
  return r ? joined(r) : undefined;
}

export const voucherByCode = (db: Knex, code: string) => voucherWhere(db, 'code', code);
export const voucherById = (db: Knex, id: number) => voucherWhere(db, 'id', id);

/**
 * The active voucher this device uses now (the newest), with time left; undefined when none. `siteId`: that
 * site's only (a phone may run codes at two sites).
 */
export async function activeVoucherOf(
  db: Knex,
  clock: Clock,
  mac: string,
  siteId?: number,
): Promise<Voucher | undefined> {
  const rows = await statements(db).all<JoinedRow>(
    `SELECT ${COLS}
       FROM voucher_devices d
       JOIN vouchers v ON v.id = d.voucher_id
       JOIN profiles p ON p.id = v.profile_id
      WHERE d.mac = ? AND v.status = 'active'${siteId === undefined ? '' : ' AND v.site_id = ?'}
      ORDER BY v.activated_at DESC`,
    siteId === undefined ? [mac] : [mac, siteId],
  );
  for (const r of rows) {
    const v = joined(r);
    if (!timingOf(v, clock.now()).expired) return v;
  }
  return undefined;
}

/**
 * voucherByCode and activeVoucherOf in one statement (the redeem prelude, on every customer's path): the voucher
 * of the code typed, and the active voucher this device uses now; `currents`, every one it uses (newest first:
 * at most one per site, unless the shop gave it more).
 */
export async function voucherAndActiveOf(
  db: Knex,
  clock: Clock,
  code: string,
  mac: string,
): Promise<{ voucher: Voucher | undefined; current: Voucher | undefined; currents: Voucher[] }> {
  const rows = await statements(db).all<JoinedRow & { which: number | string }>(
    `SELECT * FROM (
       SELECT 0 AS which, ${COLS} FROM vouchers v JOIN profiles p ON p.id = v.profile_id WHERE UPPER(v.code) = ?
       UNION ALL
       SELECT 1 AS which, ${COLS}
         FROM voucher_devices d
         JOIN vouchers v ON v.id = d.voucher_id
         JOIN profiles p ON p.id = v.profile_id
        WHERE d.mac = ? AND v.status = 'active'
     ) t ORDER BY which, activated_at DESC`,
    [code, mac],
  );
  let voucher: Voucher | undefined;
  const currents: Voucher[] = [];
  for (const { which, ...r } of rows) {
    const v = joined(r as JoinedRow);
    if (Number(which) === 0) voucher = v;
    else if (!timingOf(v, clock.now()).expired) currents.push(v);
  }
  return { voucher, current: currents[0], currents };
}

/** The device row of a voucher (ip, presence), or undefined. */
export async function deviceRow(db: Knex, voucherId: number, mac: string) {
  return (await db('voucher_devices').where({ voucher_id: voucherId, mac }).first('ip', 'connected')) as
    { ip: string | null; connected: number | boolean } | undefined;
}

/** Start times of a voucher's events of one kind since `since` (pauses and moves per 24 h). */
export async function eventTimes(
  db: Knex,
  voucherId: number,
  kind: string,
  since: number,
): Promise<number[]> {
  const rows = (await db('events')
    .where({ voucher_id: voucherId, kind })
    .where('ts', '>', since)
    .select('ts')) as Array<{ ts: number | string }>;
  return rows.map((r) => Number(r.ts));
}

/**
 * A poll cycle now, so the time and bytes used up to this moment are booked before a device goes offline or
 * changes address. A cycle the router or safe mode stopped means the change cannot be made safely now.
 */
export async function meterNow(usage: Pick<UsageService, 'runCycle'>): Promise<CycleReport> {
  const report = await usage.runCycle();
  if (report.skipped === 'safe-mode') throw safeModeRefusal();
  if (report.skipped) throw unreachable();
  return report;
}

/**
 * A code consumed into the device's running one (a top-up, extra data): `run`'s writes in one transaction; a
 * row no longer as it was read (TopUpRaced) is the customer's TOPUP_CONFLICT, nothing used.
 */
export async function consumeCode<T>(
  db: Knex,
  what: 'time' | 'data',
  run: (trx: Knex) => Promise<T>,
): Promise<T> {
  try {
    return await db.transaction(run);
  } catch (err) {
    if (!(err instanceof TopUpRaced)) throw err;
    throw new AppError(
      'TOPUP_CONFLICT',
      `This code or your ${what} changed just now. Nothing was used; please try again.`,
      409,
      'code',
    );
  }
}

/** One self-service change per voucher at a time (a double tap sends two requests). */
export class VoucherLocks {
  private readonly busy = new Map<number, Promise<unknown>>();

  async run<T>(id: number, fn: () => Promise<T>): Promise<T> {
    const before = this.busy.get(id) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(fn);
    const tail = mine.catch(() => undefined);
    this.busy.set(id, tail);
    try {
      return await mine;
    } finally {
      if (this.busy.get(id) === tail) this.busy.delete(id);
    }
  }

  /**
   * Runs `fn` under the voucher's lock only when no change of that voucher is in flight, else answers
   * `undefined` at once. For the poll's own steps: a pause in flight waits for a poll cycle (to count usage
   * first), so the cycle's step must skip that voucher, never wait for it; the next cycle looks again.
   */
  async tryRun<T>(id: number, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.busy.has(id)) return undefined;
    return this.run(id, fn);
  }
}
