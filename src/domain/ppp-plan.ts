/**
 * What a site's router should hold for its subscribers over PPPoE, and what to change to get there. Pure: the
 * PPP room (src/services/network/ppp-subscribers/) reads the database and the router, asks `diffPpp`, and writes only
 * the differences through the router module.
 *
 * A monthly plan is a PPP profile `pisonet-<PLAN>`; a subscriber is a secret named by its username. Ours carry
 * `pisonet` in their comment; an object with the same name without it belongs to someone else: never written,
 * reported as a conflict.
 */
import type { Profile } from './profile-types';
import { normRates } from './queue-values';
import { tierRates, type SpeedTier } from './subscriber-policy';
import { formatRatePairBps, formatRouterDuration } from './units';

const PPP_PROFILE_PREFIX = 'pisonet-';

/** A PPP profile we want: `rate-limit` in RouterOS order, `only-one=yes`, the plan's pool when it names one. */
export interface PppProfileWant {
  name: string;
  rateLimit: string;
  /** The `/ip/pool` the plan's subscribers take addresses from; null: the PPPoE server's default profile's. */
  remoteAddress: string | null;
  comment: string;
}

export interface PppSecretWant {
  name: string;
  password: string;
  profile: string;
  comment: string;
  /** No service now (a block cap until the next cycle): the secret is disabled, so a dial is refused. */
  disabled?: boolean;
  /** Its fixed address (`remote-address`: the session always gets it); absent: from the profile's pool. */
  remoteAddress?: string;
  /**
   * The router's `.id` of the secret (not ours) this subscriber was adopted from: that one secret, by id and name,
   * is taken over in place (`adopt` below) rather than being a conflict beside which nothing can be added.
   */
  adopt?: string;
}

/** A PPP profile as the router prints it; `ours` when its comment contains `pisonet`. */
export interface PppProfileHave {
  id: string;
  name: string;
  ours: boolean;
  rateLimit: string;
  onlyOne: string;
  remoteAddress: string;
  comment: string;
}

export interface PppSecretHave {
  id: string;
  name: string;
  ours: boolean;
  password: string;
  profile: string;
  service: string;
  disabled: boolean;
  /** Its own `remote-address`; empty when it has none. */
  remoteAddress: string;
  comment: string;
}

/** Attributes to write; values as RouterOS takes them. */
export type PppAttrs = Record<string, string>;

interface PppDiff<H> {
  add: PppAttrs[];
  set: Array<{ have: H; attrs: PppAttrs }>;
  /** Ours, no longer wanted. */
  remove: H[];
  /** Wanted names held by an object without `pisonet` in its comment: left alone. */
  conflicts: string[];
  /** Objects not ours that a wanted one was adopted from (its `adopt`): written to be ours, in place. */
  adopt: Array<{ have: H; attrs: PppAttrs }>;
}

export const isOurs = (comment: string | undefined): boolean => (comment ?? '').includes('pisonet');

export const pppProfileName = (plan: string): string => `${PPP_PROFILE_PREFIX}${plan}`;

/**
 * `rx/tx [burst-rx/burst-tx threshold-rx/threshold-tx time-rx/time-tx]` from the router's side: rx is what it
 * receives from the subscriber, the upload. Bits per second, the form RouterOS prints back.
 */
export function pppRateLimit(p: Pick<Profile, 'rateUp' | 'rateDown' | 'burst'>): string {
  const pair = formatRatePairBps({ up: p.rateUp, down: p.rateDown });
  const b = p.burst;
  if (!b) return pair;
  const t = formatRouterDuration(b.timeSeconds);
  return [
    pair,
    formatRatePairBps({ up: b.rateUp, down: b.rateDown }),
    formatRatePairBps({ up: b.thresholdUp, down: b.thresholdDown }),
    `${t}/${t}`,
  ].join(' ');
}

/** A plan's own PPP profile (its `plan` tier, the first of pppProfilesFor). */
export function pppProfileFor(plan: string, p: Profile): PppProfileWant {
  return pppProfilesFor(plan, p)[0];
}

/**
 * The PPP profile of a plan's speed tier: the plan's own, or `pisonet-<PLAN>.fup` / `pisonet-<PLAN>.cap` (a dot,
 * which no plan's name may hold, so a tier's profile never takes another plan's name).
 */
function pppTierProfileName(plan: string, tier: SpeedTier): string {
  return tier === 'plan' ? pppProfileName(plan) : `${pppProfileName(plan)}.${tier}`;
}

