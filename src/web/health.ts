import { Router } from 'express';
import type { RouterClient } from '../router/types';
import type { Db } from '../db/knex';
import { pingDatabase } from '../db/knex';

export interface HealthDeps {
  router: RouterClient;
  simulated: boolean;
  db: Db;
  lastPollAt: () => number | undefined;
}

/** GET /healthz: 200 while the process and database work; the router's state is reported, not required. */
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
        ...(st.connected ? {} : { error: st.lastError ?? null }),
      },
      db: { ok: dbOk },
    });
  });
  return r;
}
