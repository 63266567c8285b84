/**
 * The router setup against the simulator: every item checked, applied, applied again without a write, entries
 * that are not ours untouched, a router with no hotspot server, and a router refusing a change.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { localRouterClient } from './helpers';
import type { HardenedRouterClient } from '../../src/router';
import { RouterSimulator } from '../../src/simulator';
import { createLogger } from '../../src/lib/logger';
import { createRouterSetupService, FETCH_FILE_WAIT_MS } from '../../src/services/network/router-setup';
import { setupWants, type WantsInput } from '../../src/services/network/router-setup/wants';
import type { AuditService } from '../../src/services/business/audit/types';
import type { SetupWants } from '../../src/router/setup-plan';

const WRITES = /\/(add|set|unset|remove|disable|enable|comment|move)$|^\/tool\/fetch$/;
const CONTROLLER = { address: '10.5.50.2', mac: '02:AA:00:00:00:02' };

let sim: RouterSimulator;
let client: HardenedRouterClient;
let web: http.Server;
let webPort: number;
let page = '';
const audited: { action: string; details?: Record<string, unknown> }[] = [];
const audit: AuditService = {
  record: async (_a, action, _t, details) => void audited.push({ action, details }),
  list: async () => ({ total: 0, entries: [] }),
};
const service = createRouterSetupService({ audit, log: createLogger('silent') });
const actor = { name: 'owner', via: 'cli' as const };

async function startSim(version?: string) {
  sim = new RouterSimulator({ port: 0, version });
  const { port } = await sim.start();
  client = localRouterClient(port, {
    timeoutSeconds: 5,
    logger: createLogger('silent'),
    reconnect: { minMs: 20, maxMs: 100 },
  });
  await client.start();
  expect(await client.waitConnected(3000)).toBe(true);
}

beforeAll(async () => {
  // The controller's own web server, as far as the router's fetch is concerned.
  web = http.createServer((req, res) => {
    if (req.url?.startsWith('/hotspot/login.html')) {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page);
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  webPort = (web.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => web.close(() => r()));
});

beforeEach(async () => {
  audited.length = 0;
  await startSim();
});
afterEach(async () => {
  await client.stop();
  await sim.stop();
});

async function wants(over: Partial<WantsInput> = {}, controller = CONTROLLER): Promise<SetupWants> {
  const w = await setupWants(
    {
      site: 'default',
      routerHost: '127.0.0.1',
      routerTls: false,
      portalUrl: '',
      port: 5000,
      hotspotServer: 'all',
      hotspotUserProfile: 'default',
      sharedUsers: 2,
      extraHosts: ['checkout.paymongo.com'],
      ...over,
    },
    {
      resolve: async () => '10.5.50.3',
      localAddressFor: async () => controller.address,
      localMacFor: () => controller.mac,
    },
  );
  page = w.loginPage.contents;
  // The router fetches from the test's web server (the controller's address is not this machine's).
  return {
    ...w,
    loginPage: { ...w.loginPage, url: `http://127.0.0.1:${webPort}/hotspot/login.html?site=default` },
  };
}

/** MikroTik's default FastTrack rule, a rate-limited voucher profile, and entries of the shop's own. */
async function factoryLike() {
  await client.add('/ip/firewall/filter', {
    chain: 'forward',
    action: 'fasttrack-connection',
    'connection-state': 'established,related',
    comment: 'defconf: fasttrack',
  });
  await client.set('/ip/hotspot/user/profile', '*1', { 'rate-limit': '1M/1M' });
  await client.add('/ip/hotspot/walled-garden/ip', {
    action: 'accept',
    'dst-address': '8.8.8.8',
    comment: 'the owner’s own',
  });
  await client.add('/ip/hotspot/walled-garden', { 'dst-host': 'gcash.com', comment: 'owner' });
  await client.add('/ip/hotspot/ip-binding', {
    'mac-address': '02:BB:00:00:00:09',
    type: 'bypassed',
    comment: 'printer',
  });
  sim.addDevice({ mac: CONTROLLER.mac, ip: CONTROLLER.address });
}

function writesSince(before: Record<string, number>): string[] {
  return Object.entries(sim.stats.commandsByPath)
    .filter(([cmd, n]) => WRITES.test(cmd) && n > (before[cmd] ?? 0))
    .map(([cmd]) => cmd);
}

const theirs = () =>
  JSON.stringify([
    sim.rows('/ip/hotspot/walled-garden/ip').filter((r) => !(r.comment ?? '').includes('pisonet')),
    sim.rows('/ip/hotspot/walled-garden').filter((r) => !(r.comment ?? '').includes('pisonet')),
    sim.rows('/ip/hotspot/ip-binding').filter((r) => !(r.comment ?? '').includes('pisonet')),
    sim
      .rows('/ip/firewall/filter')
      .filter((r) => r.action !== 'fasttrack-connection' && r.dynamic !== 'true'),
    sim.rows('/queue/simple'),
  ]);

