/**
 * Customer self-service on the portal: a second code tops up the running one (or waits for it to
 * end), uptime vouchers pause and resume, and a voucher follows its phone to a new WiFi address. The
 * portal's redeem goes through here: what is not a self-service case (a first code, a relogin, a second
 * device within the count, a wrong code) is the ordinary redemption, with its guarantees and its limiter.
 */
import { isPlausibleCode, normaliseCode, voucherPasswordMatches } from '../../domain/codes';
import {
  DEFAULT_MOVE_OFFLINE_MINUTES,
  DEFAULT_MOVES_PER_DAY,
  parseMoveOfflineMinutes,
  parseMovesPerDay,
} from '../../domain/self-service';
import { normaliseMac, parseIPv4 } from '../../domain/units';
import { AppError } from '../../domain/errors';
import type { GuessLimiter, GuessTicket } from '../guess-limiter';
import { maskCode } from '../../lib/logger';
import { DEFAULT_SITE, type ServiceDeps } from '../deps';
import type { PortalStatus, RedeemResult, RedemptionService } from '../types';
import { voucherTiming } from '../../domain/vouchers';
import { toVoucherState } from '../voucher-state';
import * as lifecycle from '../voucher-lifecycle';
import { createDeviceAddress } from './device-address';
import { createMoves } from './move';
import { createPauses } from './pause';
import {
  activeVoucherOf,
  deviceRow,
  macOrNull,
  noActiveVoucher,
  notYourDevice,
  voucherAndActiveOf,
  VoucherLocks,
  type Voucher,
} from './shared';
import { createQueuedCodes, selfServiceDue } from './queued';
import { createSelfSites, siteIdOf, type SelfSite, type SelfSitesSource } from './sites';
import { createTopUps } from './topup';
import type { Asker, SelfRedeemInput, SelfRedeemResult, SelfService, SelfServiceStatus } from './types';

export type {
  Asker,
  PauseState,
  SelfRedeemInput,
  SelfRedeemResult,
  SelfService,
  SelfServiceStatus,
  TopUpOutcome,
} from './types';
export type { SelfSite, SelfSitesSource };

