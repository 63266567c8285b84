/**
 * What the owner sees of the router connection and its checks, the same everywhere: /healthz, the admin
 * pages, the CLI `router test` and the errors of commands that need the router.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config/env';
import { startApp, type RunningApp } from '../../src/app';
import { openCore } from '../../src/core';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { FASTTRACK_FIX } from '../../src/services/network/router-checks';
import { RouterSimulator } from '../../src/simulator';
import { routerInfoText } from '../../cli/lib/render';
import { requireRouter } from '../../cli/lib/context';
import { AdminClient } from '../admin/client';
import type { Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { copiedSqlite } from '../helpers/test-db';
import { waitFor } from '../helpers/wait';

const LOGIN_MESSAGE =
  'The router refused the API user or password (user "admin"): check ROUTER_USER/ROUTER_PASSWORD and the user\'s group (api, read, write)';
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

let dir: string;
let sim: RouterSimulator;
let app: RunningApp | undefined;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-surfaces-'));
  fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
  // A database migrated once for the run (test-db.ts): the start finds nothing to migrate.
  await copiedSqlite(dir, 'db.sqlite');
  sim = new RouterSimulator({ port: 0, users: [{ name: 'admin', password: 'router-pw' }] });
  await sim.start();
});

afterEach(async () => {
  await app?.stop();
  app = undefined;
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function env(routerPassword: string, timeoutSeconds = '2'): Record<string, string> {
  return {
    DATABASE_URL: `sqlite:${path.join(dir, 'db.sqlite')}`,
    DATA_DIR: dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(sim.port),
    ROUTER_USER: 'admin',
    ROUTER_PASSWORD: routerPassword,
    ROUTER_TIMEOUT_SECONDS: timeoutSeconds,
    PROFILES_FILE: path.join(dir, 'profiles.json'),
    PORT: '0',
    BIND: '127.0.0.1',
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'correct horse battery',
    SESSION_SECRET: 'test-session-secret-0123456789',
  };
}

async function start(
  routerPassword: string,
  timeoutSeconds?: string,
): Promise<{ config: AppConfig; app: RunningApp; admin: AdminClient }> {
  const config = loadConfig(env(routerPassword, timeoutSeconds));
  app = await startApp(config, { log: createLogger('silent') });
  const admin = new AdminClient(app.url);
  expect((await admin.login()).status).toBe(303);
  return { config, app, admin };
}

/** What runCli needs of a harness: the database, the data folder and the router's address. */
function cliTarget(config: AppConfig): Harness {
  return { config, dir, sim, databaseUrl: env('').DATABASE_URL } as unknown as Harness;
}

/** The FastTrack warnings of a /healthz answer. */
const fastTrack = (h: Health) => h.warnings.filter((w) => w.code === 'FASTTRACK');

interface Health {
  router: { connected: boolean; error?: { code: string; message: string } | null };
  warnings: { code: string; message: string; fix: string }[];
}

async function healthz(a: RunningApp): Promise<Health> {
  return (await (await fetch(`${a.url}/healthz`)).json()) as Health;
}

test('a wrong router password: the same code and message in /healthz, the admin, the CLI and its errors', async () => {
  // Pages, the router test and the terminal wait ROUTER_TIMEOUT_SECONDS for a router that never lets them in:
  // one second here.
  const { config, app: a, admin } = await start('not-the-router-pw', '1');
  // The router's answer to the login, not a fixed wait: it never connects.
  await waitFor(() => a.core.router.status.lastErrorCode === 'ROUTER_LOGIN_FAILED');
  const h = await healthz(a);
  expect(h.router).toMatchObject({
    connected: false,
    error: { code: 'ROUTER_LOGIN_FAILED', message: LOGIN_MESSAGE },
  });

  const dashboard = await admin.html('/admin');
  expect(dashboard).toContain(html(LOGIN_MESSAGE));
  expect(dashboard).toContain('(ROUTER_LOGIN_FAILED)');
  const token = await admin.token('/admin/settings');
  const tested = await admin.post('/admin/settings/router-test', {}, token);
  const settings = await tested.text();
  expect(settings).toContain(`Failed: ${html(LOGIN_MESSAGE)}`);
  expect(settings).toContain('(ROUTER_LOGIN_FAILED)');

  // The CLI opens its own core on the same database (no lock: it shares it with the server by design).
  const cli = await openCore(config, { role: 'cli', log: createLogger('silent') });
  try {
    const info = await cli.services.routerInfo.test();
    expect(info).toMatchObject({ connected: false, error: LOGIN_MESSAGE, errorCode: 'ROUTER_LOGIN_FAILED' });
    expect(routerInfoText(info)).toContain(`${LOGIN_MESSAGE} (ROUTER_LOGIN_FAILED)`);
    // A command that needs the router says what to fix, not "try again shortly".
    await expect(requireRouter(cli)).rejects.toMatchObject({
      code: 'ROUTER_LOGIN_FAILED',
      message: LOGIN_MESSAGE,
    });
  } finally {
    await cli.close();
  }

  const run = await runCli(cliTarget(config), ['router', 'test'], {
    env: { ROUTER_PASSWORD: 'not-the-router-pw', ROUTER_TIMEOUT_SECONDS: '1' },
  });
  expect(run.code).toBe(1);
  expect(run.stdout).toContain(`${LOGIN_MESSAGE} (ROUTER_LOGIN_FAILED)`);
  expect(run.stderr).toBe(`error: ${LOGIN_MESSAGE} (ROUTER_LOGIN_FAILED)\n`);
}, 40000);

