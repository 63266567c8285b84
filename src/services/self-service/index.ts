/**
 * Customer self-service on the portal (issue 16): a second code tops up the running one (or waits for it to
 * end), uptime vouchers pause and resume, and a voucher follows its phone to a new WiFi address. The
 * portal's redeem goes through here: what is not a self-service case (a first code, a relogin, a second
 * device within the count, a wrong code) is the ordinary redemption, with its guarantees and its limiter.
 */
import { isPlausibleCode, normaliseCode } from '../../domain/codes';
import { DEFAULT_MOVES_PER_DAY, parseMovesPerDay } from '../../domain/self-service';
import { normaliseMac, parseIPv4 } from '../../domain/units';
import { AppError } from '../../lib/errors';
import { maskCode } from '../../lib/logger';
import { DEFAULT_SITE, type ServiceDeps } from '../deps';
import type {
  Actor,
  PortalStatus,
  RedeemResult,
  RedemptionService,
  UsageService,
  VoucherService,
} from '../types';
import * as lifecycle from '../voucher-lifecycle';
import { createMoves } from './move';
import { createPauses, type PauseState } from './pause';
import {
  activeVoucherOf,
  deviceRow,
  macOrNull,
  noActiveVoucher,
  notYourDevice,
  voucherAndActiveOf,
  voucherByCode,
  VoucherLocks,
  type Voucher,
} from './shared';
import { createTopUps, type TopUpOutcome } from './topup';

export type { PauseState, TopUpOutcome };

export const MOVES_PER_DAY_KEY = 'portal.moves_per_day';
/** A queued code starts by itself only right after the code before it ended. */
const START_WINDOW_MS = 10 * 60_000;

export type SelfRedeemResult =
  | { kind: 'redeemed'; result: RedeemResult }
  | { kind: 'topped-up'; topUp: TopUpOutcome }
  | { kind: 'moved'; result: RedeemResult }
  | { kind: 'confirm-move'; message: string };

export interface Asker {
  provenMac: string | null;
  peerIp: string | null;
}

/** What the status page adds for self-service: pause state and codes waiting for this device. */
export interface SelfServiceStatus {
  /** The voucher counts connected time and may be paused (the Pause button shows). */
  pausable: boolean;
  paused: boolean;
  pauseEndsAt: number | null;
  pausesLeft: number | null;
  /** Codes kept for this device (top-up "queue"), in the order they start. */
  queued: Array<{ code: string; profile: string; seconds: number | null }>;
  /** A queued code may start now (nothing running on this device). */
  canStartQueued: boolean;
  /** The voucher allows several devices at once (a pause logs them all out; Resume brings them back). */
  multiDevice: boolean;
}

export interface SelfService {
  redeem(
    input: { code: string; mac: string; ip: string; site?: string | number; confirmMove?: boolean },
    asker: { peerIp: string | null },
  ): Promise<SelfRedeemResult>;
  status(mac: string, asker: Asker): Promise<PortalStatus & { self: SelfServiceStatus }>;
  pause(mac: string, asker: Asker): Promise<PauseState>;
  resume(mac: string, asker: Asker): Promise<PauseState>;
  /** Starts the first code queued for the device when nothing runs on it (the customer's button). */
  startQueued(mac: string, asker: Asker): Promise<RedeemResult>;
  /** After each poll cycle: queued codes whose turn came, pauses that ended. */
  afterCycle(): Promise<void>;
  movesPerDay(): Promise<number>;
  setMovesPerDay(value: unknown, actor: Actor): Promise<number>;
}

const NO_SELF: SelfServiceStatus = {
  pausable: false,
  paused: false,
  pauseEndsAt: null,
  pausesLeft: null,
  queued: [],
  canStartQueued: false,
  multiDevice: false,
};

