/**
 * What a refusal of `/ip/hotspot/active/login` means, from its text alone: the trap carries no reliable
 * category, and MikroTik does not document this command's errors (docs/routeros.md "Login refusals").
 *
 * Recognised: the texts code running against real routers sees (`invalid username or password`, `unknown
 * host IP <ip>`, `wrong MAC provided`), the hotspot's own account messages as its error page words them
 * (`user <name> has reached uptime limit`, `… traffic limit`, `no more sessions are allowed for user
 * <name>`, `user <name> is not allowed to log in from this MAC address`), and the shorter texts our
 * simulator used before it spoke like that (`uptime limit reached`, `your MAC address is not allowed`, …), so
 * stored messages and older test routers still classify. Anything else is `other`: in particular the API's
 * own `invalid user name or password (6)` (the controller's router account, not a customer's code) and the
 * licence's `session limit reached (…)`, which a loose `/limit reached/` would have taken for a used-up code.
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

/** First match wins; each pattern is anchored on the whole (normalised) message. */
const PATTERNS: readonly (readonly [RegExp, LoginRefusal])[] = [
  // The router's accounting used the code up.
  [/^user .+ has reached uptime limit$/, 'uptime-limit'],
  [/^uptime limit reached$/, 'uptime-limit'],
  [/^user .+ has reached traffic limit$/, 'traffic-limit'],
  [/^traffic limit reached$/, 'traffic-limit'],
  [/^no more sessions are allowed for user( .+)?$/, 'too-many-sessions'],
  // The code is tied to another device.
  [/^user .+ is not allowed to log in from this mac address$/, 'mac-not-allowed'],
  [/^your mac address is not allowed$/, 'mac-not-allowed'],
  // The hotspot's text when a MAC is used as a user name that belongs to another device.
  [/^invalid username \(.*\): this mac address is not yours$/, 'mac-not-allowed'],
  // The device is not (or no longer) what the router sees.
  [/^unknown host ip \S+$/, 'unknown-host'],
  [/^no hotspot server for this address$/, 'unknown-host'],
  [/^wrong mac provided$/, 'wrong-mac'],
  // The device is logged in already (with this code or another): the caller looks at its session.
  [/^already authori[sz]ed$/, 'already-logged-in'],
  [/^already logged in$/, 'already-logged-in'],
  // The code itself. A disabled user was refused with its own text by the old simulator; a real router
  // (and the simulator now) gives it the same answer as a wrong password.
  [/^invalid username or password$/, 'bad-credentials'],
  [/^user is disabled$/, 'bad-credentials'],
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

export function classifyLoginRefusal(message: string): LoginRefusal {
  const text = normalise(message);
  for (const [pattern, kind] of PATTERNS) if (pattern.test(text)) return kind;
  return 'other';
}
