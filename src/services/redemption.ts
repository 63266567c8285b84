/**
 * Redeeming a code on the captive portal. The rules: trust nothing from the query string (the MAC/IP pair
 * must be a device the router sees now); a code is consumed exactly once (conditional UPDATE inside a
 * transaction, so of two devices racing only one wins); never a consumed voucher without internet and
 * never internet without a consumed voucher (router steps are undone and the claim rolled back on failure).
 * Round trips are kept to two in a row: [login ∥ queue order read] → [queue ∥ MAC binding, once the claim is
 * committed]; the router itself refuses a MAC/IP pair it does not see (unknown host IP, wrong MAC provided).
 */
import { summariseUsage } from '../domain/usage-summary';
import type { Knex } from 'knex';
import { statements } from '../db/statements';
import { isPlausibleCode, normaliseCode, voucherPasswordMatches } from '../domain/codes';
import { desiredLimits } from '../domain/policy';
import { desiredQueues } from '../domain/queues';
import type { Profile } from '../domain/profiles';
import { voucherTiming } from '../domain/vouchers';
import { normaliseMac, parseIPv4 } from '../domain/units';
import { AppError, RouterError, WrongSiteError } from '../domain/errors';
import { maskCode } from '../lib/logger';
import { confirmedLoginRefusal } from '../router/login-refusals';
import { siteOf, type ServiceDeps } from './deps';
import { DEFAULT_SITE_ID } from './sites/types';
import { recordEvent, recordEvents } from './events';
import { redemptionEvents } from './activity-events';
import { EVENT_KINDS } from '../domain/activity';
import { GuessLimiter, type Asker, type GuessTicket } from './guess-limiter';

import * as lifecycle from './voucher-lifecycle';
import type { LoginOutcome } from '../router/hotspot';
import {
  profileFromRow,
  routerUptimeLimit,
  toVoucherState,
  voucherProfile,
  type VoucherRow,
} from './voucher-state';
import { ProfileCache } from './vouchers/queries';
import type { PortalStatus, ProfileService, RedeemResult, RedemptionService, VoucherService } from './types';
import { shopName } from './settings';

const unreachable = () =>
  new AppError(
    'ROUTER_UNREACHABLE',
    'The internet service is not reachable right now. Your code was not used; please try again in a minute.',
    503,
  );
const unknownDevice = () =>
  new AppError(
    'UNKNOWN_DEVICE',
    'Your device is not connected to this WiFi hotspot. Reconnect to the WiFi and open the login page again.',
    403,
  );
/** One answer for a wrong code and a wrong password (the words follow what was sent, never the voucher). */
const invalidCode = (withPassword = false) =>
  withPassword
    ? new AppError(
        'INVALID_CODE',
        'That code or password is not valid. Check them and try again.',
        404,
        'code',
      )
    : new AppError('INVALID_CODE', 'That code is not valid. Check it and try again.', 404, 'code');
const deviceLimit = () =>
  new AppError('DEVICE_LIMIT', 'This code is already in use on another device.', 409, 'code');
const expired = () =>
  new AppError('VOUCHER_EXPIRED', 'This code has expired or its data is used up.', 410, 'code');

/** Where another site's code works (WrongSiteError); a site gone meanwhile gets the message without it. */
async function otherSite(deps: ServiceDeps, siteId: number | null): Promise<AppError> {
  const row =
    siteId === null
      ? undefined
      : ((await deps.db('sites').where({ id: siteId }).first('name', 'wifi_name')) as
          { name: string; wifi_name: string | null } | undefined);
  if (!row)
    return new AppError(
      'WRONG_SITE',
      "This code is for another of the shop's WiFi hotspots. Your code was not used; connect to that hotspot to use it.",
      409,
      'code',
    );
  const main = siteId === DEFAULT_SITE_ID;
  const wifi = (!main && row.wifi_name) || deps.config.wifiName || (await shopName(deps.settings));
  return new WrongSiteError(main ? null : row.name, wifi);
}

const notOnRouter = () =>
  new AppError(
    'VOUCHER_NOT_ON_ROUTER',
    'The hotspot is not ready for this code yet. Your code was not used; please try again in a minute.',
    503,
  );

