/**
 * Quiet polls (the router already in line with the vouchers) write nothing to the router, yet never stop looking:
 * each poll decides every voucher again (domain decideVouchers) and the enforcer compares the order with what it just
 * read. Each case here first runs quiet polls, then changes one input: the poll after must see it and act.
 */
import {
  advance,
  Harness,
  loginOnRouter,
  queueOf,
  routerWrites,
  seedVoucher,
  usageHarness,
  voucher,
} from './helpers';

const MAC1 = '02:00:00:00:00:01';
const MAC2 = '02:00:00:00:00:02';

let h: Harness;
beforeEach(async () => {
  h = await usageHarness();
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();

/** Online, then two polls that change nothing on the router. */
async function steady(profile: string, mac = MAC1, ip = '10.5.50.11'): Promise<string> {
  const code = await seedVoucher(h, profile);
  await loginOnRouter(h, code, mac, ip);
  await cycle();
  for (let i = 0; i < 2; i++) {
    const before = routerWrites(h);
    advance(h, 30);
    await cycle();
    expect(routerWrites(h) - before).toBe(0);
  }
  return code;
}

test('a queue changed on the router by hand is put back by the next poll', async () => {
  await steady('BASIC');
  const q = queueOf(h, MAC1)!;
  await h.router.set('/queue/simple', q['.id'], { 'max-limit': '9M/9M', comment: 'edited' });
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC1)).toMatchObject({ 'max-limit': '512000/1000000', comment: q.comment });
});

test('a queue removed on the router by hand is added again', async () => {
  await steady('BASIC');
  await h.router.remove('/queue/simple', queueOf(h, MAC1)!['.id']);
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('512000/1000000');
});

test('bytes crossing the fair-use threshold between quiet polls slow the queue down in that poll', async () => {
  await steady('FUP');
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  // 4 Mbit/s for 300 s moves 150 MB: the simulator holds a device to its queue's rate.
  h.sim.addTraffic(MAC1, { up: 0, down: 120_000_000 }, 300);
  advance(h, 300);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('256000/512000');
});

test('time running out between quiet polls ends the voucher and removes its queue', async () => {
  const code = await steady('BASIC');
  advance(h, 3600);
  await cycle();
  expect((await voucher(h, code)).status).toBe('expired');
  expect(queueOf(h, MAC1)).toBeUndefined();
});

test('a device that moved to another address gets its queue retargeted', async () => {
  await steady('BASIC');
  h.sim.setDeviceIp(MAC1, '10.5.50.99');
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC1)?.target).toBe('10.5.50.99/32');
});

test('a second device coming online gets its queue while the first keeps its own untouched', async () => {
  await steady('BASIC', MAC1);
  const first = queueOf(h, MAC1)!;
  const code2 = await seedVoucher(h, 'BASIC');
  await loginOnRouter(h, code2, MAC2, '10.5.50.12');
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC2)?.['max-limit']).toBe('512000/1000000');
  expect(queueOf(h, MAC1)).toEqual(first);
});

test('an admin speed override reaches the router at the next poll', async () => {
  const code = await steady('BASIC');
  const v = await voucher(h, code);
  await h.core!.db('vouchers').where({ id: v.id }).update({ override_up: 64_000, override_down: 128_000 });
  advance(h, 30);
  await cycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('64000/128000');
});

test('connected time running out (uptime mode) between quiet polls ends the voucher', async () => {
  const code = await steady('UPTIME');
  for (let i = 0; i < 20 && (await voucher(h, code)).status === 'active'; i++) {
    advance(h, 60);
    await cycle();
  }
  expect((await voucher(h, code)).status).toBe('expired');
  expect(queueOf(h, MAC1)).toBeUndefined();
  expect(Number((await voucher(h, code)).uptime_seconds)).toBeGreaterThanOrEqual(600);
});
