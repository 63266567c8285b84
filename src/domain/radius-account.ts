/**
 * What FreeRADIUS should answer for one voucher code now: its check items (the password, its end) and reply
 * items (rates, time and data left), decided by the same policy as the router's queues (policy.ts). Pure: the
 * RADIUS accounts service writes the result into `radcheck`/`radreply`, and rewrites a voucher's rows only when
 * they differ.
 *
 * RouterOS reads `Mikrotik-Rate-Limit` as `rx/tx [burst-rx/burst-tx [threshold-rx/threshold-tx [time-rx/time-tx]]]`
 * from the router's side: rx is what the router receives from the customer (the upload). A code that has ended
 * is refused by FreeRADIUS itself (`Auth-Type := Reject`, with a Reply-Message the login page shows).
 */
import { routerBytesLeft } from './byte-cap';
import { desiredLimits, type DesiredLimits } from './policy';
import { formatRatePairBps, formatRouterDuration } from './units';
import { voucherTiming, type VoucherState } from './vouchers';

/** One row of radcheck or radreply. */
export interface RadiusItem {
  attribute: string;
  op: ':=' | '==' | '=';
  value: string;
}

export interface RadiusAccount {
  check: RadiusItem[];
  reply: RadiusItem[];
  /** What FreeRADIUS decides alone at each login (radius_accounts): null for a code that is refused. */
  login: { maxDevices: number; validitySeconds: number | null } | null;
  /** The policy's state, for logs and tests. */
  state: DesiredLimits['state'];
}

/** How often the router reports a session's bytes (Acct-Interim-Interval, seconds; RouterOS takes ≤ 300 s here). */
export const RADIUS_INTERIM_SECONDS = 60;
/** An open accounting session not heard from for this long has ended without its Stop (lost, or the router gone). */
export const STALE_AFTER_S = 3 * RADIUS_INTERIM_SECONDS + 30;
const GIGAWORD = 2 ** 32;

/**
 * `Mikrotik-Rate-Limit` for the limits: upload first, as the router's rx. A plan's queue priority (1–8) is the
 * fifth part, after the burst parts (no burst: `0/0`, thresholds at the rates, `1s`, RouterOS's defaults).
 */
export function rateLimitText(l: DesiredLimits, priority?: number): string {
  const pair = formatRatePairBps({ up: l.rateUp, down: l.rateDown });
  if (!l.burst && priority === undefined) return pair;
  const b = l.burst;
  const t = b ? formatRouterDuration(b.timeSeconds) : '1s';
  return [
    pair,
    b ? formatRatePairBps({ up: b.limitUp, down: b.limitDown }) : '0/0',
    b ? formatRatePairBps({ up: b.thresholdUp, down: b.thresholdDown }) : pair,
    `${t}/${t}`,
    ...(priority === undefined ? [] : [String(priority)]),
  ].join(' ');
}

function reject(message: string, state: DesiredLimits['state']): RadiusAccount {
  return {
    check: [{ attribute: 'Auth-Type', op: ':=', value: 'Reject' }],
    reply: [{ attribute: 'Reply-Message', op: ':=', value: message }],
    login: null,
    state,
  };
}

/** The Reply-Message of a paused code's login: the router's login page shows it. */
export const PAUSED_MESSAGE = 'This code is paused: press Resume on the WiFi status page, or type the code there';

const ENDED_MESSAGES: Record<string, string> = {
  expired: 'This code has expired',
  exhausted: 'This code has used all its data',
  'capped-waiting': 'This code has used its data: buy extra data on the WiFi login page',
  revoked: 'This code is no longer valid',
};

/**
 * What a poll decided for an active voucher: the policy's limits and the bytes the router may still let it move
 * (routerBytesLeft, null: no limit). A login written from the poll's own decision asks the policy nothing again.
 */
export interface DecidedAccess {
  limits: DesiredLimits;
  left: number | null;
}

