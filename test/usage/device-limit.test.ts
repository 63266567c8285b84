/**
 * The device count holds whatever page a customer logs in from. The router's own login page lets a
 * code in as often as `shared-users` allows (the setup guide says `unlimited`), so the poll logs out sessions
 * beyond the voucher's count within one cycle: the earliest devices keep their place, the others get no
 * device row and no queue, and the owner sees an event for each.
 */
import { maskCode } from '../../src/lib/logger';
import { createRedemptionService } from '../../src/services/shop/redemption';
import type { UsageService } from '../../src/services/types';
import {
  advance,
  capturingLogger,
  depsOf,
  freshUsage,
  Harness,
  loginOnRouter,
  ourQueues,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';

const MAC = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03', '02:00:00:00:00:04'];
const IP = ['10.5.50.11', '10.5.50.12', '10.5.50.13', '10.5.50.14'];

let h: Harness;
let usage: UsageService;
let lines: Array<Record<string, unknown>>;

beforeEach(async () => {
  h = await usageHarness();
  // As the setup guide asks: RouterOS itself lets a code in from any number of devices.
  const [def] = await h.router.print('/ip/hotspot/user/profile', { query: ['name=default'] });
  await h.router.set('/ip/hotspot/user/profile', def['.id'], { 'shared-users': 'unlimited' });
  await h.core!.services.profiles.create(
    { name: 'DUO', price: 15, validity: '3h', users: 2, rate_up: '1M', rate_down: '2M' },
    { name: 't', via: 'system' },
  );
  const captured = capturingLogger();
  lines = captured.lines;
  usage = freshUsage(h, captured.log);
});
afterEach(async () => {
  await h.close();
});

const cycle = () => usage.runCycle();
const sessionMacs = () => h.sim.rows('/ip/hotspot/active').map((s) => String(s['mac-address']));
const queueMacs = () => ourQueues(h).map((q) => q.name.slice('pisonet-'.length));

async function deviceMacs(code: string): Promise<string[]> {
  const v = await voucher(h, code);
  const rows = (await h.core!.db('voucher_devices').where({ voucher_id: v.id }).orderBy('mac')) as Array<{
    mac: string;
  }>;
  return rows.map((r) => r.mac);
}

const limitEvents = (code: string) =>
  h.core!.services.events.list({ voucherCode: code, kinds: ['device-limit'] });

/** Router commands by path answered during `fn`. */
async function commandsDuring(fn: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = { ...h.sim.stats.commandsByPath };
  await fn();
  const out: Record<string, number> = {};
  for (const [path, n] of Object.entries(h.sim.stats.commandsByPath)) {
    const d = n - (before[path] ?? 0);
    if (d > 0) out[path] = d;
  }
  return out;
}

test('four router-page logins on a two-device voucher: the earliest two stay, two are logged out, in one poll', async () => {
  const code = await seedVoucher(h, 'DUO');
  for (let i = 0; i < 4; i++) {
    await loginOnRouter(h, code, MAC[i], IP[i]);
    advance(h, 5);
  }
  const commands = await commandsDuring(cycle);

  expect(sessionMacs().sort()).toEqual([MAC[0], MAC[1]]);
  expect(await deviceMacs(code)).toEqual([MAC[0], MAC[1]]);
  expect(queueMacs().sort()).toEqual([MAC[0], MAC[1]]);
  expect((await voucher(h, code)).status).toBe('active');

  const events = await limitEvents(code);
  expect(events).toHaveLength(2);
  for (const e of events) {
    expect(e.level).toBe('warn');
    expect(e.message).toContain(maskCode(code));
    expect(e.message).not.toContain(code);
  }
  expect(events.map((e) => e.message.match(/02:00:00:00:00:0\d/)?.[0]).sort()).toEqual([MAC[2], MAC[3]]);

  const warned = lines.filter((l) => l.event === 'device-limit');
  expect(warned.map((l) => l.mac).sort()).toEqual([MAC[2], MAC[3]]);
  for (const l of warned) {
    expect(l).toMatchObject({ level: 40, voucher: maskCode(code) });
    expect(JSON.stringify(l)).not.toContain(code);
  }

  // No extra reads: the cycle's one snapshot, and the two sessions go out in one command.
  const prints = Object.entries(commands).filter(([path]) => path.endsWith('/print'));
  expect(prints.reduce((n, [, c]) => n + c, 0)).toBe(4);
  expect(commands['/ip/hotspot/active/remove']).toBe(1);

  // Nothing more to do at the next poll.
  advance(h, 30);
  const next = await cycle();
  expect(next.changes).toEqual({ added: 0, updated: 0, removed: 0, loggedOut: 0, ended: 0 });
  expect(await limitEvents(code)).toHaveLength(2);
});

test('places go to the logins that have lasted longest, not to the lowest MACs', async () => {
  const code = await seedVoucher(h, 'DUO');
  await loginOnRouter(h, code, MAC[2], IP[2]);
  advance(h, 20);
  await loginOnRouter(h, code, MAC[0], IP[0]);
  advance(h, 5);
  await loginOnRouter(h, code, MAC[1], IP[1]);
  advance(h, 5);
  await cycle();
  expect(await deviceMacs(code)).toEqual([MAC[0], MAC[2]]);
  expect(sessionMacs().sort()).toEqual([MAC[0], MAC[2]]);
});

test('a one-device voucher logged in from two phones at once: one stays, bound to that phone', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC[0], IP[0]);
  await loginOnRouter(h, code, MAC[1], IP[1]);
  const report = await cycle();
  expect(sessionMacs()).toEqual([MAC[0]]);
  expect(await deviceMacs(code)).toEqual([MAC[0]]);
  expect(queueMacs()).toEqual([MAC[0]]);
  const v = await voucher(h, code);
  expect(v.status).toBe('active');
  expect(v.bound_mac).toBe(MAC[0]);
  expect(report.changes).toMatchObject({ added: 1, loggedOut: 1 });
  expect(await limitEvents(code)).toHaveLength(1);
});

