import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from './config/env';
import { openCore, sessionSecret, Core, CoreOptions } from './core';
import { PeriodicJob } from './jobs/periodic';
import { createWebApp } from './web/app';

export interface RunningApp {
  core: Core;
  server: http.Server;
  url: string;
  usageJob: PeriodicJob;
  stop(): Promise<void>;
}

/**
 * The composition root of the server process: core (DB, router, services), then profiles and the admin
 * account, then the jobs and the HTTP server; stopped in reverse order. A piece that fails to come up
 * (the router, typically) is reported and retried, not fatal to the rest.
 */
export async function startApp(config: AppConfig, opts: Omit<CoreOptions, 'role'> = {}): Promise<RunningApp> {
  const core = await openCore(config, { ...opts, role: 'server' });
  const { log, services } = core;
  try {
    if (config.router.simulated) {
      log.info(
        'DEMO MODE: no ROUTER_HOST is set, so PisoNet Manager runs against its built-in simulated MikroTik router.',
      );
    }
    const initial = await services.admins.ensureInitial();
    if (initial.generatedPassword) {
      log.warn(
        { module: 'admin' },
        `No ADMIN_PASSWORD set: generated admin password for "${config.admin.username}": ${initial.generatedPassword} (shown once; change it with: npm run cli -- admin set-password)`,
      );
    }
  } catch (err) {
    await core.close();
    throw err;
  }

  const usageJob = new PeriodicJob(
    'usage-poll',
    config.usagePollSeconds,
    async () => {
      // The owner may change the poll interval in Settings; the job follows from the next run.
      const seconds = await services.settings.get<number>('usage.poll_seconds', config.usagePollSeconds);
      if (Number.isInteger(seconds) && seconds >= 1 && seconds !== usageJob.interval)
        usageJob.setInterval(seconds);
      const report = await services.usage.runCycle();
      if (report.skipped) return;
      // Vouchers created while the router was away are pushed as soon as it is back (resumable batches).
      const sync = await services.vouchers.syncRouterUsers();
      if (sync.created) log.info({ module: 'vouchers', ...sync }, 'router users synced');
    },
    log.child({ module: 'jobs' }),
    () => core.clock.now(),
  );
  // A full reconcile runs on every (re)connect, not only at the next tick.
  let wasConnected = core.router.status.connected;
  core.router.onStatus((s) => {
    if (s.connected && !wasConnected) void usageJob.runNow();
    wasConnected = s.connected;
  });

  const { app, sessions } = createWebApp({
    ctx: {
      config,
      services,
      router: core.router,
      log: log.child({ module: 'web' }),
      clock: core.clock,
      simulated: config.router.simulated,
    },
    db: core.db,
    sessionSecret: await sessionSecret(core),
    lastPollAt: () => services.usage.lastPollAt(),
  });
  const sweepJob = new PeriodicJob(
    'session-sweep',
    3600,
    async () => void (await sessions.sweep()),
    log,
    () => core.clock.now(),
  );

  const server = http.createServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.bind, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? '127.0.0.1' : config.bind;
  const url = `http://${host}:${addr.port}`;
  log.info(
    { url },
    `PisoNet Manager listening on ${config.bind}:${addr.port} (admin: ${url}/admin, portal: ${url}/portal)`,
  );
  // Both start with a run right away, then keep their cadence.
  usageJob.start();
  sweepJob.start();

  let stopping: Promise<void> | undefined;
  return {
    core,
    server,
    url,
    usageJob,
    stop() {
      stopping ??= (async () => {
        log.info('shutting down');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
        await Promise.all([closed, usageJob.stop(), sweepJob.stop()]);
        await core.close();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}