test('a factory-like router: check lists every item, apply fixes them all, a second apply writes nothing', async () => {
  await factoryLike();
  const w = await wants();
  const before = theirs();
  const check = await service.check(client, w);
  expect(check.ok).toBe(false);
  const states = Object.fromEntries(check.items.map((i) => [i.id, i.state]));
  expect(states).toEqual({
    hotspot: 'ok',
    'user-profile': 'wrong',
    'walled-garden': 'missing',
    'login-page': 'wrong',
    fasttrack: 'wrong',
    bypass: 'missing',
    'api-service': 'wrong',
  });
  expect(check.items.find((i) => i.id === 'fasttrack')?.fix).toMatch(/^\/ip firewall filter disable /);

  const result = await service.apply(client, w, { actor, site: 'default' });
  expect(result.failed).toBeNull();
  expect(result.ok).toBe(true);
  expect(result.items.every((i) => i.state === 'ok')).toBe(true);
  // What the router now holds.
  expect(sim.rows('/ip/hotspot/user/profile')[0]?.['rate-limit']).toBeUndefined();
  expect(sim.rows('/ip/hotspot/user/profile')[0]?.['shared-users']).toBe('2');
  expect(sim.rows('/ip/hotspot/walled-garden/ip')).toContainEqual(
    expect.objectContaining({
      'dst-address': '10.5.50.2',
      'dst-port': '5000',
      protocol: 'tcp',
      action: 'accept',
    }),
  );
  expect(sim.rows('/ip/hotspot/walled-garden').map((r) => r['dst-host'])).toEqual([
    'gcash.com',
    'checkout.paymongo.com',
  ]);
  expect(sim.rows('/file').find((f) => f.name === 'hotspot/login.html')?.contents).toBe(page);
  expect(sim.rows('/ip/firewall/filter').find((r) => r.action === 'fasttrack-connection')?.disabled).toBe(
    'true',
  );
  expect(sim.rows('/ip/hotspot/ip-binding')).toContainEqual(
    expect.objectContaining({ 'mac-address': CONTROLLER.mac, type: 'bypassed' }),
  );
  expect(sim.rows('/ip/service').find((s) => s.name === 'api')?.address).toBe('10.5.50.2/32');
  expect(theirs()).toBe(before);
  expect(audited.filter((a) => a.action === 'router.setup').length).toBe(result.changes.length);
  expect(result.changes.length).toBeGreaterThanOrEqual(8);

  const counted = { ...sim.stats.commandsByPath };
  const again = await service.apply(client, w, { actor, site: 'default' });
  expect(again.changes).toEqual([]);
  expect(writesSince(counted)).toEqual([]);
  expect((await service.check(client, w)).ok).toBe(true);
});

test('no hotspot server: only that item, naming the fix, and nothing at all is written', async () => {
  await client.remove('/ip/hotspot', '*1');
  const w = await wants();
  const check = await service.check(client, w);
  expect(check).toEqual({
    ok: false,
    items: [expect.objectContaining({ id: 'hotspot', state: 'missing', fix: '/ip hotspot setup' })],
  });
  const counted = { ...sim.stats.commandsByPath };
  const result = await service.apply(client, w, { actor, site: 'default' });
  expect(result.changes).toEqual([]);
  expect(writesSince(counted)).toEqual([]);
});

test('a router refusing a change: its words are shown, apply stops there and says so', async () => {
  const w = await wants();
  // A port RouterOS refuses (a PORT the shop mistyped): the walled-garden entry cannot be added.
  const bad = { ...w, portal: { ...w.portal, port: 70000 } };
  const result = await service.apply(client, bad, { actor, site: 'default' });
  expect(result.failed).toBe('walled-garden');
  expect(result.ok).toBe(false);
  const refused = result.changes.find((c) => !c.ok);
  expect(refused).toEqual(
    expect.objectContaining({ item: 'walled-garden', error: 'invalid value for argument dst-port' }),
  );
  // What came before it is done and reported; nothing after it was tried.
  expect(result.changes.filter((c) => c.ok).map((c) => c.item)).toEqual(['user-profile']);
  expect(sim.rows('/file').find((f) => f.name === 'hotspot/login.html')?.contents).not.toBe(page);
  expect(audited.map((a) => a.action)).toEqual(['router.setup', 'router.setup-refused']);
});

test('a fetch the router cannot make (a 404): the page is written through /file instead', async () => {
  const w = await wants();
  const broken = { ...w, loginPage: { ...w.loginPage, url: `http://127.0.0.1:${webPort}/nothing-here` } };
  const result = await service.apply(client, broken, { actor, site: 'default', only: ['login-page'] });
  expect(result.changes[0]).toEqual(
    expect.objectContaining({ ok: false, error: 'Fetch failed with status 404' }),
  );
  expect(result.changes[1]).toEqual(
    expect.objectContaining({ ok: true, command: expect.stringMatching(/^\/file set /) }),
  );
  expect(result.failed).toBeNull();
  expect(sim.rows('/file').find((f) => f.name === 'hotspot/login.html')?.contents).toBe(page);
});

