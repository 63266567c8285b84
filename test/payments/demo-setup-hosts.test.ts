/**
 * A fresh demo sets its simulated router up as a shop's owner is told to (`router setup --apply`), once, and offers
 * "Pay with GCash / Maya" through its own simulated gateway. The terminal beside it starts no gateway, yet its
 * router setup wants what the server's does: its check finds the walled garden complete, the checkout and wallet
 * hosts included, and `pisonet doctor` passes on the fresh demo. An item broken afterwards still fails the doctor.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import { createLogger } from '../../src/lib/logger';
import { paymentWalledGardenHosts } from '../../src/payments/walled-garden';
import { demoCli as cli, demoEnv } from '../helpers/demo-cli';

jest.setTimeout(120_000);

let dir: string;
let app: RunningApp;
let env: Record<string, string>;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-demo-setup-'));
  env = await demoEnv(dir);
  app = await startApp(loadConfig(env), { log: createLogger('silent') });
  expect(await app.core.router.waitConnected(5000)).toBe(true);
  await app.core.services.routerBinding.check();
});

afterAll(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function demoSetUp(): Promise<void> {
  const until = Date.now() + 60_000;
  while (!(await app.core.services.settings.get<boolean>('demo.router_set_up', false))) {
    if (Date.now() > until) throw new Error('the demo router was not set up in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Check = { id: string; state: string; detail: string };

test('the fresh demo sets its router up; the terminal wants the payment hosts too, and the doctor passes', async () => {
  await demoSetUp();
  const check = await cli(env, ['router', 'setup', '--check', '--json']);
  const items = (JSON.parse(check.stdout) as { items: Check[] }).items;
  expect(items.filter((i) => i.state !== 'ok')).toEqual([]);
  expect(check.code).toBe(0);
  const garden = items.find((i) => i.id === 'walled-garden');
  for (const host of paymentWalledGardenHosts()) expect(garden?.detail).toContain(host);

  const doctor = await cli(env, ['doctor', '--json']);
  const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: Check[] };
  expect(report.checks.filter((c) => c.state === 'fail')).toEqual([]);
  expect(report.checks.find((c) => c.id === 'setup')?.state).toBe('ok');
  expect(doctor.code).toBe(0);
});

test('an item broken on the demo router after its set-up fails the doctor, as on any router', async () => {
  const router = app.core.router;
  const [api] = await router.print('/ip/service', { query: ['name=api'] });
  await router.set('/ip/service', api['.id'], { address: '' });
  const doctor = await cli(env, ['doctor', '--json']);
  const report = JSON.parse(doctor.stdout) as { ok: boolean; checks: Check[] };
  expect(report.checks.find((c) => c.id === 'setup')).toMatchObject({ state: 'fail' });
  expect(report.checks.find((c) => c.id === 'setup')?.detail).toContain('api-service');
  expect(doctor.code).toBe(1);
});