test('the kept devices’ bytes keep counting; the logged-out ones are never booked', async () => {
  const code = await seedVoucher(h, 'DUO');
  for (let i = 0; i < 4; i++) {
    await loginOnRouter(h, code, MAC[i], IP[i]);
    advance(h, 5);
  }
  await cycle();
  for (let i = 0; i < 4; i++) h.sim.addTraffic(MAC[i], { up: 100 * (i + 1), down: 1_000 * (i + 1) }, 10);
  advance(h, 30);
  await cycle();
  h.sim.addTraffic(MAC[0], { up: 5, down: 50 }, 10);
  advance(h, 30);
  await cycle();
  const v = await voucher(h, code);
  expect([Number(v.bytes_up), Number(v.bytes_down)]).toEqual([305, 3_050]);
  const rows = (await h.core!.db('voucher_devices').where({ voucher_id: v.id }).orderBy('mac')) as Array<{
    mac: string;
    bytes_up: number;
    bytes_down: number;
    connected: number;
  }>;
  // connected: 1 on SQLite, true on PostgreSQL
  expect(rows.map((r) => [r.mac, r.bytes_up, r.bytes_down, Number(r.connected)])).toEqual([
    [MAC[0], 105, 1_050, 1],
    [MAC[1], 200, 2_000, 1],
  ]);
});

test('an extra device appearing later on a full voucher is logged out at the next poll', async () => {
  const code = await seedVoucher(h, 'DUO');
  await loginOnRouter(h, code, MAC[0], IP[0]);
  await loginOnRouter(h, code, MAC[1], IP[1]);
  await cycle();
  expect(await deviceMacs(code)).toEqual([MAC[0], MAC[1]]);
  advance(h, 60);
  await loginOnRouter(h, code, MAC[2], IP[2]);
  advance(h, 5);
  await cycle();
  expect(sessionMacs().sort()).toEqual([MAC[0], MAC[1]]);
  expect(await deviceMacs(code)).toEqual([MAC[0], MAC[1]]);
  expect(queueMacs().sort()).toEqual([MAC[0], MAC[1]]);
  const events = await limitEvents(code);
  expect(events).toHaveLength(1);
  expect(events[0].message).toContain(MAC[2]);
});

