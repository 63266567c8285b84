import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, AppConfig } from '../../src/config/env';
import { openCore, Core, type CoreOptions } from '../../src/core';
import type { RunningApp } from '../../src/app';
import { FakeClock } from '../../src/lib/clock';
import pino from 'pino';
import { createLogger, type Logger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { createRouterClient, type HardenedRouterClient } from '../../src/router';
import { RouterSimulator } from '../../src/simulator';
import { copiedSqlite, createMigratedTestDatabase, type TemplateOwner } from './test-db';

export interface Harness {
  dir: string;
  config: AppConfig;
  /** DATABASE_URL of this harness's own database (SQLite file or PostgreSQL database; password included). */
  databaseUrl: string;
  clock: FakeClock;
  sim: RouterSimulator;
  router: HardenedRouterClient;
  core?: Core;
  app?: RunningApp;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Simulator options (latencyMs, emptyReplies, ...). */
  sim?: ConstructorParameters<typeof RouterSimulator>[0];
  /** profiles.json content; default: the shipped file. */
  profiles?: unknown[];
  /** Start the full HTTP app (else only the core). */
  http?: boolean;
  /** Use the fake clock for the core (default true). The simulator shares it. */
  fakeClock?: boolean;
  /**
   * The fake clock's time at start (default 2026-11-21 12:00 in Manila). An HTTP harness polls the router as it
   * starts, with the clock as it is then: a test that wants an earlier time says so here, not by setting the clock
   * back afterwards (a first poll still running at the later time would end the test's new vouchers).
   */
  now?: number;
  /** The controller's logger (default: silent), for tests that read what was logged. */
  log?: Logger;
  /** SQLite whatever engine the tests run on (a test about moving a SQLite shop elsewhere). */
  sqlite?: boolean;
  /**
   * An HTTP harness's own poll job for its router (default off once started: a test drives its polls itself, with
   * runCycle(), each where it means one; a job that follows the fake clock would poll between a test's steps).
   * On for a test of the job itself, or of what the running server does by itself.
   */
  serverPoll?: boolean;
  /** The other sites: their poll jobs, read interval and reconnect backoff (tests with several routers). */
  sites?: Pick<CoreOptions, 'sitePolls' | 'siteReadSeconds' | 'siteReconnect'>;
}

/** The owner's account every harness is started with, unless its env says otherwise. */
const ADMIN = { username: 'admin', password: 'correct horse battery' };

/** The owner's account the product's first start makes from the env, if it makes one. */
function ownerOf(env: Record<string, string> | undefined, at: number): TemplateOwner | undefined {
  const username = env?.ADMIN_USERNAME ?? ADMIN.username;
  const password = env?.ADMIN_PASSWORD ?? ADMIN.password;
  return password ? { username, password, at } : undefined;
}

/**
 * A complete controller against its own simulated router, temp database and fake clock.
 * Tests assert what the router ends up holding and what the API/pages show.
 */
export async function createHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-test-'));
  const clock = new FakeClock(opts.now);
  const useFake = opts.fakeClock !== false;
  const sim = new RouterSimulator({ port: 0, clock: useFake ? () => clock.now() : undefined, ...opts.sim });
  const { port } = await sim.start();
  const profilesFile = path.join(dir, 'profiles.json');
  const shipped = JSON.parse(fs.readFileSync(projectPath('profiles.json'), 'utf8'));
  fs.writeFileSync(profilesFile, JSON.stringify(opts.profiles ?? shipped, null, 2));
  // SQLite in the temporary folder, or a fresh PostgreSQL database under `npm run test:pg` (test-db.ts).
  // Both copies of a template migrated once (test-db.ts): the product's start then finds nothing to migrate.
  // A web server's first start makes the owner's account from ADMIN_PASSWORD: the template has it made (test-db.ts).
  const owner = opts.http ? ownerOf(opts.env, clock.now()) : undefined;
  const database = opts.sqlite
    ? await copiedSqlite(dir, undefined, owner)
    : await createMigratedTestDatabase(dir, undefined, owner);
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(port),
    ROUTER_USER: 'admin',
    ROUTER_PASSWORD: '',
    ROUTER_TIMEOUT_SECONDS: '3',
    PROFILES_FILE: profilesFile,
    PORT: '0',
    BIND: '127.0.0.1',
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    ADMIN_API_TOKEN: 'test-token-0123456789abcdef',
    SESSION_SECRET: 'test-session-secret-0123456789',
    COOKIE_SECURE: 'false',
    USAGE_POLL_SECONDS: '30',
    // The server's scheduled backups only where a test asks for them (test/backup): a fake clock moved by days
    // would otherwise make backups in the middle of other tests.
    BACKUP_EVERY: 'off',
    // Likewise the server's fair-use watch (its ticks, targeted reads and login follows) only where a test asks for
    // it (test/fup-watch): a fake clock moved by hours would otherwise start them in the middle of other tests. A
    // harness of the core alone runs no jobs, and its tests call the watch by hand.
    ...(opts.http ? { FUP_WATCH: 'off' } : {}),
    ...opts.env,
  });
  const log = opts.log ?? testLogger();
  const router = createRouterClient({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: config.router.timeoutSeconds,
    logger: log,
    reconnect: { minMs: 50, maxMs: 500 },
    // Its connected and lost times on the harness's clock, as the server wires its router to the shop's.
    now: () => clock.now(),
  });
  const h: Harness = {
    dir,
    config,
    databaseUrl: database.url,
    clock,
    sim,
    router,
    async close() {
      if (h.app) await h.app.stop();
      else if (h.core) await h.core.close();
      else await router.stop();
      await sim.stop();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const coreOpts = { router, log, clock: useFake ? clock : undefined, ...opts.sites };
  if (opts.http) {
    // Loaded only here: a harness of the core alone (a service's test) needs no web server, express or pages.
    const { startApp } = await import('../../src/app');
    h.app = await startApp(config, coreOpts);
    h.core = h.app.core;
  } else {
    h.core = await openCore(config, { ...coreOpts, role: 'cli' });
  }
  await router.waitConnected(5000);
  // A controller started on a clean router binds to it at once (src/services/network/router-binding/index.ts); settle that
  // here so a test that then puts things on the router is not taken for a router some other database manages.
  await h.core.services.routerBinding.check();
  if (opts.http && !opts.serverPoll) await h.core.defaultStack.stopPoll();
  return h;
}

/**
 * Silent, unless PISONET_TEST_LOG names a file: every harness of the run then appends its controller's log there
 * at debug level (one JSON line per entry), to read what happened in a test that failed once.
 */
function testLogger(): Logger {
  const file = process.env.PISONET_TEST_LOG;
  if (!file) return createLogger('silent');
  return createLogger('debug', pino.destination({ dest: file, sync: true, append: true }));
}