export const MOVES_PER_DAY_KEY = 'portal.moves_per_day';
export const MOVE_OFFLINE_MINUTES_KEY = 'portal.move_offline_minutes';

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
    /** The dispatching redemption (site-dispatch.ts), for what is a plain redemption before a site is known. */
    redemption: RedemptionService;
    /** Each site's services: a top-up, a queued code, a pause or a move runs on the voucher's own site. */
    sites: SelfSitesSource;
    /** The portal's guess limits, shared with every site's redemption. */
    limiter: GuessLimiter;
  },
): SelfService {
  const { db, clock, settings } = deps;
  // The redeem prelude's lookups are on every customer's path: they read through the read connection, like the
  // redemption's own lookup (committed data; every change below is a conditional write on the main one).
  const reader = deps.reader ?? db;
  const locks = new VoucherLocks();
  const sites = createSelfSites(db, d.sites);
  const queued = createQueuedCodes({ db, clock, locks });

  async function movesPerDay(): Promise<number> {
    const v = await settings.get<unknown>(MOVES_PER_DAY_KEY, DEFAULT_MOVES_PER_DAY);
    try {
      return parseMovesPerDay(v);
    } catch {
      return DEFAULT_MOVES_PER_DAY;
    }
  }

  async function moveOfflineMinutes(): Promise<number> {
    const v = await settings.get<unknown>(MOVE_OFFLINE_MINUTES_KEY, DEFAULT_MOVE_OFFLINE_MINUTES);
    try {
      return parseMoveOfflineMinutes(v);
    } catch {
      return DEFAULT_MOVE_OFFLINE_MINUTES;
    }
  }

  /** Top-ups, pauses and moves of one site, on its router (built once per site stack). */
  const parts = new WeakMap<SelfSite, ReturnType<typeof partsFor>>();
  function partsFor(s: SelfSite) {
    const with_ = { usage: s.usage, redemption: s.redemption, vouchers: s.vouchers };
    return {
      topUps: createTopUps(s.deps, s.vouchers),
      pauses: createPauses(s.deps, with_),
      moves: createMoves(s.deps, { ...with_, movesPerDay, moveOfflineMinutes }),
    };
  }
  function partsOf(s: SelfSite) {
    let p = parts.get(s);
    if (!p) parts.set(s, (p = partsFor(s)));
    return p;
  }

  /** The device's voucher for pause/resume, once the asker proved it is that device. */
  async function provenVoucher(
    macInput: string,
    asker: Asker,
    site: string | number | undefined,
  ): Promise<{ v: Voucher; mac: string; at: SelfSite }> {
    const mac = macOrNull(macInput) ?? asker.provenMac;
    if (!mac) throw notYourDevice();
    const v = await activeVoucherOf(db, clock, mac, await sites.ofDevice(mac, site));
    if (!v) {
      if (asker.provenMac !== mac) throw notYourDevice();
      throw noActiveVoucher();
    }
    const device = await deviceRow(db, v.row.id, mac);
    const proven = asker.provenMac === mac || (asker.peerIp !== null && device?.ip === asker.peerIp);
    if (!proven) throw notYourDevice();
    return { v, mac, at: sites.require(siteIdOf(v.row)) };
  }

  /** A running code typed at another site where it would have moved to this device. */
  async function wouldMoveHere(v: Voucher, mac: string): Promise<boolean> {
    if (v.row.status !== 'active') return false;
    if (voucherTiming(toVoucherState(v.row, v.profile), clock.now()).expired) return false;
    const devices = (await reader('voucher_devices').where({ voucher_id: v.row.id }).select('mac')) as Array<{
      mac: string;
    }>;
    return !devices.some((x) => x.mac === mac) && devices.length >= v.profile.users;
  }

  async function redeem(input: SelfRedeemInput, asker: Asker): Promise<SelfRedeemResult> {
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
    // Who typed the code is held back before anything is looked up: a top-up, a queued code or a move tells a
    // guesser as much about a code as a redemption does (guess-limiter.ts).
    const ticket = await d.limiter.admit({ ...asker, device: { mac, ip } });
    try {
      return await admitted(input, { ...asker, ticket }, mac, ip);
    } finally {
      ticket.release(); // a wrong code was counted by the redemption (ticket.fail); anything else counts nothing
    }
  }

  async function admitted(
    input: SelfRedeemInput,
    asker: Asker & { ticket: GuessTicket },
    mac: string,
    ip: string,
  ): Promise<SelfRedeemResult> {
    const plain = async (known?: Voucher): Promise<SelfRedeemResult> => ({
      kind: 'redeemed',
      result: await d.redemption.redeem(input, asker, known),
    });
    const code = normaliseCode(String(input.code ?? ''));
    // One read for both: the code's voucher and the device's running ones. Both may be a moment old by the time
    // the lock below is ours; every change made from them is a conditional write (a lost race is retried by the
    // redemption from a fresh read), as it was when the device's voucher was read under the lock.
    const { voucher: v, currents } = isPlausibleCode(code)
      ? await voucherAndActiveOf(reader, clock, code, mac)
      : { voucher: undefined, currents: [] as Voucher[] };
    // Wrong codes, and right codes with a wrong password, count against the asker there (no top-up, move or
    // queued start for a code whose password was not given).
    if (!v || !voucherPasswordMatches(v.row.password, input.password)) return plain();
    // The site serving the customer, found as the redemption finds it (named, else the router that sees the
    // device, else the code's own). Top-ups, queued codes, pauses and moves drive that site's router, with the
    // device's voucher there; what is a plain redemption is that site's own.
    const here = await sites.resolve(
      input,
      v.row.site_id ?? (currents.length ? siteIdOf(currents[0].row) : null),
    );
    const local = async (known: Voucher): Promise<SelfRedeemResult> => ({
      kind: 'redeemed',
      result: await here.redemption.redeem(input, asker, known),
    });
    if (!lifecycle.usableAt(v.row, here.site.id)) {
      // Another site's code: WRONG_SITE from the redemption; a running one does not move here either.
      if (await wouldMoveHere(v, mac)) throw movesNotAcrossSites();
      return local(v);
    }
    const current = currents.find((c) => siteIdOf(c.row) === here.site.id);
    const { topUps, pauses, moves } = partsOf(here);
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
          return { kind: 'redeemed', result: await queued.start(here, v, mac, ip) };
        }
        if (current && current.row.id !== v.row.id)
          return { kind: 'topped-up', topUp: await topUps.topUp(current, v, mac) };
        return local(v);
      }
      if (v.row.status !== 'active') return local(v);
      const devices = (await reader('voucher_devices')
        .where({ voucher_id: v.row.id })
        .select('mac')) as Array<{
        mac: string;
      }>;
      if (devices.some((x) => x.mac === mac)) {
        // The same code again: a paused voucher resumes; anything else is the redemption's relogin.
        if (v.row.paused_at !== null && v.row.paused_at !== undefined) {
          const out = await pauses.resume(v, mac, 'customer');
          return { kind: 'redeemed', result: out.result as RedeemResult };
        }
        return local(v);
      }
      if (devices.length < v.profile.users) return local(v);
      const moved = await moves.move(
        v,
        { mac, ip },
        { confirmed: input.confirmMove === true, provenMac: asker.provenMac },
      );
      return moved.kind === 'confirm'
        ? { kind: 'confirm-move', message: moved.message }
        : { kind: 'moved', result: moved.result };
    });
  }

  async function status(
    macInput: string,
    asker: Asker,
    site?: string | number,
  ): Promise<PortalStatus & { self: SelfServiceStatus }> {
    const mac = macOrNull(macInput);
    const siteId = mac ? await sites.ofDevice(mac, site) : undefined;
    const base = await d.redemption.status(macInput, asker, siteId);
    if (!mac || base.code === null) return { ...base, self: NO_SELF };
    const v = await activeVoucherOf(db, clock, mac, siteId);
    const waiting = await queued.queuedFor(mac, siteId);
    const self: SelfServiceStatus = {
      ...NO_SELF,
      queued: waiting.map(({ v: q }) => ({
        code: maskCode(q.row.code),
        profile: q.profileName,
        seconds: q.profile.validitySeconds,
      })),
      canStartQueued: !v && waiting.length > 0,
    };
    if (!v) return { ...base, self };
    const p = await partsOf(sites.main).pauses.state(v);
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
    deviceAddress: createDeviceAddress(db, d.sites, sites),
    async pause(macInput, asker, site) {
      const { v, mac, at } = await provenVoucher(macInput, asker, site);
      return locks.run(v.row.id, () => partsOf(at).pauses.pause(v, mac));
    },
    async resume(macInput, asker, site) {
      const { v, mac, at } = await provenVoucher(macInput, asker, site);
      return locks.run(v.row.id, async () => (await partsOf(at).pauses.resume(v, mac, 'customer')).state);
    },
    async startQueued(macInput, asker, site) {
      const mac = macOrNull(macInput);
      if (!mac) throw notYourDevice();
      const [first] = await queued.queuedFor(mac, await sites.ofDevice(mac, site));
      const last = (await db('voucher_devices')
        .where({ mac })
        .orderBy('last_seen_at', 'desc')
        .first('ip')) as { ip: string | null } | undefined;
      const proven = asker.provenMac === mac || (asker.peerIp !== null && last?.ip === asker.peerIp);
      if (!proven) throw notYourDevice();
      if (!first) throw new AppError('NOTHING_QUEUED', 'No code is waiting for this device.', 404);
      if (await activeVoucherOf(db, clock, mac, first.siteId))
        throw new AppError('ALREADY_QUEUED', 'This code is already waiting for your time to end.', 409);
      const ip = asker.peerIp ?? last?.ip;
      if (!ip) throw notYourDevice();
      const at = sites.require(first.siteId);
      return locks.run(first.v.row.id, () => queued.start(at, first.v, mac, ip));
    },
    async afterCycle(siteId = DEFAULT_SITE.id) {
      const at = sites.get(siteId);
      if (!at) return;
      const due = await selfServiceDue(db, siteId);
      if (due.paused) await partsOf(at).pauses.afterCycle();
      if (due.queued) await queued.startDue(at);
    },
    movesPerDay,
    async setMovesPerDay(value, actor) {
      const n = parseMovesPerDay(value);
      await settings.set(MOVES_PER_DAY_KEY, n, actor);
      return n;
    },
    moveOfflineMinutes,
    async setMoveOfflineMinutes(value, actor) {
      const n = parseMoveOfflineMinutes(value);
      await settings.set(MOVE_OFFLINE_MINUTES_KEY, n, actor);
      return n;
    },
  };
}

const movesNotAcrossSites = () =>
  new AppError(
    'MOVE_OTHER_SITE',
    "This code is in use at another of the shop's WiFi hotspots and cannot move to a device here: a code stays at the hotspot where it was first used. Nothing was changed.",
    409,
    'code',
  );
