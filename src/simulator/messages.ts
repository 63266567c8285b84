/**
 * Every RouterOS message the simulator sends, in one place, with how sure we are (markers from
 * docs/routeros.md "How sure"). Change a guess here and the whole simulator follows.
 */

/** A `!trap` reply: RouterOS sends `=category=` only sometimes (docs/routeros.md "Trap categories"). */
export interface TrapInfo {
  message: string;
  category?: number;
}

/** Thrown by menu code; the connection turns it into `!trap` (+ `!done`). Several traps are allowed. */
export class Trap extends Error {
  readonly traps: TrapInfo[];
  constructor(message: string, category?: number, more: TrapInfo[] = []) {
    super(message);
    this.name = 'Trap';
    this.traps = [{ message, category }, ...more];
  }
}

export const CATEGORY = {
  missingItem: 0,
  argument: 1,
  interrupted: 2,
  general: 4,
} as const;

// ✔ [API][TRACE] login and session messages.
export const MSG_LOGIN_FAILED = 'invalid user name or password (6)';
export const MSG_LOGIN_FAILED_CHALLENGE = 'cannot log in';
export const FATAL_QUIT = 'session terminated on request';
export const MSG_INTERRUPTED = 'interrupted';

// ✔ two traps for an unknown command (home-assistant/core#68115, librouteros MultiTrapError).
export const msgNoSuchCommand = (name: string): string => `no such command or directory (${name})`;
export const MSG_NO_SUCH_PREFIX = 'no such command prefix';
/**
 * ✖ docs/routeros.md "Keepalive": what RouterOS answers to the `#` keepalive is unknown; a tagged trap + done
 * is harmless.
 */
export const MSG_KEEPALIVE = 'no such command';
/** ✖ Commands before login: real routers drop or refuse them; we refuse politely and keep the socket. */
export const MSG_NOT_LOGGED_IN = 'not logged in';

// ◐ "unknown parameter" (docs/routeros.md "Error messages to reproduce exactly"). We add the name because it
// makes client logs useful; category ✖.
export const msgUnknownParameter = (name: string): string => `unknown parameter ${name}`;
export const CATEGORY_UNKNOWN_PARAMETER = CATEGORY.missingItem;

// ◐ item and value errors (docs/routeros.md "Error messages to reproduce exactly"); categories ✖ except the ✔
// `input does not match any value of <field>` = category 1 from the docs' example.
export const MSG_NO_SUCH_ITEM = 'no such item';
export const CATEGORY_NO_SUCH_ITEM = CATEGORY.missingItem;
export const msgNoMatch = (field: string): string => `input does not match any value of ${field}`;
export const MSG_DUPLICATE_QUEUE = 'failure: already have such name';
export const MSG_DUPLICATE_USER = 'failure: already have user with this name for this server';
/**
 * ✖ generic duplicate-name text for menus where docs/routeros.md "Error messages to reproduce exactly" has
 * none (profiles, servers).
 */
export const MSG_DUPLICATE_NAME = 'failure: already have such name';
export const CATEGORY_FAILURE = CATEGORY.general;
export const msgLimitAboveMax = (dir: 'upload' | 'download'): string =>
  `failure: ${dir}-max-limit less than ${dir}-limit`;
/** ✖ wording for a value that does not parse; RouterOS names the argument. */
export const msgInvalidValue = (arg: string): string => `invalid value for argument ${arg}`;
/** ✖ `=numbers=` missing on set/remove/enable/... */
export const msgMissingArgument = (arg: string): string => `expected ${arg}`;
// Firewall filter refusals (docs/routeros.md "Error messages to reproduce exactly"). ◐ `no target chain
// specified` (a jump without jump-target) and the ports text are each quoted from one report of a real
// router's reply. ✖ The text for a rule without a chain: RouterOS certainly refuses it (a rule must live in a
// chain), the words are our guess.
export const MSG_FILTER_NO_CHAIN = 'failure: chain not specified';
export const MSG_FILTER_NO_JUMP_TARGET = 'failure: no target chain specified';
export const MSG_FILTER_PORTS_NEED_PROTOCOL =
  'failure: ports can be specified if proto is tcp,udp,udp-lite,dccp,sctp';

/**
 * A change to a dynamic item (one RouterOS made itself, such as the hotspot's `<hotspot-USER>` queue or the
 * hotspot's firewall rules). ◐ Live routers answer `failure: can not change dynamic …` to `set` on dynamic
 * entries of several menus; ✖ the last word for each menu (we name the kind of item, as the console names
 * them), and that remove, enable, disable, comment and move get the same answer
 * (docs/routeros.md "Error messages to reproduce exactly").
 */
export const msgCannotChangeDynamic = (noun: string): string => `failure: can not change dynamic ${noun}`;