export function createSelfService(
  deps: ServiceDeps,
  d: {
    redemption: RedemptionService;
    usage: UsageService;
    vouchers: Pick<VoucherService, 'requestUsersCheck'>;
  },
): SelfService {
  const { db, clock, settings, log } = deps;
  // The redeem prelude's lookups are on every customer's path: they read through the read connection, like the
  // redemption's own lookup (committed data; every change below is a conditional write on the main one).
  const reader = deps.reader ?? db;
  const locks = new VoucherLocks();
  /** Queued codes whose automatic start was tried (once per process; the customer can always start them). */
  const tried = new Set<number>();

  async function movesPerDay(): Promise<number> {
    const v = await settings.get<unknown>(MOVES_PER_DAY_KEY, DEFAULT_MOVES_PER_DAY);
    try {
      return parseMovesPerDay(v);
    } catch {
      return DEFAULT_MOVES_PER_DAY;
    }
  }

  const topUps = createTopUps(deps, d.vouchers);
  const pauses = createPauses(deps, d);
  const moves = createMoves(deps, { ...d, movesPerDay });

  /** The device's voucher for pause/resume, once the asker proved it is that device. */
  async function provenVoucher(macInput: string, asker: Asker): Promise<{ v: Voucher; mac: string }> {
    const mac = macOrNull(macInput) ?? asker.provenMac;
    if (!mac) throw notYourDevice();
    const v = await activeVoucherOf(db, clock, mac);
    if (!v) {
      if (asker.provenMac !== mac) throw notYourDevice();
      throw noActiveVoucher();
    }
    const device = await deviceRow(db, v.row.id, mac);
    const proven = asker.provenMac === mac || (asker.peerIp !== null && device?.ip === asker.peerIp);
    if (!proven) throw notYourDevice();
    return { v, mac };
  }

  /** Codes kept for a device, oldest first. */
  async function queuedFor(mac: string): Promise<Voucher[]> {
    const rows = (await db('vouchers')
      .where({ queued_mac: mac, status: 'unused' })
      .orderBy('queued_at')
      .select('code')) as Array<{ code: string }>;
    const out: Voucher[] = [];
    for (const r of rows) {
      const v = await voucherByCode(db, r.code);
      if (v) out.push(v);
    }
    return out;
  }

  /**
   * A queued code starts as an ordinary redemption (its hotspot user is bound to this very device, so the
   * login is allowed); it stops being queued once it is active, and its user gets the plan's own binding
   * (none for several devices). Should the router not take that now, the mark stays and the next sync
   * releases it (releaseQueuedBindings).
   */
  async function startQueuedCode(v: Voucher, mac: string, ip: string, peerIp: string | null) {
    const result = await d.redemption.redeem({ code: v.row.code, mac, ip }, { peerIp });
    const userId = (await db('vouchers').where({ id: v.row.id }).first('router_user_id')) as
      { router_user_id: string | null } | undefined;
    let released = true;
    if (userId?.router_user_id)
      released = await deps.hotspot.bindUser(userId.router_user_id, v.profile.users === 1 ? mac : null).then(
        () => true,
        () => false,
      );
    if (released) await lifecycle.unqueue(db, v.row.id, clock.now());
    log.info(
      { module: 'portal', event: 'queue-start', voucher: maskCode(v.row.code), mac },
      `queued code ${maskCode(v.row.code)} started on ${mac}`,
    );
    return result;
  }

  async function redeem(
    input: { code: string; mac: string; ip: string; site?: string | number; confirmMove?: boolean },
    asker: { peerIp: string | null },
  ): Promise<SelfRedeemResult> {
    // `known`: the voucher as read below, handed to the redemption so it need not look it up again.
    const plain = async (known?: Voucher): Promise<SelfRedeemResult> => ({
      kind: 'redeemed',
      result: await d.redemption.redeem(input, asker, known),
    });
    let mac: string;
    let ip: string;
    try {
      mac = normaliseMac(input.mac);
      ip = parseIPv4(input.ip, 'ip');
    } catch {
      return plain(); // the redemption's own refusal (unknown device)
    }
    const code = normaliseCode(String(input.code ?? ''));
    // One read for both: the code's voucher and the device's running one. Both may be a moment old by the time
    // the lock below is ours; every change made from them is a conditional write (a lost race is retried by the
    // redemption from a fresh read), as it was when the device's voucher was read under the lock.
    const { voucher: v, current } = isPlausibleCode(code)
      ? await voucherAndActiveOf(reader, clock, code, mac)
      : { voucher: undefined, current: undefined };
    if (!v) return plain(); // wrong codes count against the asker there
    // Top-ups, queued codes, pauses and moves drive the default site's router (their hotspot); a code or a
    // running voucher of another site is a plain redemption there, on its own router.
    const elsewhere = (r: { site_id?: number | null }) =>
      r.site_id != null && Number(r.site_id) !== DEFAULT_SITE.id;
    if (elsewhere(v.row) || (current && elsewhere(current.row))) return plain(v);
    return locks.run(v.row.id, async () => {
      if (v.row.status === 'unused') {
        const queuedMac = v.row.queued_mac ?? null;
        if (queuedMac !== null && queuedMac !== mac)
          throw new AppError('DEVICE_LIMIT', 'This code is waiting to start on another device.', 409, 'code');
        if (queuedMac === mac) {
          if (current)
            throw new AppError(
              'ALREADY_QUEUED',
              'This code is already waiting for your time to end.',
              409,
              'code',
            );
          return { kind: 'redeemed', result: await startQueuedCode(v, mac, ip, asker.peerIp) };
        }
        if (current && current.row.id !== v.row.id)
          return { kind: 'topped-up', topUp: await topUps.topUp(current, v, mac) };
        return plain(v);
      }
      if (v.row.status !== 'active') return plain(v);
      const devices = (await reader('voucher_devices')
        .where({ voucher_id: v.row.id })
        .select('mac')) as Array<{
        mac: string;
      }>;
      if (devices.some((x) => x.mac === mac)) {
        // The same code again: a paused voucher resumes; anything else is the redemption's relogin.
        if (v.row.paused_at !== null && v.row.paused_at !== undefined) {
          const out = await pauses.resume(v, mac, 'customer', asker.peerIp);
          return { kind: 'redeemed', result: out.result as RedeemResult };
        }
        return plain(v);
      }
      if (devices.length < v.profile.users) return plain(v);
      const moved = await moves.move(
        v,
        { mac, ip },
        { confirmed: input.confirmMove === true, peerIp: asker.peerIp },
      );
      return moved.kind === 'confirm'
        ? { kind: 'confirm-move', message: moved.message }
        : { kind: 'moved', result: moved.result };
    });
  }

  async function status(macInput: string, asker: Asker): Promise<PortalStatus & { self: SelfServiceStatus }> {
    const base = await d.redemption.status(macInput, asker);
    const mac = macOrNull(macInput);
    if (!mac || base.code === null) return { ...base, self: NO_SELF };
    const v = await activeVoucherOf(db, clock, mac);
    const queued = await queuedFor(mac);
    const self: SelfServiceStatus = {
      ...NO_SELF,
      queued: queued.map((q) => ({
        code: maskCode(q.row.code),
        profile: q.profileName,
        seconds: q.profile.validitySeconds,
      })),
      canStartQueued: !v && queued.length > 0,
    };
    if (!v) return { ...base, self };
    const p = await pauses.state(v);
    // capBytes and fupThresholdBytes are the voucher's own already (the redemption's status reads them with
    // the codes added to it, as enforcement, the alerts and the admin do).
    return {
      ...base,
      self: {
        ...self,
        pausable: v.profile.timeMode === 'uptime' && v.profile.validitySeconds !== null && !v.row.staff,
        paused: p.paused,
        pauseEndsAt: p.endsAt,
        pausesLeft: p.pausesLeft,
        multiDevice: v.profile.users > 1,
      },
    };
  }

  return {
    redeem,
    status,
    async pause(macInput, asker) {
      const { v, mac } = await provenVoucher(macInput, asker);
      return locks.run(v.row.id, () => pauses.pause(v, mac));
    },
    async resume(macInput, asker) {
      const { v, mac } = await provenVoucher(macInput, asker);
      return locks.run(v.row.id, async () => (await pauses.resume(v, mac, 'customer', asker.peerIp)).state);
    },
    async startQueued(macInput, asker) {
      const mac = macOrNull(macInput);
      if (!mac) throw notYourDevice();
      const [first] = await queuedFor(mac);
      const last = (await db('voucher_devices')
        .where({ mac })
        .orderBy('last_seen_at', 'desc')
        .first('ip')) as { ip: string | null } | undefined;
      const proven = asker.provenMac === mac || (asker.peerIp !== null && last?.ip === asker.peerIp);
      if (!proven) throw notYourDevice();
      if (!first) throw new AppError('NOTHING_QUEUED', 'No code is waiting for this device.', 404);
      if (await activeVoucherOf(db, clock, mac))
        throw new AppError('ALREADY_QUEUED', 'This code is already waiting for your time to end.', 409);
      const ip = asker.peerIp ?? last?.ip;
      if (!ip) throw notYourDevice();
      return locks.run(first.row.id, () => startQueuedCode(first, mac, ip, asker.peerIp));
    },
    async afterCycle() {
      await pauses.afterCycle();
      await startDueQueued();
    },
    movesPerDay,
    async setMovesPerDay(value, actor) {
      const n = parseMovesPerDay(value);
      await settings.set(MOVES_PER_DAY_KEY, n, actor);
      return n;
    },
  };

  /**
   * Codes queued for a device whose running voucher has just ended (within START_WINDOW_MS) start at once,
   * tried once: the router refuses the login when the phone has left the WiFi, and then the code waits for the
   * customer (the status page's Start button, or the code typed again), so a wall-clock code never runs for
   * a phone that is not there.
   */
  async function startDueQueued(): Promise<void> {
    const rows = (await db('vouchers as q')
      .leftJoin('vouchers as p', 'p.id', 'q.queued_after')
      .whereNotNull('q.queued_mac')
      .where('q.status', 'unused')
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
      if (await activeVoucherOf(db, clock, r.queued_mac)) continue;
      const before = r.queued_after === null ? undefined : await deviceRow(db, r.queued_after, r.queued_mac);
      const v = await voucherByCode(db, r.code);
      if (!v || !before?.ip) continue;
      tried.add(r.id);
      try {
        await locks.run(v.row.id, () => startQueuedCode(v, r.queued_mac, before.ip as string, null));
      } catch (err) {
        log.info(
          { voucher: maskCode(r.code), mac: r.queued_mac, err: (err as Error).message },
          'queued code not started: the device is not on the WiFi; it waits for the customer',
        );
      }
    }
  }
}