/** The tiers a plan can put a subscriber in: FUP when it has one, the cap when it throttles. */
function planTiers(p: Profile): SpeedTier[] {
  const tiers: SpeedTier[] = ['plan'];
  if (p.fup) tiers.push('fup');
  if (p.dataCapBytes !== undefined && p.capPolicy === 'throttle' && (p.capRate ?? p.fup)) tiers.push('cap');
  return tiers;
}

const TIER_WORDS: Record<SpeedTier, string> = { plan: '', fup: ' (fair use)', cap: ' (data cap)' };

/** A plan's PPP profiles: its own, and one per slower tier it has, same pool, the tier's rates without burst. */
export function pppProfilesFor(plan: string, p: Profile): PppProfileWant[] {
  return planTiers(p).map((tier) => ({
    name: pppTierProfileName(plan, tier),
    rateLimit: pppRateLimit(tierRates(p, tier)),
    remoteAddress: p.pppPool ?? null,
    comment: `pisonet plan ${plan}${TIER_WORDS[tier]}`,
  }));
}

/** The `max-limit` a session's dynamic queue takes from a tier's profile (upload first, as the rate limit). */
export function pppMaxLimit(p: Profile, tier: SpeedTier): string {
  const r = tierRates(p, tier);
  return formatRatePairBps({ up: r.rateUp, down: r.rateDown });
}

export function pppSecretFor(s: {
  username: string;
  password: string;
  plan: string;
  accountNo: string;
  /** The speed tier it should log in at (default: the plan's own). */
  tier?: SpeedTier;
  disabled?: boolean;
  /** Its fixed address, or null. */
  staticIp?: string | null;
  /** The router's `.id` of the secret it was adopted from. */
  adoptedSecret?: string | null;
}): PppSecretWant {
  const want: PppSecretWant = {
    name: s.username,
    password: s.password,
    profile: pppTierProfileName(s.plan, s.tier ?? 'plan'),
    comment: `pisonet subscriber ${s.accountNo}`,
  };
  if (s.disabled) want.disabled = true;
  if (s.staticIp) want.remoteAddress = s.staticIp;
  if (s.adoptedSecret) want.adopt = s.adoptedSecret;
  return want;
}

function profileAttrs(w: PppProfileWant): PppAttrs {
  return {
    name: w.name,
    'rate-limit': w.rateLimit,
    'only-one': 'yes',
    'remote-address': w.remoteAddress ?? '',
    comment: w.comment,
  };
}

function profileChanges(w: PppProfileWant, h: PppProfileHave): PppAttrs {
  const c: PppAttrs = {};
  if (h.rateLimit !== w.rateLimit) c['rate-limit'] = w.rateLimit;
  if (h.onlyOne !== 'yes') c['only-one'] = 'yes';
  if (h.remoteAddress !== (w.remoteAddress ?? '')) c['remote-address'] = w.remoteAddress ?? '';
  if (h.comment !== w.comment) c.comment = w.comment;
  return c;
}

function secretAttrs(w: PppSecretWant): PppAttrs {
  const a: PppAttrs = {
    name: w.name,
    password: w.password,
    service: 'pppoe',
    profile: w.profile,
    comment: w.comment,
  };
  if (w.disabled) a.disabled = 'yes';
  if (w.remoteAddress) a['remote-address'] = w.remoteAddress;
  return a;
}

function secretChanges(w: PppSecretWant, h: PppSecretHave): PppAttrs {
  const c: PppAttrs = {};
  if (h.password !== w.password) c.password = w.password;
  if (h.service !== 'pppoe') c.service = 'pppoe';
  if (h.profile !== w.profile) c.profile = w.profile;
  if (h.disabled !== (w.disabled === true)) c.disabled = w.disabled ? 'yes' : 'no';
  // Empty: the fixed address is taken off (the router module unsets it).
  if (h.remoteAddress !== (w.remoteAddress ?? '')) c['remote-address'] = w.remoteAddress ?? '';
  if (h.comment !== w.comment) c.comment = w.comment;
  return c;
}

function diff<
  W extends { name: string; adopt?: string },
  H extends { id: string; name: string; ours: boolean },