/**
 * The hotspot's refusal of the login, in the customer's words, for the texts a real router is known to send
 * (src/router/login-refusals.ts). Any other text was checked against the device's session on the router before
 * it reached here, and is told as the router's own refusal.
 */
function refusal(err: RouterError): AppError | undefined {
  switch (confirmedLoginRefusal(err.routerMessage ?? '')) {
    case 'uptime-limit':
    case 'traffic-limit':
      return expired(); // the router's own accounting used the code up (on its login page, say)
    case 'too-many-sessions':
    case 'mac-not-allowed':
      return deviceLimit();
    case 'unknown-host':
    case 'wrong-mac':
      return unknownDevice();
    case 'bad-credentials':
      return notOnRouter(); // the voucher's hotspot user is missing or altered: the users' check repairs it
    default:
      return undefined;
  }
}

function routerFailure(err: unknown): AppError {
  // Safe mode (the database does not know this router): nothing was written; the customer needs the shop.
  if (err instanceof AppError && err.code === 'SAFE_MODE')
    return new AppError(
      'SAFE_MODE',
      'The hotspot is being set up by the shop. Your code was not used; please ask the shop for help.',
      503,
    );
  if (err instanceof AppError) return err;
  const known = err instanceof RouterError && err.code === 'ROUTER_TRAP' ? refusal(err) : undefined;
  if (known) return known;
  if (err instanceof RouterError && !err.transient && err.code !== 'ROUTER_LOGIN_FAILED') {
    return new AppError(
      'LOGIN_REFUSED',
      `The hotspot refused the login (${err.routerMessage ?? err.message}). Your code was not used.`,
      502,
    );
  }
  return unreachable();
}

type Claim = 'activate' | 'add-device' | 'relogin';

/** The feed's sale entry as the caller words it (see RedemptionService.redeem). */
type SaleEvent = { kind: string; message: string; data?: Record<string, unknown> };

interface Attempt {
  row: VoucherRow;
  profile: Profile;
  profileName: string;
  mac: string;
  ip: string;
}

