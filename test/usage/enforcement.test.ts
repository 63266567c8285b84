/** Enforcement: the router's queues, sessions and users end up exactly as the policy says, and nothing else moves. */
import {
  advance,
  Harness,
  loginOnRouter,
  ourQueues,
  queueOf,
  routerWrites,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';

const MAC1 = '02:00:00:00:00:01';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();
const users = () => h.sim.rows('/ip/hotspot/user').map((u) => u.name);
const sessions = () => h.sim.rows('/ip/hotspot/active');

async function online(profile: string, mac = MAC1, ip = '10.5.50.11'): Promise<string> {
  const code = await seedVoucher(h, profile);
  await loginOnRouter(h, code, mac, ip);
  await cycle();
  return code;
}

test('FUP: crossing the threshold rewrites max-limit in the same poll; alerts 80/90/100 % once each', async () => {
  const code = await online('FUP');
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  h.sim.addTraffic(MAC1, { up: 0, down: 85_000_000 }, 300);
  advance(h, 300);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  h.sim.addTraffic(MAC1, { up: 0, down: 20_000_000 }, 60);
  advance(h, 60);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('256000/512000');
  advance(h, 30);
  await cycle();
  const kinds = (await h.core!.services.events.list({ voucherCode: code }))
    .map((e) => e.kind)
    .filter((k) => k.startsWith('fup'));
  expect(kinds.sort()).toEqual(['fup-100', 'fup-80', 'fup-90']);
});

test('cap with block: session logged out, hotspot user removed, voucher exhausted, queue gone', async () => {
  const code = await online('FUP');
  h.sim.addTraffic(MAC1, { up: 0, down: 150_000_000 }, 300);
  advance(h, 300);
  await cycle(); // over the FUP threshold: slowed to 512K down
  h.sim.addTraffic(MAC1, { up: 0, down: 60_000_000 }, 1_000);
  advance(h, 1_000);
  const report = await cycle();
  const v = await voucher(h, code);
  expect(v.status).toBe('exhausted');
  expect(v.router_user_id).toBeNull();
  expect(sessions()).toHaveLength(0);
  expect(users()).not.toContain(code);
  expect(queueOf(h, MAC1)).toBeUndefined();
  // The router cut the session at the cap itself (the user's limit-bytes-total); the poll records and ends it.
  expect(report.changes).toMatchObject({ ended: 1, loggedOut: 0, removed: 1 });
  expect(Number(v.bytes_down)).toBe(200_000_000);
  const kinds = (await h.core!.services.events.list({ voucherCode: code })).map((e) => e.kind);
  expect(kinds).toEqual(expect.arrayContaining(['cap-80', 'cap-90', 'cap-100', 'exhausted']));
});

test('cap with throttle: slowed to the cap rates and kept usable', async () => {
  const code = await online('THROTTLE');
  h.sim.addTraffic(MAC1, { up: 0, down: 101_000_000 }, 300);
  advance(h, 300);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('128000/256000');
  expect((await voucher(h, code)).status).toBe('active');
  expect(sessions()).toHaveLength(1);
});

test('wallclock expiry: ended within one poll after validity, logged out and user removed', async () => {
  const code = await online('BASIC');
  advance(h, 3_570);
  await cycle();
  expect((await voucher(h, code)).status).toBe('active');
  advance(h, 30);
  await cycle();
  const v = await voucher(h, code);
  expect(v.status).toBe('expired');
  expect(v.end_reason).toMatch(/1h/);
  expect(sessions()).toHaveLength(0);
  expect(users()).not.toContain(code);
  expect(ourQueues(h)).toHaveLength(0);
});

test('uptime mode: a session that ends between polls counts to its logout, as the router counted it, once', async () => {
  const code = await online('UPTIME');
  advance(h, 60);
  await cycle();
  expect((await voucher(h, code)).uptime_seconds).toBe(60);
  advance(h, 25);
  await h.router.hotspotLogout(String(sessions()[0]['.id']));
  advance(h, 35);
  await cycle(); // the 25 s before the logout were online: the router holds limit-uptime against them
  expect((await voucher(h, code)).uptime_seconds).toBe(85);
  advance(h, 60);
  await cycle();
  expect((await voucher(h, code)).uptime_seconds).toBe(85);
  // Back, 30 s at the poll, out 10 s later: 40 s more, neither the ended session counted again nor the reconnect.
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  advance(h, 30);
  await cycle();
  advance(h, 10);
  await h.router.hotspotLogout(String(sessions()[0]['.id']));
  // A router that refuses this read costs those 10 s, not the poll: the bytes are booked all the same.
  h.sim.faults.trapOn('/ip/hotspot/user/print', 'failure: busy');
  advance(h, 20);
  const report = await cycle();
  expect(report.skipped).toBeUndefined();
  expect((await voucher(h, code)).uptime_seconds).toBe(115);
});

test('uptime mode: only connected time counts; it pauses while logged out and resumes', async () => {
  const code = await online('UPTIME');
  for (let i = 0; i < 5; i++) {
    advance(h, 60);
    await cycle();
  }
  expect((await voucher(h, code)).uptime_seconds).toBe(300);
  await h.router.hotspotLogout(String(sessions()[0]['.id']));
  for (let i = 0; i < 30; i++) {
    advance(h, 60);
    await cycle();
  }
  let v = await voucher(h, code);
  expect([v.status, v.uptime_seconds]).toEqual(['active', 300]);
  expect(ourQueues(h)).toHaveLength(0);
  advance(h, 10);
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  advance(h, 20); // logged in 20 s before this poll: 20 s count, not the 30 s since the last poll
  await cycle();
  expect((await voucher(h, code)).uptime_seconds).toBe(320);
  for (let i = 0; i < 4; i++) {
    advance(h, 60);
    await cycle();
  }
  v = await voucher(h, code);
  expect([v.status, v.uptime_seconds]).toEqual(['active', 560]);
  advance(h, 60);
  await cycle();
  v = await voucher(h, code);
  expect(v.status).toBe('expired');
  expect(sessions()).toHaveLength(0);
});

test('a device that gets a new IP has its queue target set', async () => {
  await online('BASIC');
  h.sim.setDeviceIp(MAC1, '10.5.50.99');
  advance(h, 30);
  const report = await cycle();
  expect(queueOf(h, MAC1)?.target).toBe('10.5.50.99/32');
  expect(report.changes.updated).toBe(1);
});

test('a queue edited or disabled by hand is put back; a foreign queue is left alone', async () => {
  await h.router.add('/queue/simple', { name: 'shop-total', target: '10.5.50.0/24', 'max-limit': '10M/50M' });
  await online('BURST');
  const q = queueOf(h, MAC1)!;
  expect(q).toMatchObject({
    'max-limit': '1000000/2000000',
    'burst-limit': '2000000/4000000',
    'burst-threshold': '768000/1536000',
    'burst-time': '10s/10s',
  });
  // First match wins: ours must sit above the shop's subnet queue.
  const names = h.sim.rows('/queue/simple').map((r) => r.name);
  expect(names.indexOf(`pisonet-${MAC1}`)).toBeLessThan(names.indexOf('shop-total'));
  const foreignBefore = h.sim.rows('/queue/simple').find((r) => r.name === 'shop-total');

  await h.router.set('/queue/simple', q['.id'], { 'max-limit': '50M/50M', 'burst-limit': '0/0' });
  await h.router.disable('/queue/simple', q['.id']);
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC1)).toMatchObject({
    'max-limit': '1000000/2000000',
    'burst-limit': '2000000/4000000',
    disabled: 'false',
  });
  expect(h.sim.rows('/queue/simple').find((r) => r.name === 'shop-total')).toEqual(foreignBefore);
});

