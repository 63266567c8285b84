/**
 * The router's state as every admin screen shows it: the banners at the top of each page
 * (views/partials/router-banner.ejs, and public/js/router-banner.js on pages that refresh themselves) and
 * the "last seen" of live figures while the router is away. One function, so a page, the banner endpoint,
 * the dashboard's live tiles and the user-traffic API never disagree.
 */
import { formatShopTime } from '../domain/clock';
import type { RouterErrorCode } from '../domain/errors';
import type { RouterWarning } from '../services/network/router-checks';
import { safeModeWarnings } from '../services/network/router-binding';
import type { WebContext } from './context';

export interface RouterBanner {
  /** ROUTER_* while disconnected; the router checks' warnings (FASTTRACK, SETUP_INCOMPLETE, SAFE_MODE...). */
  code: string;
  /** `error`: the controller cannot work the router (role=alert); `warn`: it works with a flaw (role=status). */
  level: 'error' | 'warn';
  title: string;
  /** What is wrong, in the same words as /healthz, the CLI and the log. */
  message: string;
  /** What the owner does about it. */
  todo: string;
  /** The command that fixes it (FASTTRACK's RouterOS command, SETUP_INCOMPLETE's `router setup --apply`). */
  fix?: string;
  /** SAFE_MODE: the banner carries the adopt button. */
  adopt?: boolean;
}

export interface RouterLiveState {
  connected: boolean;
  /** When the live figures were last read from the router (ISO), while it is away; null while connected. */
  staleSince: string | null;
  /** `07:44 PM` (shop time) for the same instant; null while connected or never read. */
  lastSeen: string | null;
  /**
   * Safe mode while connected: the polls read the router but meter nothing, so the live figures stay as the last
   * metered poll left them: `Safe mode: not metered since 07:44 PM` (`… not metered yet` before any). Else null.
   */
  notMetered: string | null;
  banners: RouterBanner[];
}

const AWAY_NOTE =
  'Customers already online keep browsing; vouchers made now reach the router when it is back. The controller retries by itself.';

const DISCONNECTED: Record<RouterErrorCode | 'CONNECTING', { title: string; todo: string }> = {
  ROUTER_LOGIN_FAILED: {
    title: 'The router refuses our login',
    todo: 'Put the router API user\'s name and password in .env (ROUTER_USER, ROUTER_PASSWORD) and restart the controller; the user needs the api, read and write policies. Then Settings → "Test router connection".',
  },
  ROUTER_TLS: {
    title: 'Encrypted connection to the router does not match',
    todo: "Use ROUTER_TLS=true only with the api-ssl port (8729) and false with the plain api port (8728), and check the router's certificate; then restart the controller.",
  },
  ROUTER_REFUSED: {
    title: 'The router refuses the connection',
    todo: `Enable the API service on the router (/ip service enable api) and allow this computer's address in its "available from". ${AWAY_NOTE}`,
  },
  ROUTER_TIMEOUT: {
    title: 'The router does not answer',
    todo: `Check that the router is on and the cable between it and this computer. ${AWAY_NOTE}`,
  },
  ROUTER_UNREACHABLE: {
    title: 'The router cannot be reached',
    todo: `Check that the router is on and the cable between it and this computer. ${AWAY_NOTE}`,
  },
  ROUTER_FATAL: {
    title: 'The router closed our connection',
    todo: `Wait a moment: the controller reconnects by itself. If it keeps happening, check the router's log. ${AWAY_NOTE}`,
  },
  ROUTER_TRAP: { title: 'The router cannot be reached', todo: AWAY_NOTE },
  ROUTER_DUPLICATE: { title: 'The router cannot be reached', todo: AWAY_NOTE },
  ROUTER_NO_SUCH_ITEM: { title: 'The router cannot be reached', todo: AWAY_NOTE },
  CONNECTING: {
    title: 'Connecting to the router…',
    todo: 'Live figures appear once it answers.',
  },
};

/** The words of each warning's banner while the router works (SAFE_MODE's is its own, with the adopt button). */
const WARNED: Record<Exclude<RouterWarning['code'], 'SAFE_MODE'>, { title: string; todo: string }> = {
  FASTTRACK: {
    title: 'FastTrack is on in the router: speed limits and usage counts do not work',
    todo: "Fix it in the router's terminal:",
  },
  SETUP_INCOMPLETE: {
    title: 'The router lacks part of its setup',
    todo: 'Put it back on Router → Setup (Fix all), or in the terminal:',
  },
  PLAN_QUEUE_TAKEN: {
    title: "A shared plan's queue on the router is not the controller's",
    todo: "Fix it in the router's terminal:",
  },
};

function warningBanner(w: RouterWarning): RouterBanner {
  if (w.code === 'SAFE_MODE')
    return {
      code: w.code,
      level: 'error',
      title: 'Safe mode: nothing is written to the router',
      message: w.message,
      todo: "Adopt this router if it is the shop's own, or connect the right one.",
      adopt: true,
    };
  return { code: w.code, level: 'warn', ...WARNED[w.code], message: w.message, fix: w.fix };
}

/** The router's state now, for a page, the banner endpoint or an API answer. */
export function routerStateOf(ctx: WebContext): RouterLiveState {
  const { services } = ctx;
  const tz = ctx.config.tz;
  const st = ctx.router.status;
  const banners: RouterBanner[] = [];
  let staleSince: number | undefined;
  if (!st.connected) {
    const code = st.lastErrorCode ?? (st.lastError ? 'ROUTER_UNREACHABLE' : 'CONNECTING');
    const words = DISCONNECTED[code];
    banners.push({
      code: code === 'CONNECTING' ? 'ROUTER_CONNECTING' : code,
      level: code === 'CONNECTING' ? 'warn' : 'error',
      title: words.title,
      message: st.lastError ?? 'The controller has not reached the router yet.',
      todo: words.todo,
    });
    // The last completed usage poll: when the live figures were last read.
    staleSince = services.usage.lastPollAt();
  }
  // FastTrack stays listed while the router is away: it is still on when the router comes back.
  const warnings = routerWarnings(services);
  banners.push(...warnings.map(warningBanner));
  const metered = services.usage.lastPollAt();
  return {
    connected: st.connected,
    staleSince: staleSince === undefined ? null : new Date(staleSince).toISOString(),
    lastSeen: staleSince === undefined ? null : formatShopTime(staleSince, tz, ctx.clock.now()),
    notMetered:
      st.connected && warnings.some((w) => w.code === 'SAFE_MODE')
        ? `Safe mode: not metered ${metered === undefined ? 'yet' : `since ${formatShopTime(metered, tz, ctx.clock.now())}`}`
        : null,
    banners,
  };
}

/** Every warning about the router the services hold now: safe mode, the router checks', the usage poll's. */
export const routerWarnings = (services: WebContext['services']): RouterWarning[] => [
  ...safeModeWarnings(services.routerBinding),
  ...services.routerChecks.warnings(),
  ...services.usage.warnings(),
];
