/**
 * The database knows its router. An empty database meeting a router that holds our queues and users, or a
 * database meeting another router, starts in safe mode: nothing is removed or rewritten until an adopt.
 */
import { localRouterClient } from '../router/helpers';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openCore, type Core } from '../../src/core';
import { createLogger } from '../../src/lib/logger';
import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers } from '../portal/helpers';
import { routerBack } from '../usage/helpers';

const actor = { name: 'owner', via: 'system' as const };
let h: Harness;
let other: Core | undefined;

beforeEach(async () => {
  h = await createHarness();
});
afterEach(async () => {
  await other?.close();
  other = undefined;
  await h.close();
});

/** A second controller on a new, empty database, pointed at the harness's router (a typo in DATABASE_URL). */
async function emptyDatabaseController(): Promise<Core> {
  const file = path.join(h.dir, 'typo.sqlite');
  const config = loadConfig({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k === 'PATH')),
    DATABASE_URL: `sqlite:${file}`,
    DATA_DIR: h.dir,
    ROUTER_HOST: '127.0.0.1',
    ROUTER_PORT: String(h.sim.port),
    ROUTER_PASSWORD: '',
    PROFILES_FILE: h.config.profilesFile,
    TZ: 'Asia/Manila',
    LOG_LEVEL: 'silent',
  });
  const log = createLogger('silent');
  const router = localRouterClient(h.sim.port, {
    timeoutSeconds: 3,
    logger: log,
    reconnect: { minMs: 50, maxMs: 500 },
  });
  const core = await openCore(config, { router, log, clock: h.clock, role: 'cli' });
  await router.waitConnected(5000);
  return core;
}

/** What we keep on the router, without counters and clocks. */
const ours = () => ({
  queues: h.sim
    .rows('/queue/simple')
    .filter((q) => q.name?.startsWith('pisonet-'))
    .map((q) => [q['.id'], q.name, q.target, q['max-limit'], q.comment, q.disabled]),
  users: h.sim
    .rows('/ip/hotspot/user')
    .filter((u) => u.comment?.startsWith('pisonet '))
    .map((u) => [u['.id'], u.name, u['limit-uptime'], u['mac-address'], u.comment, u.disabled]),
  sessions: h.sim.rows('/ip/hotspot/active').map((a) => [a['.id'], a.user, a['mac-address']]),
});

test('an empty database meeting a router with our queues and users removes nothing, says why, and adopt restores normal work', async () => {
  const [paid, spare] = await makeVouchers(h, 'BASIC', 2);
  const phone = addDevice(h, 1);
  await h.core!.services.redemption.redeem({ code: paid, ...phone });
  await h.core!.services.usage.runCycle();
  const before = ours();
  expect(before.queues).toHaveLength(1);
  expect(before.users.map((u) => u[1]).sort()).toEqual([paid, spare].sort());

  other = await emptyDatabaseController();
  for (let i = 0; i < 3; i++) {
    h.clock.advance(30_000);
    expect((await other.services.usage.runCycle()).skipped).toBe('safe-mode');
  }
  await other.defaultStack.hotspotUsers!.sync().catch(() => undefined);
  expect(ours()).toEqual(before); // zero removals, zero rewrites
  const state = other.services.routerBinding.state();
  expect(state).toMatchObject({ mode: 'safe', reason: { code: 'ROUTER_HAS_DATA' } });
  const test = await other.services.routerInfo.test();
  expect(test.warnings.map((w) => w.code)).toContain('SAFE_MODE');
  await expect(
    other.services.vouchers.generate({ profile: 'BASIC', count: 1 }, actor),
  ).resolves.toMatchObject({ routerPending: 1 }); // sold, kept pending: nothing pushed to a router we do not know

  await other.services.routerBinding.adopt(actor);
  h.clock.advance(30_000);
  const after = await other.services.usage.runCycle();
  expect(after.skipped).toBeUndefined();
  // Now this database's truth: it knows no customer on this router. A queue goes once its device has no session
  // (removed under a session, it would leave the phone online unlimited and uncounted): the phone still online
  // keeps its queue, and the first poll after it leaves removes it.
  expect(ours().queues.map((q) => q[1])).toEqual([`pisonet-${phone.mac}`]);
  h.sim.removeDevice(phone.mac);
  h.clock.advance(30_000);
  expect((await other.services.usage.runCycle()).skipped).toBeUndefined();
  expect(ours().sessions).toEqual([]);
  expect(ours().queues).toEqual([]);
});

test('a database bound to one router meeting another starts in safe mode; a reset of the same router does not', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  await h.core!.services.redemption.redeem({ code, ...addDevice(h, 1) });
  await h.core!.services.usage.runCycle();

  await h.sim.resetConfiguration(); // same machine, wiped: to be repaired, not a stranger
  await routerBack(h);
  expect((await h.core!.services.routerBinding.check()).mode).toBe('bound');

  await h.sim.replaceRouter();
  await routerBack(h);
  const st = await h.core!.services.routerBinding.check();
  expect(st).toMatchObject({ mode: 'safe', reason: { code: 'ROUTER_MISMATCH' } });
  h.clock.advance(30_000);
  expect((await h.core!.services.usage.runCycle()).skipped).toBe('safe-mode');
  const phone = addDevice(h, 2);
  const [fresh] = await makeVouchers(h, 'BASIC', 1);
  await expect(h.core!.services.redemption.redeem({ code: fresh, ...phone })).rejects.toMatchObject({
    code: 'SAFE_MODE',
    status: 503,
  });
  // Nothing of the shop's data was thrown away.
  if (h.config.database.engine === 'sqlite') expect(fs.existsSync(h.config.databaseFile)).toBe(true);
  expect(await h.core!.db('vouchers').where({ code }).first()).toMatchObject({ status: 'active' });
});

test('a router test in safe mode does not add the safe-mode line to the router checks (the banner shows it once)', async () => {
  await makeVouchers(h, 'BASIC', 1);
  other = await emptyDatabaseController();
  await other.services.routerBinding.check();
  const test = await other.services.routerInfo.test();
  expect(test.warnings.filter((w) => w.code === 'SAFE_MODE')).toHaveLength(1);
  expect(other.services.routerChecks.warnings().map((w) => w.code)).not.toContain('SAFE_MODE');
});
