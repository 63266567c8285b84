/**
 * The `default` site's connection: the router set in .env, or, with no ROUTER_HOST, the demo's simulated router.
 * The server hosts the demo router with live traffic; the terminal only hosts it when nobody else does, and
 * whoever is left takes the hosting over when the process hosting it exits.
 */
import type { AppConfig } from '../config/env';
import type { Db } from '../db/knex';
import type { Clock } from '../lib/clock';
import type { Logger } from '../lib/logger';
import { createRouterClient } from '../router';
import type { DemoRouterHost } from '../router/demo';
import type { RouterClient } from '../router/types';
import { recordEvent } from '../services/business/events';

interface EnvRouter {
  router: RouterClient;
  /** The demo router's host, in demo mode (none when the caller passed its own client). */
  demo?: DemoRouterHost;
}

export async function openEnvRouter(
  config: AppConfig,
  o: { role: 'server' | 'cli'; router?: RouterClient; log: Logger; db: Db; clock: Clock },
): Promise<EnvRouter> {
  const demo = config.router.simulated && !o.router ? await hostDemoRouter(config, o) : undefined;
  const router =
    o.router ??
    createRouterClient({
      host: config.router.host,
      port: config.router.simulated ? (demo?.simulator?.port ?? config.simulatorPort) : config.router.port,
      user: config.router.simulated ? 'admin' : config.router.user,
      password: config.router.simulated ? '' : config.router.password,
      tls: config.router.simulated ? false : config.router.tls,
      timeoutSeconds: config.router.timeoutSeconds,
      logger: o.log.child({ module: 'router' }),
      // Its connected and lost times on the shop's clock, as the poll that reads them.
      now: () => o.clock.now(),
    });
  if (demo) {
    // If the process hosting the demo router exits, take over hosting so the router comes back.
    router.onStatus((s) => {
      if (!s.connected && !demo.hosting) void demo.ensureHosted().catch(() => undefined);
    });
  }
  return { router, demo };
}

async function hostDemoRouter(
  config: AppConfig,
  o: { role: 'server' | 'cli'; log: Logger; db: Db; clock: Clock },
): Promise<DemoRouterHost> {
  // The simulator is loaded in demo mode only: a command against a real router never reads it.
  const { DemoRouterHost } = require('../router/demo') as typeof import('../router/demo');
  const demo = new DemoRouterHost({
    port: config.simulatorPort,
    dataDir: config.dataDir,
    log: o.log.child({ module: 'demo-router' }),
    demoTraffic: o.role === 'server',
    demoDevices: config.demoDevices,
    timeZone: config.tz,
  });
  const hosted = await demo.ensureHosted();
  if (!hosted)
    o.log.info(`DEMO MODE: using the simulated router already running on 127.0.0.1:${config.simulatorPort}`);
  else if (demo.restarted && o.role === 'server') {
    // The simulated router restarted with this server, and its sessions with it: say so where the owner sees
    // the logouts that follow, so a restart of the demo is not read as something a real shop would suffer.
    const said =
      "The demo's simulated router restarted with the server, so the demo phones were logged out. A real MikroTik keeps its customers online when PisoNet Manager restarts.";
    o.log.info(`DEMO MODE: ${said}`);
    await recordEvent(o.db, o.clock, { kind: 'demo-router-restart', level: 'info', message: said });
  }
  return demo;
}