>(
  want: readonly W[],
  have: readonly H[],
  attrs: (w: W) => PppAttrs,
  changes: (w: W, h: H) => PppAttrs,
  removable: (h: H) => boolean,
): PppDiff<H> {
  const out: PppDiff<H> = { add: [], set: [], remove: [], conflicts: [], adopt: [] };
  const wanted = new Map(want.map((w) => [w.name, w]));
  const seen = new Set<string>();
  for (const h of have) {
    const w = wanted.get(h.name);
    if (!h.ours) {
      if (w && w.adopt === h.id && !seen.has(h.name)) out.adopt.push({ have: h, attrs: changes(w, h) });
      else if (w) out.conflicts.push(h.name);
      seen.add(h.name);
      continue;
    }
    // A second object of ours with a wanted name (made by hand, or twice) goes: one name, one object.
    if (!w || seen.has(h.name)) {
      if (removable(h)) out.remove.push(h);
      continue;
    }
    seen.add(h.name);
    const c = changes(w, h);
    if (Object.keys(c).length) out.set.push({ have: h, attrs: c });
  }
  for (const w of want) if (!seen.has(w.name)) out.add.push(attrs(w));
  return out;
}

/**
 * The running sessions to end so their CPEs dial again onto the speeds they should have: a session whose dynamic
 * queue's `max-limit` is not its subscriber's wanted one (a cap reached, a plan changed), or of a disabled secret.
 * `endedFor`: the speeds each session was last ended for; a session is ended once per change, never in a loop
 * (a session that came back still different is left as it is, and said so).
 */
export function sessionsToRestart(
  sessions: ReadonlyArray<{ name: string; maxLimit: string | null }>,
  want: ReadonlyArray<Pick<PppSecretWant, 'name' | 'disabled'> & { maxLimit: string }>,
  endedFor: ReadonlyMap<string, string>,
): Array<{ name: string; maxLimit: string }> {
  const byName = new Map(want.map((w) => [w.name, w]));
  return sessions.flatMap((s) => {
    const w = byName.get(s.name);
    if (!w) return [];
    const wanted = w.disabled ? 'disabled' : w.maxLimit;
    if (!w.disabled && s.maxLimit !== null && normRates(s.maxLimit) === normRates(w.maxLimit)) return [];
    return endedFor.get(s.name) === wanted ? [] : [{ name: s.name, maxLimit: wanted }];
  });
}

/**
 * The running sessions to end so their CPEs dial again onto their fixed address: a session not at the address
 * its secret gives (once per address: `endedFor` remembers the address each was ended for), and one whose
 * secret's address was changed or taken off in this check (`readdressed`).
 */
export function sessionsToReaddress(
  sessions: ReadonlyArray<{ name: string; address: string | null }>,
  want: ReadonlyArray<Pick<PppSecretWant, 'name' | 'remoteAddress' | 'disabled'>>,
  readdressed: ReadonlySet<string>,
  endedFor: ReadonlyMap<string, string>,
): Array<{ name: string; address: string }> {
  const byName = new Map(want.map((w) => [w.name, w]));
  return sessions.flatMap((s) => {
    const w = byName.get(s.name);
    if (!w || w.disabled) return [];
    const wanted = w.remoteAddress ?? '';
    const again =
      readdressed.has(s.name) || (wanted !== '' && s.address !== wanted && endedFor.get(s.name) !== wanted);
    return again ? [{ name: s.name, address: wanted }] : [];
  });
}

/** The profiles to write: ours not wanted are removed only when they are plan profiles (`pisonet-…`). */
export function diffPppProfiles(
  want: readonly PppProfileWant[],
  have: readonly PppProfileHave[],
): PppDiff<PppProfileHave> {
  return diff(want, have, profileAttrs, profileChanges, (h) => h.name.startsWith(PPP_PROFILE_PREFIX));
}

/** The secrets to write: ours for no active or suspended subscriber go (an ended one's included). */
export function diffPppSecrets(
  want: readonly PppSecretWant[],
  have: readonly PppSecretHave[],
): PppDiff<PppSecretHave> {
  return diff(want, have, secretAttrs, secretChanges, () => true);
}

/**
 * The running sessions to end: those of an ended subscriber of the site, unless the name is wanted again (a
 * username reused by a newer subscriber) or is held by a secret that is not ours.
 */
export function sessionsToEnd(
  active: readonly string[],
  ended: readonly string[],
  want: readonly PppSecretWant[],
  foreign: readonly string[],
): string[] {
  const keep = new Set([...want.map((w) => w.name), ...foreign]);
  const gone = new Set(ended.filter((n) => !keep.has(n)));
  return active.filter((n) => gone.has(n));
}