test('a stray pisonet queue is removed; the shop’s queues, the hotspot’s dynamic queues and other users’ sessions are not touched', async () => {
  await h.router.add('/queue/simple', {
    name: 'pisonet-02:00:00:00:00:99',
    target: '10.5.50.99',
    'max-limit': '1M/1M',
  });
  await h.router.add('/queue/simple', { name: 'manual', target: '10.5.50.98', 'max-limit': '1M/1M' });
  // A staff login that is not a voucher, on a user profile with rate-limit: the hotspot adds a dynamic queue on top.
  await h.router.add('/ip/hotspot/user/profile', { name: 'staff', 'rate-limit': '1M/1M' });
  await h.router.add('/ip/hotspot/user', { name: 'owner', password: 'owner', profile: 'staff' });
  await loginOnRouter(h, 'owner', '02:00:00:00:00:77', '10.5.50.77');
  const code = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await cycle();
  const names = h.sim.rows('/queue/simple').map((r) => r.name);
  expect(names).toEqual([`pisonet-${MAC1}`, '<hotspot-owner>', 'manual']);
  expect(
    sessions()
      .map((s) => s.user)
      .sort(),
  ).toEqual([code, 'owner'].sort());
  advance(h, 30);
  await cycle();
  expect(h.sim.rows('/queue/simple').map((r) => r.name)).toEqual(names);
});

test('no router writes in a cycle where nothing changed', async () => {
  await online('NIGHT');
  await online('BURST', '02:00:00:00:00:02', '10.5.50.12');
  h.sim.addTraffic(MAC1, { up: 1_000, down: 1_000 }, 1);
  advance(h, 30);
  await cycle();
  const before = routerWrites(h);
  for (let i = 0; i < 3; i++) {
    h.sim.addTraffic(MAC1, { up: 1_000, down: 1_000 }, 1);
    advance(h, 30);
    const r = await cycle();
    expect(r.changes).toEqual({ added: 0, updated: 0, removed: 0, loggedOut: 0, ended: 0 });
  }
  expect(routerWrites(h)).toBe(before);
});

test('round trips per cycle are the same with 1 and with 50 devices', async () => {
  await online('BASIC');
  advance(h, 30);
  const one = (await cycle()).roundTrips;
  for (let i = 2; i <= 50; i++) {
    const code = await seedVoucher(h, 'BASIC');
    await loginOnRouter(
      h,
      code,
      `02:00:00:00:01:${i.toString(16).padStart(2, '0').toUpperCase()}`,
      `10.5.51.${i}`,
    );
  }
  await cycle(); // adopts and adds 49 queues
  advance(h, 30);
  const fifty = await cycle();
  expect(ourQueues(h)).toHaveLength(50);
  expect(fifty.devices).toBe(50);
  expect(fifty.roundTrips).toBe(one);
  expect(one).toBe(4);
});

test('a session of an ended voucher is logged out even when it was not this controller that ended it', async () => {
  const code = await online('BASIC');
  await h.core!.db('vouchers').where({ code }).update({ status: 'revoked' });
  advance(h, 30);
  const report = await cycle();
  expect(sessions()).toHaveLength(0);
  expect(users()).not.toContain(code);
  expect(ourQueues(h)).toHaveLength(0);
  expect(report.changes.loggedOut).toBe(1);
});