export function createRedemptionService(
  deps: ServiceDeps,
  _d: {
    profiles: ProfileService;
    vouchers: VoucherService;
    /** Shared by every site's redemption, so a guesser gets no more tries for there being more routers. */
    limiter?: GuessLimiter;
  },
): RedemptionService & { limiter: GuessLimiter } {
  const { db, clock, router, hotspot, config, log } = deps;
  const site = siteOf(deps);
  // Lookups go to the read connection so they do not queue behind other customers' writes; a retry after a
  // lost race reads through the writing connection.
  const reader = deps.reader ?? db;
  const limiter = _d.limiter ?? new GuessLimiter(clock);

  /**
   * Takes the voucher (or a device slot on it) in the database; returns false when another device won the
   * race. The device row is marked as a login in progress until record() confirms it: a controller killed
   * before that leaves the mark for recoverInterruptedLogins() to finish or undo.
   */
  async function claim(kind: Claim, a: Attempt, now: number): Promise<boolean> {
    const pending = kind === 'relogin' ? {} : { login_pending_at: now, claim_activated: kind === 'activate' };
    const device = (q: Knex) =>
      q('voucher_devices')
        .insert({
          voucher_id: a.row.id,
          mac: a.mac,
          ip: a.ip,
          connected: true,
          first_seen_at: now,
          last_seen_at: now,
          baseline_up: 0,
          baseline_down: 0,
          ...pending,
        })
        .onConflict(['voucher_id', 'mac'])
        .merge({ ip: a.ip, connected: true, last_seen_at: now, ...pending });
    if (kind === 'activate') {
      // Two statements, no transaction (this is the customer's critical path, on one database connection):
      // the device row first, marked as a claim in progress, so a controller killed between the two leaves
      // something settleInterruptedLogins() can clean up; then the conditional activation. Plain SQL
      // (src/db/statements.ts): the query builder's cost was a third of a redemption's CPU.
      await statements(db).run(
        `INSERT INTO voucher_devices
           (voucher_id, mac, ip, connected, first_seen_at, last_seen_at, baseline_up, baseline_down,
            login_pending_at, claim_activated)
         VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?)
         ON CONFLICT (voucher_id, mac) DO UPDATE SET ip = excluded.ip, connected = excluded.connected,
           last_seen_at = excluded.last_seen_at, login_pending_at = excluded.login_pending_at,
           claim_activated = excluded.claim_activated`,
        [a.row.id, a.mac, a.ip, true, now, now, now, true],
      );
      if (await lifecycle.activateNow(db, a.row, activationOf(a, now))) return true;
      await statements(db).run('DELETE FROM voucher_devices WHERE voucher_id = ? AND mac = ?', [
        a.row.id,
        a.mac,
      ]);
      return false; // another device won the race
    }
    return db.transaction(async (trx) => {
      if (kind === 'add-device') {
        const [{ n }] = (await trx('voucher_devices').where({ voucher_id: a.row.id }).count({ n: '*' })) as {
          n: number;
        }[];
        if (Number(n) >= a.profile.users) throw deviceLimit();
      }
      await device(trx);
      return true;
    });
  }

  const activationOf = (a: Attempt, now: number): lifecycle.Activation => ({
    at: now,
    profile: a.profile,
    mac: a.mac,
    bindingOnRouter: a.profile.users === 1,
    siteId: site.id,
  });

  /** Undoes a claim whose login failed: the device slot is freed, and an activation released (its clock never ran). */
  async function unclaim(kind: Claim, a: Attempt): Promise<void> {
    if (kind === 'relogin') return;
    await db.transaction(async (trx) => {
      await trx('voucher_devices').where({ voucher_id: a.row.id, mac: a.mac }).delete();
      if (kind === 'activate') await lifecycle.release(trx, a.row.id, clock.now());
    });
  }

  /** Confirmations and feed events still being written; `settled()` waits for them (closing the database, tests). */
  const recording = new Set<Promise<void>>();
  function track(p: Promise<void>): void {
    recording.add(p);
    void p.finally(() => recording.delete(p));
  }

  /** At most two single statements, no transaction; run after the customer has their answer. */
  async function record(a: Attempt, out: LoginOutcome, now: number): Promise<void> {
    // A user added again (router reset) has a new id. The MAC binding was marked at activation.
    const sql = statements(db);
    if (out.routerUserId !== a.row.router_user_id) {
      await sql.run('UPDATE vouchers SET router_user_id = ?, router_synced_at = ? WHERE id = ?', [
        out.routerUserId,
        now,
        a.row.id,
      ]);
    }
    // The login is confirmed. A new queue starts counting at zero; a queue we took over keeps the baseline
    // that belongs to it.
    const fresh = 'counter_queue_id IS NULL OR counter_queue_id <> ?';
    await sql.run(
      `UPDATE voucher_devices
          SET login_pending_at = NULL, claim_activated = ?,
              baseline_up = CASE WHEN ${fresh} THEN 0 ELSE baseline_up END,
              baseline_down = CASE WHEN ${fresh} THEN 0 ELSE baseline_down END,
              counter_queue_id = ?
        WHERE voucher_id = ? AND mac = ?`,
      [false, out.queueId, out.queueId, out.queueId, a.row.id, a.mac],
    );
  }

  /**
   * The claim in the database and the login on the router go at the same time (the database's work hides in
   * the router's first round trip); the device's queue and MAC binding wait until the claim is known to be won.
   * A claim lost to another device undoes the login; a login that fails releases the claim.
   */
  async function connect(kind: Claim, a: Attempt, sale?: SaleEvent): Promise<RedeemResult | 'lost'> {
    const now = clock.now();
    const claimed = claim(kind, a, now);
    claimed.catch(() => undefined); // its error is read below, after the router's side is undone
    // A won claim whose login fails is given back once: before the router's side is undone (loginDevice runs
    // it then, see releaseClaim there), or below if the login never got that far.
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => (released ??= unclaim(kind, a));
    const row: VoucherRow =
      kind === 'activate' ? { ...a.row, ...lifecycle.activationFields(a.row, activationOf(a, now)) } : a.row;
    const state = toVoucherState(row, a.profile);
    const limits = desiredLimits(state, now, config.tz);
    const queue = desiredQueues(
      [{ voucher: state, devices: [{ mac: a.mac, ip: a.ip, connected: true }] }],
      now,
      config.tz,
    ).queues[0];
    try {
      if (!queue) throw expired();
      const out = await hotspot.loginDevice({
        proceed: claimed.then(
          (won) => won,
          () => false,
        ),
        code: row.code,
        mac: a.mac,
        ip: a.ip,
        bindMac: a.profile.users === 1 && kind === 'activate',
        // A roaming voucher not used yet has a user on every router; this router's is found by its name.
        routerUserId: a.row.site_id === null ? null : row.router_user_id,
        user: {
          id: row.id,
          code: row.code,
          password: row.password ?? null,
          profileName: a.profileName,
          limitSeconds: routerUptimeLimit(a.profile, row.extra_seconds, Boolean(row.staff)),
          mac: a.profile.users === 1 ? a.mac : null,
        },
        queue,
        firstDynamicQueue: dynamicQueue(),
        releaseClaim: release,
      });
      // The customer is online and the voucher is theirs: the confirmation is bookkeeping and does not hold up
      // the answer. If it never lands (controller killed, disk error), the mark left by the claim is settled
      // from the router's sessions at a later poll (settleInterruptedLogins), and the poll adopts the queue.
      track(
        record(a, out, now).catch((e: Error) =>
          log.error(
            { err: e.message, voucher: maskCode(row.code) },
            'redemption: confirming the login failed',
          ),
        ),
      );
    } catch (err) {
      // A claim that failed or was lost: nothing of ours to release (its own error, if any, is the answer).
      if (!(await claimed)) return 'lost';
      await release().catch((e: Error) => log.error({ err: e.message }, 'redemption rollback failed'));
      log.warn(
        { code: maskCode(row.code), mac: a.mac, err: (err as Error).message },
        'redemption failed; rolled back',
      );
      throw routerFailure(err);
    }
    // A sale or a customer back online: the shop's log shows it, with the code masked (it is the customer's key).
    const masked = maskCode(row.code);
    log.info(
      {
        module: 'portal',
        event: kind === 'relogin' ? 'login' : 'redeem',
        voucher: masked,
        mac: a.mac,
        ip: a.ip,
      },
      kind === 'activate'
        ? `voucher ${masked} redeemed on the portal (${a.profileName}) by ${a.mac}`
        : kind === 'add-device'
          ? `voucher ${masked} redeemed on the portal by another device, ${a.mac}`
          : `voucher ${masked} logged in again on the portal by ${a.mac}`,
    );
    // The dashboard's feed: the sale and the login, in one write after the answer (like the confirmation above);
    // the customer is online whatever it does.
    track(
      recordEvents(
        db,
        clock,
        redemptionEvents({
          voucherId: row.id,
          staff: Boolean(row.staff),
          price: row.price,
          profile: a.profileName,
          first: kind === 'activate',
          again: kind === 'relogin',
          mac: a.mac,
          ip: a.ip,
          via: 'portal',
        }).map((e) => (sale && e.kind === EVENT_KINDS.sale ? { ...sale, voucherId: row.id } : e)),
      ).catch((e: Error) => log.error({ err: e.message }, 'could not record the redemption events')),
    );
    return {
      code: row.code,
      profile: a.profileName,
      expiresAt: row.expires_at === null ? null : Number(row.expires_at),
      rateUp: limits.rateUp,
      rateDown: limits.rateDown,
      relogin: kind === 'relogin',
    };
  }

  /** What to do with this voucher for this device, or the refusal. */
  async function decide(a: Attempt): Promise<Claim> {
    const { row } = a;
    if (row.status === 'revoked')
      throw new AppError('VOUCHER_REVOKED', 'This code has been cancelled by the shop.', 410, 'code');
    if (row.status === 'expired' || row.status === 'exhausted') throw expired();
    if (!lifecycle.usableAt(row, site.id)) throw await otherSite(deps, row.site_id ?? null);
    if (row.status === 'unused') return 'activate';
    if (voucherTiming(toVoucherState(row, a.profile), clock.now()).expired) throw expired();
    const devices = await reader('voucher_devices').where({ voucher_id: row.id }).select('mac');
    if (devices.some((d) => d.mac === a.mac)) return 'relogin';
    if (devices.length < a.profile.users) return 'add-device';
    throw deviceLimit();
  }

  /**
   * The topmost dynamic queue, read at most once per round trip however many redemptions run at once:
   * a redemption that starts while a read is in flight shares it (the answer is at most one round trip old).
   */
  let dynamicRead: Promise<string | undefined> | undefined;
  function dynamicQueue(): Promise<string | undefined> {
    dynamicRead ??= hotspot.topDynamicQueue().finally(() => (dynamicRead = undefined));
    return dynamicRead;
  }

  /** Many wrong codes shop-wide within a minute: someone is guessing. Told once per minute. */
  async function reportGuessCeiling(): Promise<void> {
    log.warn({ module: 'portal' }, 'many wrong voucher codes this minute: someone may be guessing codes');
    await recordEvent(db, clock, {
      kind: 'guessing',
      level: 'warn',
      message: 'Many wrong voucher codes were tried on the portal within a minute; guessers are slowed down.',
    }).catch(() => undefined);
  }

  async function redeem(
    input: { code: string; password?: string; mac: string; ip: string; site?: string | number },
    asker?: Asker & { ticket?: GuessTicket },
    known?: FoundVoucher,
    sale?: SaleEvent,
  ): Promise<RedeemResult> {
    let mac: string;
    let ip: string;
    try {
      mac = normaliseMac(input.mac);
      ip = parseIPv4(input.ip, 'ip');
    } catch {
      throw unknownDevice();
    }
    // A code someone typed is limited by who asks (guess-limiter.ts), never by the device the body names. A
    // code the controller itself holds (no asker: a queued code starting, a resume, a move's login, a vendo's
    // sale) is no guess. A caller that admitted the asker already (the self-service prelude) hands its ticket.
    const ticket =
      asker?.ticket ?? (asker ? await limiter.admit({ ...asker, device: { mac, ip } }) : undefined);
    try {
      if (!router.status.connected) throw unreachable();
      const code = normaliseCode(String(input.code ?? ''));
      // A caller that has just read this voucher (the self-service prelude) hands it over: one lookup less.
      const looked =
        known && normaliseCode(known.row.code) === code
          ? known
          : isPlausibleCode(code)
            ? await findRow(reader, { code })
            : undefined;
      // A typed code whose voucher has a separate password is found only with it: a wrong password is answered
      // and counted as a wrong code, so a guesser never learns that the code was right.
      const found =
        looked && (!asker || voucherPasswordMatches(looked.row.password, input.password))
          ? looked
          : undefined;
      if (!found) {
        // Looked up and wrong: the asker is told so (429 means a code was not looked up at all); the next
        // request learns of the lock the count may have brought.
        if (ticket && (await ticket.fail()).ceilingReached) await reportGuessCeiling();
        throw invalidCode(Boolean(input.password));
      }
      ticket?.release(); // a real code: nothing is counted, whatever happens next
      for (let attempt = 0; attempt < 3; attempt++) {
        const { row, profileName, profile } =
          attempt === 0 ? found : ((await findRow(db, { id: found.row.id })) as FoundVoucher);
        const a: Attempt = { row, profile, profileName, mac, ip };
        const result = await connect(await decide(a), a, sale);
        if (result !== 'lost') return result;
      }
      throw deviceLimit();
    } finally {
      if (ticket !== asker?.ticket) ticket?.release();
    }
  }

  return {
    redeem,
    status: (mac, asker, siteId) => portalStatus(deps, mac, asker, siteId),
    settled: async () => {
      while (recording.size) await Promise.all([...recording]);
    },
    limiter,
  };
}