/**
 * The account of a voucher: `password` is what the customer types (the code, or its own password), `devices` how
 * many devices may use it, `validitySeconds` its validity when it has not been used yet (FreeRADIUS starts it
 * at the first login while the controller is away). `decided`: the poll's decision for an active voucher, used
 * as it is; without it the policy is asked here (a sale, a top-up, an unused code).
 */
export function radiusAccount(
  v: VoucherState,
  password: string,
  now: number,
  tz: string,
  decided?: DecidedAccess,
): RadiusAccount {
  if (v.status !== 'unused' && v.status !== 'active')
    return reject(
      ENDED_MESSAGES[v.status] ?? 'This code is no longer valid',
      v.status === 'revoked' ? 'revoked' : 'expired',
    );
  const use = v.status === 'active' ? decided : undefined;
  // An unused code is answered what it gets once in use: the policy gives an unused one no rates yet.
  const limits =
    use?.limits ??
    desiredLimits(v.status === 'unused' ? { ...v, status: 'active', activatedAt: now } : v, now, tz);
  if (limits.state === 'expired') return reject(ENDED_MESSAGES.expired, 'expired');
  if (limits.state === 'blocked') return reject(ENDED_MESSAGES.exhausted, 'blocked');
  // Waiting for extra data: refused until it is bought (the account is rewritten then), the code kept.
  if (limits.state === 'capped-waiting') return reject(ENDED_MESSAGES['capped-waiting'], 'capped-waiting');
  if (limits.state === 'revoked') return reject(ENDED_MESSAGES.revoked, 'revoked');
  const timing = voucherTiming(v, now);
  const check: RadiusItem[] = [{ attribute: 'Cleartext-Password', op: ':=', value: password }];
  // A code in use by the clock: FreeRADIUS refuses it after its end and answers the time left (expiration module).
  if (timing.expiresAt !== null)
    check.push({ attribute: 'Expiration', op: ':=', value: String(Math.floor(timing.expiresAt / 1000)) });
  const reply: RadiusItem[] = [
    { attribute: 'Mikrotik-Rate-Limit', op: ':=', value: rateLimitText(limits, v.profile.priority) },
    { attribute: 'Acct-Interim-Interval', op: ':=', value: String(RADIUS_INTERIM_SECONDS) },
  ];
  // A shared plan (or one with a priority) runs under the hotspot user profile of its name, whose parent-queue
  // is the plan's shared queue (docs/radius.md "Shared plans"); other plans keep the server's user profile.
  if ((v.profile.contentionRatio ?? 1) > 1 || v.profile.priority !== undefined)
    reply.push({ attribute: 'Mikrotik-Group', op: ':=', value: v.profile.name });
  if (timing.remainingSeconds !== null && timing.expiresAt === null)
    reply.push({ attribute: 'Session-Timeout', op: ':=', value: String(timing.remainingSeconds) });
  // A cap that stops the voucher: the router stops the session at the bytes left (the rule every mode shares:
  // none for a staff voucher, nor while a free off-peak window runs; the login after the window gets it).
  const left = use ? use.left : routerBytesLeft(v, now, tz);
  if (left !== null) {
    reply.push({ attribute: 'Mikrotik-Total-Limit', op: ':=', value: String(left % GIGAWORD) });
    if (left >= GIGAWORD)
      reply.push({
        attribute: 'Mikrotik-Total-Limit-Gigawords',
        op: ':=',
        value: String(Math.floor(left / GIGAWORD)),
      });
  }
  const validitySeconds =
    v.status === 'unused' && v.profile.timeMode === 'wallclock' && !v.staff
      ? v.profile.validitySeconds
      : null;
  const login = { maxDevices: Math.max(1, v.profile.users), validitySeconds };
  // Paused by its customer: every login is refused (a cookie's too) until it is resumed; its login rules and
  // devices stay, and the rows it is resumed with answer the time it had.
  if (v.paused && v.status === 'active') return { ...reject(PAUSED_MESSAGE, limits.state), login };
  return { check, reply, login, state: limits.state };
}
