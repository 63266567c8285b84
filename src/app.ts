import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AppConfig } from './config/env';
import { openCore, sessionSecret, Core, CoreOptions } from './core';
import { stdoutLogger } from './core/logger';
import type { ControllerLock } from './db/controller-lock';
import { acquireDatabaseLock } from './db/controller-lock-pg';
import { postgresLeases } from './db/site-leases';
import type { PeriodicJob } from './jobs/periodic';
import { startParts, type Part } from './jobs/parts';
import type { CalendarJob } from './jobs/calendar';
import type { Notifier } from './services/business/notify/notifier';
import { StartRefused } from './domain/errors';
import { createLogger, type Logger } from './lib/logger';
import { interruptedRestoreWords } from './domain/doctor';
import { interruptedRestore } from './services/business/backup/restore-sqlite';
import { createWebApp } from './web/app';
import { cardRoutersFor } from './services/shop/vouchers/card-link';
import { periodicJob, serverJobs, serverParts, type DemoPieces } from './server-parts';
import { createMetrics, type Metrics } from './metrics';
import { metricsSources } from './core/metrics';
import { scrapeToken } from './web/metrics';
import { controllerClock } from './core/clock';

export interface RunningApp {
  core: Core;
  server: http.Server;
  url: string;
  usageJob: PeriodicJob;
  /** Notifications to the owner: the watch, the sender and the day's sales (src/services/business/notify). */
  notifier: Notifier;
  /** The scheduled backups' job (none when BACKUP_EVERY is off). */
  backupJob?: CalendarJob;
  /** The hourly billing run (invoices, scheduled starts, suspensions). */
  billingJob: CalendarJob;
  /** The server's long-running parts that started, in their start order (stopped in reverse). */
  parts: readonly string[];
  stop(): Promise<void>;
}

/**
 * The composition root of the server process. First what can refuse the start without side effects: the
 * database's controller lock (one server per database), then the HTTP port. Only then the core (database,
 * router, services), profiles and the admin account, the jobs, and the web app on the already-open port;
 * stopped in reverse order. A second server started by mistake says so in one line and never touches the
 * router the first one is driving. A piece that fails to come up later (the router, typically) is reported
 * and retried, not fatal to the rest.
 */
export async function startApp(config: AppConfig, opts: Omit<CoreOptions, 'role'> = {}): Promise<RunningApp> {
  const log = opts.log ?? stdoutLogger(config);
  // Several servers may share a PostgreSQL database on purpose (CONTROLLER_MODE=shared): each site is then
  // polled by one of them at a time, under its lease (src/db/site-leases.ts). Otherwise one server per database.
  const lock =
    config.controllerMode === 'shared'
      ? sharedLock()
      : await acquireDatabaseLock(config.database, { port: config.port, log, tz: config.tz });
  warnInterruptedRestore(config, log);
  let server: http.Server;
  try {
    server = await reservePort(config);
  } catch (err) {
    lock.release();
    throw err;
  }
  try {
    return await startOnPort(config, { ...opts, log }, server, lock);
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    lock.release();
    throw err;
  }
}

/**
 * Listens before anything else is opened, answering 503 until the web app is attached: a busy port must
 * not be found out after the router was already logged into. The usual mistakes are one line for the owner.
 */
async function reservePort(config: AppConfig): Promise<http.Server> {
  const server = http.createServer();
  server.keepAliveTimeout = 5000;
  server.on('request', starting);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.bind, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const port = config.port;
    if (code === 'EADDRINUSE')
      throw new StartRefused(
        'PORT_IN_USE',
        `port ${port} is already in use (another PisoNet Manager or another program). Set PORT in .env to a free port.`,
      );
    if (code === 'EACCES')
      throw new StartRefused(
        'PORT_NOT_ALLOWED',
        `port ${port} needs administrator rights (ports below 1024). Set PORT in .env to 1024 or above.`,
      );
    if (code === 'EADDRNOTAVAIL')
      throw new StartRefused(
        'BIND_NOT_AVAILABLE',
        `${config.bind} is not an address of this machine. Set BIND in .env to one of its addresses, or 0.0.0.0.`,
      );
    throw err;
  }
  return server;
}

/** A restore cut short before this start (SQLite's `.restoring` file): said once; the shop runs on its old database. */
function warnInterruptedRestore(config: AppConfig, log: Logger): void {
  const left = config.database.engine === 'sqlite' ? interruptedRestore(config.database.file) : undefined;
  if (!left) return;
  const { detail, fix } = interruptedRestoreWords(left, config.tz);
  log.warn({ file: left.file }, `${detail.charAt(0).toUpperCase()}${detail.slice(1)}: ${fix}`);
}

