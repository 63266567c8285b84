/**
 * The demo's subscribers: a fresh demo start (no ROUTER_HOST) sells the monthly plan HOME-10M and has two
 * subscribers whose secrets are on the demo router and whose CPEs are online over PPPoE, moving traffic; a restart
 * makes no second copy, brings the sessions back and does not make again what the owner ended.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/app';
import { loadConfig } from '../../src/config/env';
import { DEMO_PLAN, DEMO_SUBSCRIBERS } from '../../src/demo/subscribers';
import { DEMO_PPPOE_POOL } from '../../src/router/demo-pppoe';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { SYSTEM } from '../../src/services/types';
import { AUTH } from '../portal/helpers';
import { waitFor as waitUntil } from '../helpers/wait';
import { freePort } from '../helpers/ports';

jest.setTimeout(90_000);

let dir: string;
let app: RunningApp | undefined;
let simPort: number | undefined;

const waitFor = (cond: () => boolean | Promise<boolean>, ms = 30_000) => waitUntil(cond, ms, 100);

async function startDemo(): Promise<RunningApp> {
  const config = loadConfig({
    ROUTER_HOST: '',
    // A port known before: the demo router hosted again listens where the connection looks for it.
    SIMULATOR_PORT: String((simPort ??= await freePort())),
    DATABASE_URL: `sqlite:${path.join(dir, 'demo.sqlite')}`,
    DATA_DIR: dir,
    PROFILES_FILE: path.join(dir, 'profiles.json'),
    PORT: '0',
    BIND: '127.0.0.1',
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
    ADMIN_PASSWORD: 'correct horse battery',
    ADMIN_API_TOKEN: AUTH.Authorization.replace('Bearer ', ''),
    SESSION_SECRET: 'test-session-secret-0123456789',
    COOKIE_SECURE: 'false',
    USAGE_POLL_SECONDS: '5',
  });
  return startApp(config, { log: createLogger('silent') });
}

const sim = () => app!.core.demo!.simulator!;
const names = (menu: string) =>
  sim()
    .rows(menu)
    .map((r) => r.name);
const [NENA, TONYO] = DEMO_SUBSCRIBERS.map((s) => s.username);

async function subscribers(): Promise<
  Array<{ name: string; username: string; status: string; profile: string }>
> {
  const res = await fetch(`${app!.url}/admin/api/subscribers`, { headers: AUTH });
  return ((await res.json()) as { subscribers: never[] }).subscribers;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-demo-subs-'));
  fs.copyFileSync(projectPath('profiles.json'), path.join(dir, 'profiles.json'));
});
afterAll(async () => {
  await app?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a fresh demo has the monthly plan and two subscribers online over PPPoE, moving traffic', async () => {
  app = await startDemo();
  await waitFor(async () => (await subscribers()).length === 2);
  expect((await subscribers()).map((s) => [s.name, s.username, s.status, s.profile])).toEqual(
    DEMO_SUBSCRIBERS.map((s) => [s.name, s.username, 'active', DEMO_PLAN.name]),
  );
  const plan = await app.core.services.profiles.get(DEMO_PLAN.name);
  expect(plan.profile).toMatchObject({ billing: 'monthly', price: 99_900 });
  // The owner's PPPoE set-up on the demo router: a pool, the default profile handing it out, an enabled server.
  expect(sim().rows('/interface/pppoe-server/server')).toEqual([
    expect.objectContaining({ interface: 'ether2', disabled: 'false' }),
  ]);
  expect(
    sim()
      .rows('/ip/pool')
      .find((p) => p.name === DEMO_PPPOE_POOL.name),
  ).toBeDefined();
  // The secrets are the controller's (written by the PPP room), the sessions the CPEs'.
  await waitFor(() => [NENA, TONYO].every((u) => names('/ppp/secret').includes(u)));
  await waitFor(() => [NENA, TONYO].every((u) => names('/ppp/active').includes(u)));
  for (const a of sim().rows('/ppp/active')) expect(a.address).toMatch(/^10\.20\.30\.\d+$/);
  const bytes = () =>
    sim()
      .rows('/interface')
      .filter((i) => i.name === `<pppoe-${NENA}>`)
      .map((i) => Number(i['tx-byte']))[0] ?? 0;
  const before = bytes();
  await waitFor(() => bytes() > before, 10_000);
});

test('the demo router hosted again (the process that hosted it went away): the CPEs dial the new one', async () => {
  const demo = app!.core.demo!;
  await demo.stop();
  // As when another process hosted it and exited: the connection drops and this process hosts it from its kept state.
  await waitFor(() => demo.hosting);
  await waitFor(() => [NENA, TONYO].every((u) => names('/ppp/active').includes(u)));
});

test('a restart makes no second copy, brings the CPEs back, and does not make again what the owner ended', async () => {
  await app!.core.services.subscribers.end(TONYO, SYSTEM);
  await waitFor(() => !names('/ppp/active').includes(TONYO));
  await app!.stop();
  app = await startDemo();
  // The demo router restarted with the server: its sessions ended, the CPE that still has service dials again.
  await waitFor(() => names('/ppp/active').includes(NENA));
  const list = await subscribers();
  expect(list.map((s) => [s.username, s.status])).toEqual([
    [NENA, 'active'],
    [TONYO, 'ended'],
  ]);
  expect((await app.core.services.profiles.list()).filter((p) => p.name === DEMO_PLAN.name)).toHaveLength(1);
  expect(sim().rows('/interface/pppoe-server/server')).toHaveLength(1);
  // Mang Tonyo's CPE hung up for good: no secret, no session, a few redial intervals later too.
  await new Promise((r) => setTimeout(r, 4000));
  expect(names('/ppp/secret')).not.toContain(TONYO);
  expect(names('/ppp/active')).not.toContain(TONYO);
});