test('FastTrack on the router: a warning with its fix in /healthz, on every admin page and in the CLI; gone once disabled', async () => {
  const { config, app: a, admin } = await start('router-pw');
  expect(await a.core.router.waitConnected(5000)).toBe(true);
  const router = a.core.router;
  const routerChecks = a.core.services.routerChecks;
  await routerChecks.check();
  expect((await healthz(a)).warnings).toEqual([]);
  expect(await admin.html('/admin/vouchers')).not.toContain('data-testid="router-warning"');

  const rule = await router.add('/ip/firewall/filter', {
    chain: 'forward',
    action: 'fasttrack-connection',
    'connection-state': 'established,related',
    comment: 'defconf: fasttrack',
  });
  // Found at the next check: here the one a reconnect runs (the router rebooted, say).
  await sim.reboot({ downMs: 50 });
  for (let i = 0; i < 100 && routerChecks.warnings().length === 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  // A poll that notices the reboot reads the router's setup again too, whenever it runs, and this test's router was
  // never set up (SETUP_INCOMPLETE): done here at once, so the FastTrack warning is told apart from it every time.
  await routerChecks.checkSetup();
  const h = await healthz(a);
  expect(h.warnings.map((w) => w.code)).toEqual(['FASTTRACK', 'SETUP_INCOMPLETE']);
  expect(fastTrack(h)).toEqual([
    {
      code: 'FASTTRACK',
      message: expect.stringMatching(
        /^FastTrack is on for hotspot traffic \(rule \*[0-9A-F]+ in chain forward "defconf: fasttrack"\)/,
      ),
      fix: '/ip firewall filter set [find action=fasttrack-connection] disabled=yes',
    },
  ]);
  expect(fastTrack(h)[0]!.fix).toBe(FASTTRACK_FIX);
  for (const page of ['/admin', '/admin/vouchers', '/admin/settings']) {
    const body = await admin.html(page);
    expect(body).toContain('data-testid="router-warning" data-code="FASTTRACK"');
    expect(body).toContain(html(FASTTRACK_FIX));
  }
  const text = routerInfoText(await a.core.services.routerInfo.test());
  expect(text).toContain('Warning (FASTTRACK): FastTrack is on for hotspot traffic');
  expect(text).toContain(`fix: ${FASTTRACK_FIX}`);
  const run = await runCli(cliTarget(config), ['router', 'test'], { env: { ROUTER_PASSWORD: 'router-pw' } });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('Warning (FASTTRACK)');
  expect(run.stdout).toContain(`fix: ${FASTTRACK_FIX}`);

  // Disabled on the router: gone at the next check, here the one "Test router connection" runs.
  await router.disable('/ip/firewall/filter', rule);
  expect(fastTrack(await healthz(a))).toHaveLength(1); // not checked yet
  const token = await admin.token('/admin/settings');
  const tested = await (await admin.post('/admin/settings/router-test', {}, token)).text();
  expect(tested).not.toContain('data-code="FASTTRACK"');
  expect(fastTrack(await healthz(a))).toEqual([]);
  expect(await admin.html('/admin/vouchers')).not.toContain('data-code="FASTTRACK"');
}, 40000);