test('a router before 7.9 has no /file add: a failed fetch is reported as not done', async () => {
  await client.stop();
  await sim.stop();
  await startSim('7.8');
  const w = await wants();
  const broken = { ...w, loginPage: { ...w.loginPage, url: `http://127.0.0.1:${webPort}/nothing-here` } };
  const result = await service.apply(client, broken, { actor, site: 'default', only: ['login-page'] });
  expect(result.failed).toBe('login-page');
  expect(result.items.find((i) => i.id === 'login-page')?.state).toBe('wrong');
});

test('a RADIUS site: the RADIUS client, CoA and use-radius are items too, and fixed', async () => {
  const w = await wants();
  const radius = { ...w, radius: { address: '10.5.50.2', secret: 's3cret-radius', coaPort: 3799 } };
  const check = await service.check(client, radius);
  const states = Object.fromEntries(check.items.map((i) => [i.id, i.state]));
  expect(states).toEqual(
    expect.objectContaining({ radius: 'missing', 'radius-incoming': 'wrong', 'use-radius': 'wrong' }),
  );
  // The secret is never shown.
  expect(JSON.stringify(check)).not.toContain('s3cret-radius');
  const result = await service.apply(client, radius, { actor, site: 'default' });
  expect(result.ok).toBe(true);
  expect(JSON.stringify(audited)).not.toContain('s3cret-radius');
  expect(sim.rows('/radius')[0]).toEqual(
    expect.objectContaining({ address: '10.5.50.2', service: 'hotspot', secret: 's3cret-radius' }),
  );
  expect(sim.rows('/radius/incoming')[0]).toEqual(expect.objectContaining({ accept: 'true', port: '3799' }));
  expect(sim.rows('/ip/hotspot/profile').find((p) => p.name === 'hsprof1')?.['use-radius']).toBe('true');
});

test('after apply, a phone opening the hotspot login page gets the uploaded page, sent on to the portal with its MAC and IP', async () => {
  await client.stop();
  await sim.stop();
  sim = new RouterSimulator({ port: 0, hotspotHttpPort: 0 });
  const { port } = await sim.start();
  client = localRouterClient(port, {
    timeoutSeconds: 5,
    logger: createLogger('silent'),
    reconnect: { minMs: 20, maxMs: 100 },
  });
  await client.start();
  expect(await client.waitConnected(3000)).toBe(true);
  sim.addDevice({ mac: '02:50:00:00:00:07', ip: '10.5.50.17' });
  const login = () =>
    fetch(`http://127.0.0.1:${sim.hotspotHttpPort}/login?dst=http%3A%2F%2Fexample.com%2F`, {
      headers: { 'X-Sim-Client-Mac': '02:50:00:00:00:07' },
    }).then((r) => r.text());
  expect(await login()).not.toContain('/portal');
  const result = await service.apply(client, await wants(), { actor, site: 'default', only: ['login-page'] });
  expect(result.ok).toBe(true);
  const html = await login();
  expect(html).toContain('action="http://10.5.50.2:5000/portal"');
  expect(html).toContain('name="mac" value="02:50:00:00:00:07"');
  expect(html).toContain('name="ip" value="10.5.50.17"');
  expect(html).toContain('name="link-orig" value="http://example.com/"');
  expect(html).toContain('name="link-login-only" value="http://');
});

test('a fetch whose file appears a moment after the router answered: setup waits for it and reports the page done', async () => {
  await client.stop();
  await sim.stop();
  // Before 7.9 there is no /file fallback to hide a wrong verdict.
  await startSim('7.8');
  sim.faults.fetchFileAfter(1200);
  const w = await wants();
  const result = await service.apply(client, w, { actor, site: 'default', only: ['login-page'] });
  expect(result.failed).toBeNull();
  expect(result.ok).toBe(true);
  expect(result.changes).toEqual([
    expect.objectContaining({ item: 'login-page', ok: true, command: expect.stringMatching(/^\/tool fetch /) }),
  ]);
  expect(result.items.find((i) => i.id === 'login-page')?.state).toBe('ok');
  expect(sim.rows('/file').find((f) => f.name === 'hotspot/login.html')?.contents).toBe(page);
});

test('a fetch whose file never appears is still reported as not done, after the wait', async () => {
  await client.stop();
  await sim.stop();
  await startSim('7.8');
  sim.faults.fetchFileAfter(60_000);
  const w = await wants();
  const started = Date.now();
  const result = await service.apply(client, w, { actor, site: 'default', only: ['login-page'] });
  expect(Date.now() - started).toBeGreaterThanOrEqual(FETCH_FILE_WAIT_MS - 500);
  expect(result.failed).toBe('login-page');
  expect(result.changes[0]).toEqual(
    expect.objectContaining({ ok: false, error: 'the router did not save the page it fetched' }),
  );
});
