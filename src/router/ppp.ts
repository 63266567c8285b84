/**
 * The router's PPP objects that carry our subscribers: `/ppp/profile` (a plan), `/ppp/secret` (a subscriber)
 * and `/ppp/active` (their running sessions), as the PPP room (src/services/network/ppp-subscribers/) asks for them.
 * Ours carry `pisonet` in their comment; this module refuses to add, change or remove anything else.
 */
import { RouterError } from '../domain/errors';
import { isOurs, type PppAttrs, type PppProfileHave, type PppSecretHave } from '../domain/ppp-plan';
import { eachRow, uptime } from './hotspot/row-parse';
import type { RosRow, RouterClient } from './types';

const PROFILE_MENU = '/ppp/profile';
const SECRET_MENU = '/ppp/secret';
const ACTIVE_MENU = '/ppp/active';
const INTERFACE_MENU = '/interface';
/** What the poll reads of each session, every poll, on routers with thousands: only what the meter books. */
const SESSION_PROPS = ['.id', 'name', 'address', 'caller-id', 'uptime', 'session-id'];
const COUNTER_PROPS = ['name', 'rx-byte', 'tx-byte'];
const QUEUE_MENU = '/queue/simple';

const PROFILE_PROPS = ['.id', 'name', 'rate-limit', 'only-one', 'remote-address', 'comment'];
const SECRET_PROPS = [
  '.id',
  'name',
  'password',
  'profile',
  'service',
  'disabled',
  'remote-address',
  'comment',
];

/**
 * A subscriber's running PPP session with its cumulative byte counters: here the router's `/ppp/active` row and its
 * dynamic `<pppoe-NAME>` interface's counters (rx: what the subscriber sent); the usage poll's reading of a
 * session whatever its source (usage/source.ts SubscriberSessionReading: RADIUS accounting gives the same). A new
 * session (a redial, a reboot) is a new `id` counting from zero.
 */
export interface PppSessionCounters {
  /**
   * Stable while the session counts, never reused for another session: the router's `.id` and `session-id` joined
   * (a reboot may reuse the first, never both with the counters going on), an Acct-Session-Id.
   */
  id: string;
  /** The subscriber's login name (the PPP secret's name, RADIUS's User-Name). */
  username: string;
  /** The address the session was given (the suspension list and /portal/account follow it); null when unknown. */
  address: string | null;
  /** The CPE's MAC (caller-id / Calling-Station-Id), '' when unknown. */
  callerId: string;
  /** Bytes the subscriber sent (the router's rx) and received, since the session began. */
  up: number;
  down: number;
  /** Bits per second now, for the live pages (0 when the source does not know). */
  rateUp: number;
  rateDown: number;
  uptimeSeconds: number;
}

function notOurs(what: string, name: string): RouterError {
  return new RouterError(
    'ROUTER_DUPLICATE',
    `${what} ${name} on the router has no "pisonet" in its comment: not ours, left alone`,
  );
}

function mustBeOurs(what: string, have: { name: string; ours: boolean }, attrs?: PppAttrs): void {
  if (!have.ours) throw notOurs(what, have.name);
  // A change of comment must keep the mark, or the object would leave our hands.
  if (attrs?.comment !== undefined && !isOurs(attrs.comment)) throw notOurs(what, have.name);
}

/** A secret's own address is taken off by `unset` (RouterOS takes no empty address). */
const SECRET_UNSET_EMPTY = ['remote-address'] as const;

/** Writes `attrs` to one object: those in `unsetEmpty` given empty are unset, the rest set. */
async function writeAttrs(
  router: RouterClient,
  menu: string,
  id: string,
  attrs: PppAttrs,
  unsetEmpty: readonly string[],
): Promise<void> {
  const unset = unsetEmpty.filter((k) => attrs[k] === '');
  const rest = Object.fromEntries(Object.entries(attrs).filter(([k]) => !unset.includes(k)));
  if (Object.keys(rest).length) await router.set(menu, id, rest);
  for (const k of unset) await router.command(`${menu}/unset`, { numbers: id, 'value-name': k });
}

export type RouterPpp = ReturnType<typeof createRouterPpp>;

export function createRouterPpp(router: RouterClient) {
  const profile = ourObjects(router, PROFILE_MENU, 'PPP profile');
  const secret = ourObjects(router, SECRET_MENU, 'PPP secret', SECRET_UNSET_EMPTY);
  return {
    profiles: () => readProfiles(router),
    secrets: () => readSecrets(router),
    /** The running PPP sessions' names and the addresses they were given. */
    async activeSessions() {
      const rows = await router.print(ACTIVE_MENU, { proplist: ['.id', 'name', 'address'] });
      return rows.map((r) => ({ name: r.name ?? '', address: r.address || null }));
    },
    /** The name of the running PPP session holding this address (the address it was given), or null. */
    async sessionAt(address: string) {
      // The router filters: one row at most, whatever the number of subscribers online.
      const rows = await router.print(ACTIVE_MENU, {
        proplist: ['name', 'address'],
        query: [`address=${address}`],
      });
      return rows.find((r) => r.address === address)?.name ?? null;
    },
    addProfile: profile.add,
    setProfile: profile.set,
    removeProfile: profile.remove,
    addSecret: secret.add,
    setSecret: secret.set,
    /**
     * Makes a secret that is not ours ours, in place (an adopted subscriber's): refused unless the change writes
     * `pisonet` into its comment, so it never changes what stays someone else's.
     */
    async adoptSecret(have: PppSecretHave, attrs: PppAttrs) {
      if (!isOurs(attrs.comment)) throw notOurs('PPP secret', have.name);
      await writeAttrs(router, SECRET_MENU, have.id, attrs, SECRET_UNSET_EMPTY);
    },
    removeSecret: secret.remove,
    /** The running sessions with their byte counters, read in two pipelined prints. */
    sessions: () => readSessions(router),
    /**
     * The `max-limit` of each running session's dynamic queue `<pppoe-NAME>`, by session name: the speed the session
     * took at login, which no later change of its secret or profile reaches.
     */
    sessionLimits: () => readSessionLimits(router),
    /** Ends every running session of this name (none: nothing to do). */
    async endSession(name: string) {
      const rows = await router.print(ACTIVE_MENU, { proplist: ['.id'], query: [`name=${name}`] });
      const ids = rows.map((r) => r['.id']).filter((id): id is string => Boolean(id));
      if (ids.length) await router.remove(ACTIVE_MENU, ids);
      return ids.length;
    },
  };
}