export interface FoundVoucher {
  row: VoucherRow;
  profileName: string;
  profile: Profile;
}

/** The voucher and its profile in one query (the portal's hot path: plain SQL, src/db/statements.ts). */
async function findRow(
  db: Knex,
  where: { code: string } | { id: number },
): Promise<FoundVoucher | undefined> {
  const byCode = 'code' in where;
  const r = await statements(db).get<VoucherRow & { profile_name: string; profile_spec: string }>(
    `SELECT v.*, p.name AS profile_name, p.spec AS profile_spec
       FROM vouchers v JOIN profiles p ON p.id = v.profile_id
      WHERE ${byCode ? 'UPPER(v.code)' : 'v.id'} = ? LIMIT 1`,
    [byCode ? where.code : where.id],
  );
  if (!r) return undefined;
  const { profile_name, profile_spec, ...row } = r;
  return {
    row: row as VoucherRow,
    profileName: profile_name,
    profile: profileFromRow({ spec: profile_spec }),
  };
}

/** What the status page shows for the device's current (or last) voucher; nothing for anyone else. */
async function portalStatus(
  deps: ServiceDeps,
  macInput: string,
  asker: { provenMac: string | null; peerIp: string | null },
  siteId?: number,
): Promise<PortalStatus> {
  const { db, clock, config } = deps;
  const none: PortalStatus = {
    active: false,
    code: null,
    profile: null,
    remainingSeconds: null,
    usage: summariseUsage({ bytesUp: 0, bytesDown: 0, countedBytes: 0 }, {}),
    throttled: false,
    rateUp: null,
    rateDown: null,
    ended: null,
    clockRunning: false,
    identified: false,
  };
  let mac: string;
  try {
    mac = normaliseMac(macInput);
  } catch {
    return none;
  }
  const found = (await db('voucher_devices as d')
    .join('vouchers as v', 'v.id', 'd.voucher_id')
    .where('d.mac', mac)
    .modify((q) => {
      if (siteId !== undefined) void q.where('v.site_id', siteId);
    })
    .orderByRaw("CASE WHEN v.status = 'active' THEN 0 ELSE 1 END")
    .orderBy('v.activated_at', 'desc')
    .select('v.*')
    .first()) as VoucherRow | undefined;
  // A browser holding this device's cookie is told it has nothing; anyone else is told nothing.
  if (!found) return { ...none, identified: asker.provenMac === mac };
  const row = found;
  // The device proves itself: its signed cookie, or asking from the address it uses on the hotspot.
  const device = (await db('voucher_devices').where({ voucher_id: row.id, mac }).first('ip', 'connected')) as
    { ip: string | null; connected: number | boolean } | undefined;
  const proven = asker.provenMac === mac || (asker.peerIp !== null && device?.ip === asker.peerIp);
  if (!proven) return none;
  const p = await new ProfileCache(db).byId(row.profile_id);
  const now = clock.now();
  const limits = desiredLimits(toVoucherState(row, p.profile), now, config.tz);
  const timing = voucherTiming(toVoucherState(row, p.profile), now);
  const active = row.status === 'active' && !timing.expired;
  // Against the voucher's own limits (codes added to it raise them): after a top-up, "90 % of your data used" is
  // no longer shown until it is true of the raised cap. Data left is the cap minus the counted bytes.
  const own = voucherProfile(row, p.profile);
  const usage = summariseUsage(
    { bytesUp: row.bytes_up, bytesDown: row.bytes_down, countedBytes: row.counted_bytes },
    { capBytes: own.dataCapBytes, fupThresholdBytes: own.fup?.thresholdBytes },
  );
  return {
    active,
    // Masked: enough for the customer to recognise their code, useless to anyone reading over a shoulder.
    code: maskCode(row.code),
    profile: p.row.name,
    remainingSeconds: active ? timing.remainingSeconds : 0,
    usage,
    throttled: limits.state === 'fup' || limits.state === 'capped-throttle',
    rateUp: active ? limits.rateUp : null,
    rateDown: active ? limits.rateDown : null,
    ended: active
      ? null
      : row.status === 'revoked' || row.status === 'exhausted'
        ? row.status
        : row.status === 'expired' || timing.expired
          ? 'expired'
          : null,
    clockRunning:
      active &&
      timing.remainingSeconds !== null &&
      (p.profile.timeMode !== 'uptime' || Boolean(device?.connected)),
    identified: true,
  };
}
