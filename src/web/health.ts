import { Router } from 'express';
import type { RouterClient } from '../router/types';
import type { RouterWarning } from '../services/network/router-checks';
import { pingDatabase, type Db } from '../db/knex';

interface HealthDeps {
  router: RouterClient;
  simulated: boolean;
  db: Db;
  lastPollAt: () => number | undefined;
  /** Router settings that break the controller (FastTrack), from the last router check. */
  warnings: () => RouterWarning[];
  /** How this server shares the database: the site ids it polls now. */
  controller?: () => { mode: 'exclusive' | 'shared'; polls: number[] };
  /** The other routers (sites) and their last read; absent: none reported. */
  sites?: () => Promise<SiteHealth[]>;
  /** Why nothing is written to the router (safe mode: the database does not know it), or null. */
  safeMode?: () => { code: string; message: string } | null;
}

/** Why the shop cannot sell now (GET /readyz): a stable code, the words, and the site it is about, if any. */
interface NotReady {
  code: string;
  message: string;
  site?: string;
}

interface SiteHealth {
  name: string;
  connected: boolean;
  lastPollAt: number | null;
  error: { code: string; message: string } | null;
  /**
   * Whether selling at this site needs this controller to reach its router (API mode, or a RADIUS site this
   * controller reaches by API). False: a RADIUS site that sells through FreeRADIUS alone.
   */
  needsRouter?: boolean;
}

/** Every reason the shop cannot sell now; none: ready. The database, each site's router, safe mode. */
async function notReadyReasons(deps: HealthDeps): Promise<NotReady[]> {
  const reasons: NotReady[] = [];
  const dbOk = await pingDatabase(deps.db);
  if (!dbOk)
    reasons.push({
      code: 'DATABASE_DOWN',
      message: 'The database does not answer: no code can be sold or checked until it does.',
    });
  const st = deps.router.status;
  if (!st.connected)
    reasons.push({
      code: st.lastErrorCode ?? 'ROUTER_UNREACHABLE',
      message: st.lastError ?? 'Not connected yet: the first connection attempt is still under way.',
      site: 'default',
    });
  const safe = deps.safeMode?.() ?? null;
  if (safe) reasons.push({ ...safe, site: 'default' });
  const sites = dbOk && deps.sites ? await deps.sites().catch(() => null) : null;
  if (dbOk && deps.sites && !sites)
    reasons.push({ code: 'SITES_UNKNOWN', message: "The other sites' routers could not be listed." });
  for (const x of sites ?? []) {
    if (x.needsRouter === false) continue;
    const error = x.error ?? (x.connected ? null : { code: 'ROUTER_UNREACHABLE', message: 'Not connected.' });
    if (error) reasons.push({ code: error.code, message: error.message, site: x.name });
  }
  return reasons;
}

/**
 * GET /readyz: 200 `{ready: true, reasons: []}` when the shop can sell; 503 `{ready: false, reasons}` when the
 * database is down, a site's router is unreachable or refusing, or the controller is in safe mode. Uptime
 * monitors and load balancers ask this; /healthz stays "the process answers".
 *
 * GET /healthz: 200 while the process and database work; the router's state is reported, not required.
 * `router.error` is `{code, message}` while disconnected: the same code and wording as the admin, the CLI
 * and the log (ROUTER_LOGIN_FAILED, ROUTER_TLS, ROUTER_REFUSED, ROUTER_TIMEOUT, ROUTER_UNREACHABLE).
 * `sites` lists the routers other than `default` with the same `{code, message}` errors.
 */
export function healthRoutes(deps: HealthDeps): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const dbOk = await pingDatabase(deps.db);
    const st = deps.router.status;
    const lastPoll = deps.lastPollAt();
    // The other sites as their monitor last saw them (name, state, and the error as the default router's is
    // given: no user names, never a password). A database that cannot be read has no list to give.
    const sites = dbOk && deps.sites ? await deps.sites().catch(() => null) : null;
    res.status(dbOk ? 200 : 503).json({
      ok: dbOk,
      router: {
        connected: st.connected,
        simulated: deps.simulated,
        identity: st.identity ?? null,
        lastPollAt: lastPoll ? new Date(lastPoll).toISOString() : null,
        // Safe mode: the polls read the router but meter nothing, so lastPollAt stays at the last metered poll.
        metering: !deps.safeMode?.(),
        ...(st.connected
          ? {}
          : {
              error: st.lastError
                ? { code: st.lastErrorCode ?? 'ROUTER_UNREACHABLE', message: st.lastError }
                : null,
            }),
      },
      db: { ok: dbOk },
      ...(sites
        ? {
            sites: sites.map((x) => ({
              name: x.name,
              connected: x.connected,
              lastPollAt: x.lastPollAt === null ? null : new Date(x.lastPollAt).toISOString(),
              error: x.connected ? null : x.error,
            })),
          }
        : {}),
      warnings: deps.warnings(),
      ...(deps.controller ? { controller: { pid: process.pid, ...deps.controller() } } : {}),
    });
  });
  r.get('/readyz', async (_req, res) => {
    const reasons = await notReadyReasons(deps);
    res.set('Cache-Control', 'no-store');
    res.status(reasons.length ? 503 : 200).json({ ready: reasons.length === 0, reasons });
  });
  return r;
}
