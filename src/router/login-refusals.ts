/**
 * What a refusal of `/ip/hotspot/active/login` means. The trap carries no reliable category, and MikroTik does
 * not document this command's errors (docs/routeros.md "Login refusals", which lists every text below with its
 * source), so a refusal is read from its text only when that text is one a real router is known to send.
 *
 * Observed texts (`confirmedLoginRefusal` returns their kind): what code running against real routers sees
 * (`invalid username or password`, `unknown host IP <ip>`, `wrong MAC provided`) and the hotspot's own account
 * messages as its default error page words them (`user <name> has reached uptime limit`, `… traffic limit`,
 * `no more sessions are allowed for user <name>`, `user <name> is not allowed to log in from this MAC address`,
 * `invalid username (<name>): this MAC address is not yours`).
 *
 * Unconfirmed texts: our simulator's older words (`uptime limit reached`, `your MAC address is not allowed`, …)
 * and our guesses for a device that is logged in already (`already authorized`, `already logged in`). They still
 * classify (classifyLoginRefusal), but nothing is decided on them: like any text we do not know, the login
 * reads what the router holds for the device (`heldLogin`) and acts on that. Anything else is `other`: in
 * particular the API's own `invalid user name or password (6)` (the controller's router account, not a
 * customer's code) and the licence's `session limit reached (…)`, which a loose `/limit reached/` would have
 * taken for a used-up code.
 *
 * Pure: no I/O, no dependency on the simulator, so services can use it on any RouterError message.
 */

export type LoginRefusal =
  | 'bad-credentials'
  | 'uptime-limit'
  | 'traffic-limit'
  | 'too-many-sessions'
  | 'mac-not-allowed'
  | 'unknown-host'
  | 'wrong-mac'
  | 'already-logged-in'
  | 'other';

/** `observed`: a real router is known to send it. `unconfirmed`: our own words, or a guess. */
type Evidence = 'observed' | 'unconfirmed';

/** First match wins; each pattern is anchored on the whole (normalised) message. */
const PATTERNS: readonly (readonly [RegExp, LoginRefusal, Evidence])[] = [
  // The router's accounting used the code up.
  [/^user .+ has reached uptime limit$/, 'uptime-limit', 'observed'],
  [/^uptime limit reached$/, 'uptime-limit', 'unconfirmed'],
  [/^user .+ has reached traffic limit$/, 'traffic-limit', 'observed'],
  [/^traffic limit reached$/, 'traffic-limit', 'unconfirmed'],
  [/^no more sessions are allowed for user( .+)?$/, 'too-many-sessions', 'observed'],
  // The code is tied to another device.
  [/^user .+ is not allowed to log in from this mac address$/, 'mac-not-allowed', 'observed'],
  [/^your mac address is not allowed$/, 'mac-not-allowed', 'unconfirmed'],
  // The hotspot's text when a MAC is used as a user name that belongs to another device.
  [/^invalid username \(.*\): this mac address is not yours$/, 'mac-not-allowed', 'observed'],
  // The device is not (or no longer) what the router sees.
  [/^unknown host ip \S+$/, 'unknown-host', 'observed'],
  [/^no hotspot server for this address$/, 'unknown-host', 'unconfirmed'],
  [/^wrong mac provided$/, 'wrong-mac', 'observed'],
  // Our guesses for a device logged in already (RouterOS's words are unknown).
  [/^already authori[sz]ed$/, 'already-logged-in', 'unconfirmed'],
  [/^already logged in$/, 'already-logged-in', 'unconfirmed'],
  // The code itself. A disabled user was refused with its own text by the old simulator; a real router
  // (and the simulator now) gives it the same answer as a wrong password.
  [/^invalid username or password$/, 'bad-credentials', 'observed'],
  [/^user is disabled$/, 'bad-credentials', 'unconfirmed'],
];

/** Lower case, single spaces, without a `failure:` prefix or a trailing period. */
function normalise(message: string): string {
  return message
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^failure: ?/i, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

function match(message: string): readonly [RegExp, LoginRefusal, Evidence] | undefined {
  const text = normalise(message);
  return PATTERNS.find(([pattern]) => pattern.test(text));
}

/** What the text says, whether or not a real router is known to word it so. */
export function classifyLoginRefusal(message: string): LoginRefusal {
  return match(message)?.[1] ?? 'other';
}

/**
 * The refusal's kind when its text is one a real router is known to send; undefined for any other text (our
 * own words, guesses, texts we have never seen), which the login resolves by reading the router (`heldLogin`).
 */
export function confirmedLoginRefusal(message: string): Exclude<LoginRefusal, 'other'> | undefined {
  const found = match(message);
  return found && found[2] === 'observed' ? (found[1] as Exclude<LoginRefusal, 'other'>) : undefined;
}

/** What the router holds for a device, read after a refusal we cannot read from its text. */
export interface DeviceOnHotspot {
  /** Its `/ip/hotspot/active` sessions (found by its MAC). */
  sessions: ReadonlyArray<{ user: string; mac: string }>;
  /** Its `/ip/hotspot/host` entries (found by its MAC). */
  hosts: ReadonlyArray<{ mac: string; address?: string }>;
}

/**
 * What a refused login finds on the router: the device online with this code (the login is done: a retry after
 * a lost reply, say), online with another code (its session ends and the login is tried again), or not online,
 * and the refusal stands. Online means a session of this MAC while the hotspot sees the MAC at the address the
 * login named: a session left from another address is not what was refused here.
 */
export function heldLogin(
  login: { code: string; mac: string; ip: string },
  held: DeviceOnHotspot,
): 'this-code' | 'another-code' | 'not-online' {
  if (!held.hosts.some((h) => h.mac === login.mac && h.address === login.ip)) return 'not-online';
  const sessions = held.sessions.filter((s) => s.mac === login.mac);
  if (sessions.some((s) => s.user === login.code)) return 'this-code';
  return sessions.length > 0 ? 'another-code' : 'not-online';
}
