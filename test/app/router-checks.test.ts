/**
 * The router checks against the simulator: which FastTrack rules count, one log line per appearance, kept while
 * away, read again after a poll while up; the setup read at a restart (SETUP_INCOMPLETE).
 */
import { localRouterClient } from '../router/helpers';
import type { HardenedRouterClient } from '../../src/router';
import { RouterSimulator } from '../../src/simulator';
import { createLogger } from '../../src/lib/logger';
import {
  createRouterChecksService,
  hotspotFastTrackRules,
  SETUP_FIX,
  SETUP_RECHECK_MS,
} from '../../src/services/network/router-checks';
import type { SetupReport } from '../../src/services/network/router-setup';

let sim: RouterSimulator;
let client: HardenedRouterClient;
const lines: { level: number; msg: string }[] = [];
const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s)) });

beforeEach(async () => {
  lines.length = 0;
  sim = new RouterSimulator({ port: 0 });
  const { port } = await sim.start();
  client = localRouterClient(port, {
    timeoutSeconds: 2,
    logger: createLogger('silent'),
    reconnect: { minMs: 20, maxMs: 100 },
  });
  await client.start();
  expect(await client.waitConnected(3000)).toBe(true);
});

afterEach(async () => {
  await client.stop();
  await sim.stop();
});

const FILTER = '/ip/firewall/filter';
const fasttrack = (extra: Record<string, string> = {}) =>
  client.add(FILTER, { chain: 'forward', action: 'fasttrack-connection', ...extra });

test('which rules count: enabled FastTrack outside input/output without hotspot=!auth', () => {
  const rule = (r: Record<string, string>) => ({ action: 'fasttrack-connection', disabled: 'false', ...r });
  const rules = [
    rule({ '.id': '*1', chain: 'forward' }),
    rule({ '.id': '*2', chain: 'forward', disabled: 'true' }),
    rule({ '.id': '*3', chain: 'forward', hotspot: '!auth' }),
    rule({ '.id': '*4', chain: 'forward', hotspot: 'from-client,!auth' }),
    rule({ '.id': '*5', chain: 'forward', hotspot: 'auth' }),
    rule({ '.id': '*6', chain: 'input' }),
    rule({ '.id': '*7', chain: 'my-forward-jump' }),
    rule({ '.id': '*8', chain: 'forward', 'in-interface': 'ether1' }),
    { '.id': '*9', chain: 'forward', action: 'accept', disabled: 'false' },
  ];
  expect(hotspotFastTrackRules(rules).map((r) => r['.id'])).toEqual(['*1', '*5', '*7', '*8']);
});

test('a warning appears once in the log, goes with the rule, and comes back with it', async () => {
  const checks = createRouterChecksService(client, log);
  expect(await checks.check()).toEqual([]);
  await fasttrack({ hotspot: '!auth' }); // customers excluded: fine
  expect(await checks.check()).toEqual([]);

  const id = await fasttrack({ 'connection-state': 'established,related' });
  const [w] = await checks.check();
  expect(w).toMatchObject({
    code: 'FASTTRACK',
    fix: '/ip firewall filter set [find action=fasttrack-connection] disabled=yes',
  });
  expect(w!.message).toContain(`rule ${id} in chain forward`);
  await checks.check();
  await checks.check();
  const warned = () => lines.filter((l) => l.level === 40 && /FastTrack is on/.test(l.msg));
  expect(warned()).toHaveLength(1);

  await client.remove(FILTER, id);
  expect(checks.warnings()).toHaveLength(1); // until the next check
  expect(await checks.check()).toEqual([]);
  expect(lines.some((l) => l.level === 30 && /FASTTRACK resolved/.test(l.msg))).toBe(true);

  await fasttrack();
  await checks.check();
  expect(warned()).toHaveLength(2);
});

test('while the router is away the last list is kept, not cleared', async () => {
  const checks = createRouterChecksService(client, log);
  await fasttrack();
  expect(await checks.check()).toHaveLength(1);
  sim.setReachable(false);
  for (let i = 0; i < 100 && client.status.connected; i++) await new Promise((r) => setTimeout(r, 20));
  expect(client.status.connected).toBe(false);
  expect(await checks.check()).toHaveLength(1);
  expect(checks.warnings()).toHaveLength(1);
});

test('two checks at once share one read of the firewall', async () => {
  const checks = createRouterChecksService(client, log);
  const before = sim.stats.commandsByPath['/ip/firewall/filter/print'] ?? 0;
  await Promise.all([checks.check(), checks.check()]); // two callers at once: one read
  expect(sim.stats.commandsByPath['/ip/firewall/filter/print']).toBe(before + 1);
});

test('after a poll a FastTrack warning that is up is read again (one print), and nothing is read while none is', async () => {
  const checks = createRouterChecksService(client, log);
  const prints = () => sim.stats.commandsByPath['/ip/firewall/filter/print'] ?? 0;
  await checks.check();
  let before = prints();
  await checks.afterPoll();
  expect(prints()).toBe(before); // all is well: no read

  const id = await fasttrack();
  await checks.check();
  expect(checks.warnings().map((w) => w.code)).toEqual(['FASTTRACK']);
  // Fixed elsewhere (the terminal's `router setup --apply`, the router's own terminal): gone after the next poll.
  await client.disable(FILTER, id);
  before = prints();
  await checks.afterPoll();
  expect(prints()).toBe(before + 1);
  expect(checks.warnings()).toEqual([]);
});

/** A setup report with these items not ok (each `missing`), the others ok. */
const report = (...off: string[]): SetupReport => ({
  ok: off.length === 0,
  items: ['hotspot', 'walled-garden', 'login-page', 'fasttrack', 'api-service'].map((id) => ({
    id: id as SetupReport['items'][number]['id'],
    state: off.includes(id) ? 'missing' : 'ok',
    detail: '',
    fix: '',
  })),
});

test('the setup read at a restart: SETUP_INCOMPLETE for what customers need, re-read at most once a minute after polls', async () => {
  let now = 1_000_000;
  let setup = report('walled-garden', 'login-page', 'api-service', 'fasttrack');
  let reads = 0;
  const checks = createRouterChecksService(client, log, {
    setup: async () => (reads++, setup),
    now: () => now,
  });
  await checks.check();
  expect(reads).toBe(0); // FastTrack only, while the setup is not known to be broken

  const [w] = await checks.checkSetup();
  expect(w).toMatchObject({ code: 'SETUP_INCOMPLETE', fix: SETUP_FIX });
  // api-service may be left off on purpose, fasttrack is FASTTRACK's: neither is listed.
  expect(w!.message).toContain('(walled-garden missing, login-page missing)');
  expect(lines.filter((l) => l.level === 40 && /lacks part of the setup/.test(l.msg))).toHaveLength(1);

  setup = report(); // put back from the terminal
  await checks.afterPoll();
  expect(reads).toBe(1); // read a moment ago: not again yet
  now += SETUP_RECHECK_MS;
  await checks.afterPoll();
  expect(reads).toBe(2);
  expect(checks.warnings()).toEqual([]);
  expect(lines.some((l) => l.level === 30 && /SETUP_INCOMPLETE resolved/.test(l.msg))).toBe(true);

  // While it is up, every check (the hourly one, a fix on the Setup page) reads it too.
  setup = report('walled-garden');
  await checks.checkSetup();
  setup = report();
  expect(await checks.check()).toEqual([]);
  expect(reads).toBe(4);
});