test('a device on record keeps its place while offline; its re-login is not counted twice', async () => {
  const code = await seedVoucher(h, 'DUO');
  await loginOnRouter(h, code, MAC[0], IP[0]);
  await loginOnRouter(h, code, MAC[1], IP[1]);
  await cycle();
  // The first phone logs out; a third one tries its luck on the router's page.
  const first = h.sim.rows('/ip/hotspot/active').find((s) => s['mac-address'] === MAC[0])!;
  await h.router.hotspotLogout(String(first['.id']));
  advance(h, 10);
  await loginOnRouter(h, code, MAC[2], IP[2]);
  advance(h, 30);
  await cycle();
  expect(sessionMacs()).toEqual([MAC[1]]);
  // The first phone comes back on the router's page: still one of its two devices.
  await h.router.hotspotLogin({ user: code, password: code, mac: MAC[0], ip: IP[0] });
  advance(h, 5);
  const report = await cycle();
  expect(sessionMacs().sort()).toEqual([MAC[0], MAC[1]]);
  expect(await deviceMacs(code)).toEqual([MAC[0], MAC[1]]);
  expect(queueMacs().sort()).toEqual([MAC[0], MAC[1]]);
  expect(report.changes.loggedOut).toBe(0);
  expect(await limitEvents(code)).toHaveLength(1);
});

test('a one-device voucher keeps its bound MAC: another phone is logged out while the first is away', async () => {
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC[0], IP[0]);
  await cycle();
  expect((await voucher(h, code)).bound_mac).toBe(MAC[0]);
  const [s] = h.sim.rows('/ip/hotspot/active');
  await h.router.hotspotLogout(String(s['.id']));
  advance(h, 30);
  // The binding has not reached the router's user yet (or was cleared there): the router lets another in.
  await loginOnRouter(h, code, MAC[1], IP[1]);
  await cycle();
  expect(sessionMacs()).toEqual([]);
  expect(await deviceMacs(code)).toEqual([MAC[0]]);
  expect(queueMacs()).toEqual([]);
  expect(await limitEvents(code)).toHaveLength(1);
});

test('portal redemptions are untouched: two devices redeemed on the portal stay, a third on the router page goes', async () => {
  const core = h.core!;
  const redemption = createRedemptionService(depsOf(h));
  const { vouchers } = await core.services.vouchers.generate(
    { profile: 'DUO', count: 1 },
    { name: 'test', via: 'system' },
  );
  const code = vouchers[0].code;
  h.sim.addDevice({ mac: MAC[0], ip: IP[0] });
  h.sim.addDevice({ mac: MAC[1], ip: IP[1] });
  await redemption.redeem({ code, mac: MAC[0], ip: IP[0] });
  advance(h, 5);
  await redemption.redeem({ code, mac: MAC[1], ip: IP[1] });
  advance(h, 5);
  const quiet = await cycle();
  expect(quiet.changes.loggedOut).toBe(0);
  expect(sessionMacs().sort()).toEqual([MAC[0], MAC[1]]);
  // A re-login on the portal of a device it knows: not a new device.
  await redemption.redeem({ code, mac: MAC[0], ip: IP[0] });
  await loginOnRouter(h, code, MAC[2], IP[2]);
  advance(h, 5);
  await cycle();
  expect(sessionMacs().sort()).toEqual([MAC[0], MAC[1]]);
  expect(await deviceMacs(code)).toEqual([MAC[0], MAC[1]]);
  expect(queueMacs().sort()).toEqual([MAC[0], MAC[1]]);
  expect(await limitEvents(code)).toHaveLength(1);
});
