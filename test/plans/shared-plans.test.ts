/**
 * Shared plans on the router (API mode): a 1:N profile gets one parent queue `pisonet-plan-<PROFILE>` whose
 * max-limit follows its device queues, every device queue of that profile hangs under it with the profile's
 * priority, and the simulator shares the parent's limit among the children as HTB does.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { advance, loginOnRouter, routerWrites, seedVoucher } from '../usage/helpers';

const PROFILES = [
  {
    name: 'SHARED',
    price: 5,
    validity: '1d',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    contention_ratio: '1:4',
    priority: 2,
  },
  { name: 'SOLO', price: 10, validity: '1d', users: 1, rate_up: '5M', rate_down: '10M', qos_priority: 100 },
];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ profiles: PROFILES, http: true });
});
afterEach(() => h.close());

const cycle = () => h.core!.services.usage.runCycle();
const queues = () => h.sim.rows('/queue/simple') as Array<Record<string, string>>;
const parent = () => queues().find((q) => q.name === 'pisonet-plan-SHARED');
const device = (n: number) => ({
  mac: `02:00:00:00:01:${n.toString(16).toUpperCase().padStart(2, '0')}`,
  ip: `10.5.50.${20 + n}`,
});

async function online(profile: string, n: number): Promise<string> {
  const code = await seedVoucher(h, profile);
  const d = device(n);
  await loginOnRouter(h, code, d.mac, d.ip);
  return code;
}

async function logout(n: number): Promise<void> {
  const s = h.sim.rows('/ip/hotspot/active').find((a) => a['mac-address'] === device(n).mac)!;
  await h.router.hotspotLogout([String(s['.id'])]);
}

test('8 devices on 1:4 and 1 on 1:1: the parent follows the devices, a quiet poll writes nothing', async () => {
  for (let n = 1; n <= 8; n++) await online('SHARED', n);
  await online('SOLO', 9);
  await cycle();

  // max(plan rate, round(8 × rate / 4)) = twice the plan rate each way.
  expect(parent()).toMatchObject({ 'max-limit': '2000000/4000000', comment: 'pisonet plan SHARED 1:4' });
  expect(parent()!.target.split(',')).toHaveLength(8);
  const children = queues().filter((q) => q.parent === 'pisonet-plan-SHARED');
  expect(children.map((q) => q.name).sort()).toEqual(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => `pisonet-${device(n).mac}`).sort(),
  );
  for (const q of children) expect(q.priority).toBe('2/2');
  const solo = queues().find((q) => q.name === `pisonet-${device(9).mac}`)!;
  expect(solo).toMatchObject({ parent: 'none', priority: '1/1', 'max-limit': '5000000/10000000' });
  expect(queues().some((q) => q.name === 'pisonet-plan-SOLO')).toBe(false);

  // Quiet: nothing to write.
  const before = routerWrites(h);
  advance(h, 30);
  await cycle();
  expect(routerWrites(h)).toBe(before);

  // Three leave: n = 5 → round(5 × 2M / 4) = 2.5M down.
  for (const n of [1, 2, 3]) await logout(n);
  advance(h, 30);
  await cycle();
  expect(parent()).toMatchObject({ 'max-limit': '1250000/2500000' });
  expect(parent()!.target.split(',')).toHaveLength(5);

  // Down to 2: never below one plan's rate.
  for (const n of [4, 5, 6]) await logout(n);
  advance(h, 30);
  await cycle();
  expect(parent()).toMatchObject({ 'max-limit': '1000000/2000000' });

  // None left: the parent goes (a parent without children would catch its target's traffic itself).
  for (const n of [7, 8]) await logout(n);
  advance(h, 30);
  await cycle();
  expect(parent()).toBeUndefined();
  expect(
    queues()
      .filter((q) => String(q.name).startsWith('pisonet-'))
      .map((q) => q.name),
  ).toEqual([`pisonet-${device(9).mac}`]);
});

test('the children share the parent; each is booked from its own queue, the parent never', async () => {
  const codes: string[] = [];
  for (let n = 1; n <= 8; n++) codes.push(await online('SHARED', n));
  await cycle();
  // Every device asks for 10 MB down in one second: alone each could take its 2 Mbit/s (250 kB); together
  // they share the parent's 4 Mbit/s (500 kB), 62.5 kB each.
  const moved = h.sim.addTrafficMany(
    [1, 2, 3, 4, 5, 6, 7, 8].map((n) => ({ mac: device(n).mac, up: 0, down: 10_000_000 })),
    1,
  );
  expect(moved.map((m) => m.down)).toEqual(Array(8).fill(62_500));
  expect(parent()!.bytes).toBe('0/500000');
  advance(h, 30);
  await cycle();
  const rows = await h.core!.db('vouchers').whereIn('code', codes).select('bytes_down');
  expect(rows.reduce((s, r) => s + Number(r.bytes_down), 0)).toBe(500_000);
});

test('a higher-priority child is served first when the parent is full', async () => {
  for (let n = 1; n <= 4; n++) await online('SHARED', n);
  await cycle();
  const q1 = queues().find((q) => q.name === `pisonet-${device(1).mac}`)!;
  // One queue at priority 1 by hand: the parent's 2 Mbit/s (n = 4: max(2M, round(4 × 2M / 4))) goes to it first.
  await h.router.set('/queue/simple', q1['.id'], { priority: '1/1' });
  const moved = h.sim.addTrafficMany(
    [1, 2, 3, 4].map((n) => ({ mac: device(n).mac, up: 0, down: 10_000_000 })),
    1,
  );
  // Device 1 takes its own queue's full 2 Mbit/s (250 kB): the parent's whole 2 Mbit/s; the others get nothing.
  expect(moved.map((m) => m.down)).toEqual([250_000, 0, 0, 0]);
  // The next poll puts the plan's priority back.
  advance(h, 30);
  await cycle();
  expect(queues().find((q) => q.name === `pisonet-${device(1).mac}`)!.priority).toBe('2/2');
});

test('a parent removed or edited by hand is put back within one poll', async () => {
  for (let n = 1; n <= 2; n++) await online('SHARED', n);
  await cycle();
  const p = parent()!;
  await h.router.set('/queue/simple', p['.id'], { 'max-limit': '100M/100M' });
  advance(h, 30);
  await cycle();
  expect(parent()).toMatchObject({ 'max-limit': '1000000/2000000' });

  // Removed: RouterOS takes the children off it (they go to `none`? the simulator keeps the name), and the
  // poll adds it back and hangs the device queues under it again.
  const children = queues().filter((q) => q.parent === 'pisonet-plan-SHARED');
  for (const c of children) await h.router.set('/queue/simple', c['.id'], { parent: 'none' });
  await h.router.remove('/queue/simple', parent()!['.id']);
  advance(h, 30);
  await cycle();
  expect(parent()).toMatchObject({ 'max-limit': '1000000/2000000' });
  expect(queues().filter((q) => q.parent === 'pisonet-plan-SHARED')).toHaveLength(2);
});

test('a ratio changed in the admin reaches the router in one poll; back to 1:1 the parent goes', async () => {
  for (let n = 1; n <= 4; n++) await online('SHARED', n);
  await cycle();
  expect(parent()).toMatchObject({ 'max-limit': '1000000/2000000' });
  const actor = { name: 'test', via: 'system' as const };
  await h.core!.services.profiles.update('SHARED', { ...PROFILES[0], contention_ratio: '1:2' }, actor);
  advance(h, 30);
  await cycle();
  expect(parent()).toMatchObject({ 'max-limit': '2000000/4000000', comment: 'pisonet plan SHARED 1:2' });

  await h.core!.services.profiles.update('SHARED', { ...PROFILES[0], contention_ratio: '1:1' }, actor);
  advance(h, 30);
  await cycle();
  expect(parent()).toBeUndefined();
  const mine = queues().filter((q) => String(q.name).startsWith('pisonet-'));
  expect(mine).toHaveLength(4);
  for (const q of mine) expect(q.parent).toBe('none');
});

test('a queue of that name that is not ours is never touched; its plan is not shared and a warning says why', async () => {
  const foreign = await h.router.add('/queue/simple', {
    name: 'pisonet-plan-SHARED',
    target: '192.168.99.0/24',
    'max-limit': '7M/7M',
    comment: 'the owner made this',
  });
  for (let n = 1; n <= 2; n++) await online('SHARED', n);
  await cycle();
  expect(queues().find((q) => q['.id'] === foreign)).toMatchObject({
    target: '192.168.99.0/24',
    'max-limit': '7000000/7000000',
    comment: 'the owner made this',
  });
  for (const n of [1, 2])
    expect(queues().find((q) => q.name === `pisonet-${device(n).mac}`)).toMatchObject({ parent: 'none' });
  expect(h.core!.services.usage.warnings()).toEqual([
    expect.objectContaining({ code: 'PLAN_QUEUE_TAKEN', message: expect.stringContaining('SHARED') }),
  ]);
  const health = (await (await fetch(`${h.app!.url}/healthz`)).json()) as {
    warnings: Array<{ code: string }>;
  };
  expect(health.warnings.map((w) => w.code)).toContain('PLAN_QUEUE_TAKEN');
});

test('a router that refuses the parent or the priority: the device queues stay as they were, the next poll shares the plan', async () => {
  const actor = { name: 'test', via: 'system' as const };
  const plain = { ...PROFILES[0] } as Record<string, unknown>;
  delete plain.contention_ratio;
  delete plain.priority;
  await h.core!.services.profiles.update('SHARED', plain, actor);
  for (let n = 1; n <= 3; n++) await online('SHARED', n);
  await cycle();
  const mine = () => queues().filter((q) => String(q.name).startsWith('pisonet-'));
  expect(mine().map((q) => [q.parent, q.priority])).toEqual(Array(3).fill(['none', '8/8']));

  await h.core!.services.profiles.update('SHARED', PROFILES[0], actor);
  h.sim.faults.trapOn('/queue/simple/add', 'failure: parent queues are not allowed here');
  h.sim.faults.trapOn('/queue/simple/set', 'unknown parameter priority');
  advance(h, 30);
  const report = await cycle();
  expect(report.skipped).toBeUndefined();
  expect(parent()).toBeUndefined();
  expect(mine().map((q) => [q.parent, q.priority, q['max-limit']])).toEqual(
    Array(3).fill(['none', '8/8', '1000000/2000000']),
  );
  // The router takes them now: the next poll shares the plan.
  advance(h, 30);
  await cycle();
  expect(parent()).toMatchObject({ 'max-limit': '1000000/2000000' });
  const children = queues().filter((q) => q.parent === 'pisonet-plan-SHARED');
  expect(children.map((q) => q.priority)).toEqual(['2/2', '2/2', '2/2']);
});