/** Shared mode holds no database-wide lock: the site leases keep the servers apart. */
function sharedLock(): ControllerLock {
  return {
    file: '',
    info: { pid: process.pid, port: 0, host: '', started_at: new Date().toISOString() },
    setPort() {},
    release() {},
  };
}

function starting(_req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '2' });
  res.end('PisoNet Manager is starting; try again in a moment.\n');
}

async function startOnPort(
  config: AppConfig,
  opts: Omit<CoreOptions, 'role'>,
  server: http.Server,
  lock: ControllerLock,
): Promise<RunningApp> {
  const addr = server.address() as AddressInfo;
  lock.setPort(addr.port);
  const leases =
    config.controllerMode === 'shared' && config.database.engine === 'postgres'
      ? postgresLeases(config.database, opts.log ?? createLogger('silent'), () => addr.port)
      : undefined;
  // Prometheus' metrics (src/metrics), counted from now: only when there is a token to scrape them with.
  const metrics = scrapeToken(config) ? await createMetrics() : undefined;
  const clock = opts.clock ?? controllerClock(config, 'server', opts.log ?? stdoutLogger(config));
  const since = clock.now();
  const core = await openCore(config, {
    ...opts,
    clock,
    leases,
    role: 'server',
    metrics: metrics?.port,
  }).catch((err: unknown) => {
    metrics?.close();
    throw err;
  });
  metrics?.readFrom(metricsSources(core, since));
  try {
    return await startServices(config, core, server, lock, metrics);
  } catch (err) {
    await core.close();
    metrics?.close();
    throw err;
  }
}

async function startServices(
  config: AppConfig,
  core: Core,
  server: http.Server,
  lock: ControllerLock,
  metrics: Metrics | undefined,
): Promise<RunningApp> {
  const { log } = core;
  await greetOwner(config, core);
  const jobs = serverJobs(config, core);
  // Demo mode: a simulated coin board and payment gateway in this process, started once the port answers.
  const demo: DemoPieces = {};
  const { app, sessions } = await webApp(config, core, metrics, demo);
  const sweepJob = periodicJob(core, 'session-sweep', 3600, async () => void (await sessions.sweep()));
  const addr = server.address() as AddressInfo;
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? '127.0.0.1' : config.bind;
  const url = `http://${host}:${addr.port}`;
  const web = webPart(config, log, server, app, url);
  const running = await startParts(serverParts(config, core, { web, url, demo, sweepJob, ...jobs }), log);

  let stopping: Promise<void> | undefined;
  return {
    core,
    server,
    url,
    usageJob: jobs.usageJob,
    notifier: jobs.notifier,
    backupJob: jobs.backupJob,
    billingJob: jobs.billingJob,
    parts: running.names,
    stop() {
      stopping ??= (async () => {
        log.info('shutting down');
        await running.stop();
        await core.close();
        metrics?.close();
        lock.release();
        log.info('stopped');
      })();
      return stopping;
    },
  };
}

/** Demo mode said, and a generated admin password shown once. */
async function greetOwner(config: AppConfig, core: Core): Promise<void> {
  const { log, services } = core;
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
}

async function webApp(config: AppConfig, core: Core, metrics: Metrics | undefined, demo: DemoPieces) {
  const { log, services } = core;
  return createWebApp({
    ctx: {
      config,
      services,
      router: core.router,
      log: log.child({ module: 'web' }),
      clock: core.clock,
      simulated: config.router.simulated,
      demoVendo: () => demo.vendo,
      cardRouters: (place) => cardRoutersFor(core, place, (id) => core.siteStacks.get(id)?.router),
    },
    db: core.db,
    sessionSecret: await sessionSecret(core),
    lastPollAt: () => services.usage.lastPollAt(),
    metrics,
    controller: () => ({
      mode: config.controllerMode,
      polls: core.leases.held().sort((a, b) => a - b),
    }),
  });
}

/** The web app on the listening server: it takes over from the "starting" answer, and closes last. */
function webPart(
  config: AppConfig,
  log: Core['log'],
  server: http.Server,
  app: http.RequestListener,
  url: string,
): Part {
  const addr = server.address() as AddressInfo;
  return {
    name: 'web',
    start() {
      server.off('request', starting);
      server.on('request', app);
      log.info(
        { url },
        `PisoNet Manager listening on ${config.bind}:${addr.port} (admin: ${url}/admin, portal: ${url}/portal)`,
      );
    },
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 1000).unref();
      await closed;
    },
  };
}