/**
 * Simple-queue trees. RouterOS keeps its queues a tree: a `parent` that would put a queue under itself (directly or
 * through its own children) is refused, and so is removing a queue that other queues name as their parent. ✖ The
 * words of both answers; the refusals themselves follow from HTB's tree (a class cannot be its own ancestor, and a
 * parent class cannot go while it has children).
 */
export const MSG_QUEUE_PARENT_LOOP = 'failure: parent would make a loop';
export const msgQueueHasChildren = (name: string): string =>
  `failure: queue ${name} is parent of other queues`;

/** ✖ a print of a menu the simulator does not model fails like a dead end rather than inventing rows. */
export const MSG_NOT_MODELLED = 'not supported by simulator';

/*
 * `/ip/hotspot/active/login` refusals (docs/routeros.md "Login refusals"). MikroTik does not document this
 * command's errors, so every text below is unconfirmed; each was chosen as follows.
 * - ◐ `invalid username or password`, `unknown host IP <ip>`, `wrong MAC provided`, `invalid value for
 *   argument ip` and the mac-address text are what code that calls this very command against real routers
 *   expects to get back.
 * - ◐ The account checks use the wording of the hotspot's own error page texts (`errors.txt`, the same in
 *   every published hotspot template), with the user's name where the template puts `$(username)`; the API
 *   most plausibly reports the same condition in the same words.
 * - ✖ A disabled user, or a user bound to another server, is refused like an unknown one: the hotspot has
 *   no message of its own for either, and treating them as "no such user" is the cautious reading.
 * - ✖ `host is blocked` and `already authorized` are our own words; a blocked device's traffic is dropped
 *   and RouterOS's answer to a login for it, or for a device already logged in, is unknown. The refusal
 *   itself is kept (a router does not log a device in twice), but the controller decides nothing on these
 *   words: it reads the device's session instead (src/router/login-refusals.ts).
 * No category is sent with any of them (unknown too).
 */
export const LOGIN_ERR_BAD_CREDENTIALS = 'invalid username or password';
export const loginErrUnknownHost = (ip: string): string => `unknown host IP ${ip}`;
export const LOGIN_ERR_WRONG_MAC = 'wrong MAC provided';
export const LOGIN_ERR_MAC_REQUIRED = 'invalid value of mac-address, mac address required';
export const loginErrMacNotAllowed = (user: string): string =>
  `user ${user} is not allowed to log in from this MAC address`;
export const loginErrUptimeLimit = (user: string): string => `user ${user} has reached uptime limit`;
export const loginErrTrafficLimit = (user: string): string => `user ${user} has reached traffic limit`;
export const loginErrSharedUsers = (user: string): string => `no more sessions are allowed for user ${user}`;
export const LOGIN_ERR_BLOCKED = 'host is blocked';
export const LOGIN_ERR_ALREADY = 'already authorized';

/*
 * RADIUS (docs/routeros.md "RADIUS"). ◐ The hotspot's own error texts for a login it asked a RADIUS server about
 * (`errors.txt`, the same in every published hotspot template): `radius-timeout`, `auth-in-progress`, and a
 * reject's own `Reply-Message` in place of `invalid username or password`. ✖ That the API's login words them
 * the same, as for the other login refusals.
 */
export const LOGIN_ERR_RADIUS_TIMEOUT = 'RADIUS server is not responding';
export const LOGIN_ERR_AUTHORIZING = 'already authorizing, retry later';
/**
 * ✖ The log lines of a CoA or Disconnect request the router drops: from an address no `/radius` entry has, or
 * one that does not verify with that entry's secret (RouterOS counts them; its words, if it logs them, are
 * unknown).
 */
export const radiusLogUnknownSender = (address: string): string =>
  `incoming request from unknown address ${address}, dropped`;
export const radiusLogBadRequest = (address: string, reason: string): string =>
  `incoming request from ${address} dropped: ${reason}`;

/*
 * PPP, pools and address lists (docs/routeros.md "PPPoE"). ◐ `already have such entry` is what live routers answer
 * to a second static address-list entry with the same list and address. ✖ The other words are ours: that
 * RouterOS refuses removing its built-in PPP profiles is certain, the refusal of removing a profile or pool that
 * something still names is our cautious reading, and the texts for a missing argument follow the firewall's.
 */
export const MSG_PPP_BUILTIN_PROFILE = 'failure: can not remove default profile';
export const msgInUse = (what: string, by: string): string => `failure: ${what} is used by ${by}`;
export const MSG_ADDRESS_LIST_DUPLICATE = 'failure: already have such entry';
export const msgNotSpecified = (what: string): string => `failure: ${what} not specified`;
export const MSG_PPPOE_SERVER_DUPLICATE =
  'failure: pppoe server with such service name already on this interface';