/** Adds, changes and removes in a menu, each refused unless the object is ours (and stays ours). */
function ourObjects(router: RouterClient, menu: string, what: string, unsetEmpty: readonly string[] = []) {
  return {
    async add(attrs: PppAttrs): Promise<string> {
      if (!isOurs(attrs.comment)) throw notOurs(what, attrs.name ?? '');
      return router.add(menu, attrs);
    },
    async set(have: { id: string; name: string; ours: boolean }, attrs: PppAttrs): Promise<void> {
      mustBeOurs(what, have, attrs);
      await writeAttrs(router, menu, have.id, attrs, unsetEmpty);
    },
    async remove(have: { id: string; name: string; ours: boolean }): Promise<void> {
      mustBeOurs(what, have);
      await router.remove(menu, have.id);
    },
  };
}

async function readProfiles(router: RouterClient): Promise<PppProfileHave[]> {
  const rows = await router.print(PROFILE_MENU, { proplist: PROFILE_PROPS });
  return rows.map((r) => ({
    id: r['.id'] ?? '',
    name: r.name ?? '',
    ours: isOurs(r.comment),
    rateLimit: r['rate-limit'] ?? '',
    onlyOne: r['only-one'] ?? 'default',
    remoteAddress: r['remote-address'] ?? '',
    comment: r.comment ?? '',
  }));
}

async function readSecrets(router: RouterClient): Promise<PppSecretHave[]> {
  const rows = await router.print(SECRET_MENU, { proplist: SECRET_PROPS });
  return rows.map((r) => ({
    id: r['.id'] ?? '',
    name: r.name ?? '',
    ours: isOurs(r.comment),
    password: r.password ?? '',
    profile: r.profile ?? 'default',
    service: r.service ?? 'any',
    disabled: r.disabled === 'true' || r.disabled === 'yes',
    remoteAddress: r['remote-address'] ?? '',
    comment: r.comment ?? '',
  }));
}

/** A `<pppoe-NAME>` interface's session name, or undefined for another interface. */
function pppoeUser(ifname: string | undefined): string | undefined {
  return ifname !== undefined && ifname.startsWith('<pppoe-') && ifname.endsWith('>')
    ? ifname.slice(7, -1)
    : undefined;
}

/**
 * The active sessions with their interface's byte counters: the two prints sent at once, their rows taken as they
 * arrive, in any interleaving (printEach lends each row: only its values are kept), and joined by name at the end.
 * A poll reads this beside the hotspot's prints with thousands of subscribers online, so a row makes one object,
 * the session's, as a device's queue row does.
 */
async function readSessions(router: RouterClient): Promise<PppSessionCounters[]> {
  const sessions: PppSessionCounters[] = [];
  // Each `<pppoe-NAME>` interface's counters by NAME (RouterOS's interface names are unique).
  const rx = new Map<string, number>();
  const tx = new Map<string, number>();
  const session = (r: RosRow): void => {
    sessions.push({
      id: `${r['.id'] ?? ''}/${r['session-id'] ?? ''}`,
      username: r.name ?? '',
      address: r.address || null,
      callerId: r['caller-id'] ?? '',
      up: 0,
      down: 0,
      rateUp: 0,
      rateDown: 0,
      uptimeSeconds: uptime(r.uptime),
    });
  };
  const counter = (r: RosRow): void => {
    const user = pppoeUser(r.name);
    if (user === undefined) return;
    rx.set(user, Number(r['rx-byte'] ?? 0) || 0);
    tx.set(user, Number(r['tx-byte'] ?? 0) || 0);
  };
  await Promise.all([
    eachRow(router, ACTIVE_MENU, { proplist: SESSION_PROPS }, session),
    eachRow(router, INTERFACE_MENU, { proplist: COUNTER_PROPS, query: ['type=pppoe-in'] }, counter),
  ]);
  for (const s of sessions) {
    s.up = rx.get(s.username) ?? 0;
    s.down = tx.get(s.username) ?? 0;
  }
  return sessions;
}

/** Each session's dynamic queue's max-limit, by user name. */
async function readSessionLimits(router: RouterClient): Promise<Map<string, string>> {
  const rows = await router.print(QUEUE_MENU, { proplist: ['name', 'max-limit'], query: ['dynamic=true'] });
  const out = new Map<string, string>();
  for (const r of rows) {
    const m = /^<pppoe-(.+)>$/.exec(r.name ?? '');
    if (m && !out.has(m[1])) out.set(m[1], r['max-limit'] ?? '');
  }
  return out;
}
