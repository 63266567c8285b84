/**
 * What FreeRADIUS should answer for one subscriber on a RADIUS site: its check items (the password, and that the
 * login is a PPP one) and reply items (the plan's speeds, the interim interval, the suspension's address list).
 * Pure: the RADIUS subscribers room (src/services/network/radius/subscribers.ts) writes the result into
 * `radcheck`/`radreply` and rewrites a subscriber's rows only when they differ. An ended subscriber has no rows at
 * all: FreeRADIUS refuses a user it does not know.
 */
import type { Profile } from './profile-types';
import { pppRateLimit } from './ppp-plan';
import type { DesiredLimits } from './policy';
import { RADIUS_INTERIM_SECONDS, rateLimitText, type RadiusAccount, type RadiusItem } from './radius-account';
import { SUSPENDED_LIST } from './suspended-list';

interface SubscriberLogin {
  password: string;
  /** The plan's speeds (and burst), as the subscriber's PPP profile has them on an API site. */
  plan: Pick<Profile, 'rateUp' | 'rateDown' | 'burst' | 'pppPool'>;
  suspended: boolean;
  /**
   * The speeds the policy decided for this cycle (subscriber-policy.ts: the plan's, FUP, a cap that throttles,
   * off-peak); absent: the plan's.
   */
  speeds?: DesiredLimits;
  /** Refused until the next cycle (a cap that blocks): Reject with this message. */
  blocked?: string;
  /** Its fixed address (`Framed-IP-Address`, in the place of the plan's pool), or null. */
  staticIp?: string | null;
}

export type SubscriberRows = Pick<RadiusAccount, 'check' | 'reply'>;

/**
 * The rows of a subscriber that may log in: its password, `Service-Type == Framed-User` and
 * `Framed-Protocol == PPP` (FreeRADIUS takes `==` items as conditions on the request: the same name and password
 * typed on a hotspot login page is refused), and what the Accept carries. `Mikrotik-Rate-Limit` is in RouterOS
 * order (upload first, the router's rx), burst included, exactly as the plan's PPP profile on an API site.
 */
export function subscriberRows(s: SubscriberLogin): SubscriberRows {
  if (s.blocked !== undefined)
    return {
      check: [{ attribute: 'Auth-Type', op: ':=', value: 'Reject' }],
      reply: [{ attribute: 'Reply-Message', op: ':=', value: s.blocked }],
    };
  const reply: RadiusItem[] = [
    {
      attribute: 'Mikrotik-Rate-Limit',
      op: ':=',
      value: s.speeds ? rateLimitText(s.speeds) : pppRateLimit(s.plan),
    },
    { attribute: 'Acct-Interim-Interval', op: ':=', value: String(RADIUS_INTERIM_SECONDS) },
  ];
  // Its fixed address, as its secret's remote-address is on an API site; else the plan's pool (an `/ip/pool` on
  // the router), as its PPP profile's remote-address is.
  if (s.staticIp) reply.push({ attribute: 'Framed-IP-Address', op: ':=', value: s.staticIp });
  else if (s.plan.pppPool) reply.push({ attribute: 'Framed-Pool', op: ':=', value: s.plan.pppPool });
  if (s.suspended) reply.push({ attribute: 'Mikrotik-Address-List', op: ':=', value: SUSPENDED_LIST });
  return {
    check: [
      { attribute: 'Cleartext-Password', op: ':=', value: s.password },
      { attribute: 'Service-Type', op: '==', value: 'Framed-User' },
      { attribute: 'Framed-Protocol', op: '==', value: 'PPP' },
    ],
    reply,
  };
}

/** What a running session needs told when its rows change: its rate, and whether it is in the suspended list. */
export interface SessionAnswer {
  rate: string;
  suspended: boolean;
  /** The fixed address it was given; null or absent: one from a pool. */
  address?: string | null;
}

/** The answer a login gets from these rows (null: refused). */
export function answerOf(rows: SubscriberRows | undefined): SessionAnswer | null {
  if (!rows || rows.check.some((i) => i.attribute === 'Auth-Type' && i.value === 'Reject')) return null;
  const rate = rows.reply.find((i) => i.attribute === 'Mikrotik-Rate-Limit')?.value ?? '';
  const suspended = rows.reply.some(
    (i) => i.attribute === 'Mikrotik-Address-List' && i.value === SUSPENDED_LIST,
  );
  const address = rows.reply.find((i) => i.attribute === 'Framed-IP-Address')?.value ?? null;
  return { rate, suspended, address };
}

/**
 * What to send a running session so it matches what its next login would get: nothing, a CoA-Request with these
 * attributes, or a Disconnect-Request. Leaving the suspended list is a Disconnect: RouterOS documents no way to
 * take a session out of an address list by CoA (docs/radius.md "Subscribers"), so the CPE dials again and its new
 * session is answered without the list.
 */
type SessionAction =
  | { kind: 'none' }
  | { kind: 'coa'; attributes: Array<[string, string]> }
  | { kind: 'disconnect'; why: 'ended' | 'blocked' | 'resumed' | 'readdressed' };

export function sessionAction(
  given: SessionAnswer,
  want: SessionAnswer | null,
  ended: boolean,
): SessionAction {
  if (want === null) return { kind: 'disconnect', why: ended ? 'ended' : 'blocked' };
  if (given.suspended && !want.suspended) return { kind: 'disconnect', why: 'resumed' };
  // A session keeps the address it took at login: a new fixed address (or one taken off) needs a new login.
  if ((given.address ?? null) !== (want.address ?? null)) return { kind: 'disconnect', why: 'readdressed' };
  const attributes: Array<[string, string]> = [];
  if (want.rate !== given.rate) attributes.push(['Mikrotik-Rate-Limit', want.rate]);
  if (want.suspended && !given.suspended) attributes.push(['Mikrotik-Address-List', SUSPENDED_LIST]);
  return attributes.length ? { kind: 'coa', attributes } : { kind: 'none' };
}
