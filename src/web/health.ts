import { Router } from 'express';
import type { RouterClient } from '../router/types';
import type { RouterWarning } from '../services/router-checks';
import type { Db } from '../db/knex';
import { pingDatabase } from '../db/knex';

export interface HealthDeps {
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
}

export interface SiteHealth {
  name: string;
  connected: boolean;
  lastPollAt: number | null;
  error: { code: string; message: string } | null;
}

/**
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
  return r;
}
