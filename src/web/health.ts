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
}

/**
 * GET /healthz: 200 while the process and database work; the router's state is reported, not required.
 * `router.error` is `{code, message}` while disconnected: the same code and wording as the admin, the CLI
 * and the log (ROUTER_LOGIN_FAILED, ROUTER_TLS, ROUTER_REFUSED, ROUTER_TIMEOUT, ROUTER_UNREACHABLE).
 */
export function healthRoutes(deps: HealthDeps): Router {
  const r = Router();
  r.get('/healthz', async (_req, res) => {
    const dbOk = await pingDatabase(deps.db);
    const st = deps.router.status;
    const lastPoll = deps.lastPollAt();
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
      warnings: deps.warnings(),
    });
  });
  return r;
}
