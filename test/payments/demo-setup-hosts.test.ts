/**
 * The demo server offers "Pay with GCash / Maya" through its own simulated gateway. The terminal beside it starts
 * no gateway, yet its router setup must want what the server's does: after `router setup --apply` from the
 * terminal, the server's Setup page finds the walled garden complete (the checkout and wallet hosts included).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { paymentWalledGardenHosts } from '../../src/payments/walled-garden';

jest.setTimeout(120_000);

const ROOT = projectPath();
const BIN = path.join(ROOT, 'cli', 'pisonet.js');

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function cli(env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        timeout: 60_000,
      },
      (err, stdout) => {
        const code = err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0;
        resolve({ code, stdout });
      },
    );
  });
}

let dir: string;
let app: RunningApp;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-demo-setup-'));
  fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
  env = {
    ROUTER_HOST: '',
    SIMULATOR_PORT: String(await freePort()),
    DATABASE_URL: `sqlite:${path.join(dir, 'demo.sqlite')}`,
    DATA_DIR: dir,
    PROFILES_FILE: path.join(dir, 'profiles.json'),
    PORT: String(await freePort()),
    BIND: '127.0.0.1',
    PORTAL_URL: 'http://10.5.50.2:5000',
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'correct horse battery',
    SESSION_SECRET: 'test-session-secret-0123456789',
    COOKIE_SECURE: 'false',
    BACKUP_EVERY: 'off',
  };
  app = await startApp(loadConfig(env), { log: createLogger('silent') });
  expect(await app.core.router.waitConnected(5000)).toBe(true);
  await app.core.services.routerBinding.check();
});

afterAll(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('the terminal beside the demo server wants the payment hosts, and its --apply completes the server’s walled garden', async () => {
  const check = await cli(env, ['router', 'setup', '--check', '--json']);
  expect(check.code).toBe(3);
  const garden = (JSON.parse(check.stdout) as { items: { id: string; fix: string }[] }).items.find(
    (i) => i.id === 'walled-garden',
  );
  for (const host of paymentWalledGardenHosts()) expect(garden?.fix).toContain(host);

  const apply = await cli(env, ['router', 'setup', '--apply', '--yes', '--only', 'walled-garden']);
  expect(apply.code).toBe(0);

  const setup = app.core.services.routerSetup;
  const report = await setup.service.check(setup.routerFor(1)!, await setup.wantsFor('default'));
  expect(report.items.find((i) => i.id === 'walled-garden')?.state).toBe('ok');
});
