/**
 * Caps enforced at the byte: a voucher whose cap blocks has `limit-bytes-total` on its hotspot user = what the
 * router counted for it + what it may still move, kept in step as usage is booked; the router cuts the device at
 * the cap and the poll only confirms and records. Measured at 100 Mbps with a 30 s poll, with the router's limit
 * and (a router refusing it) without.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { advance, loginOnRouter, routerWrites, seedVoucher, voucher } from '../usage/helpers';

const MB = 1_000_000;
const PROFILES = [
  { name: 'CAP', price: 10, validity: '1d', users: 1, rate_up: '100M', rate_down: '100M', data_cap: '500M' },
  {
    name: 'NIGHT',
    price: 10,
    validity: '1d',
    users: 1,
    rate_up: '100M',
    rate_down: '100M',
    data_cap: '500M',
    offpeak: { start: '00:00', end: '23:59', unlimited: true },
  },
];
const MAC = '02:00:00:00:03:01';
const IP = '10.5.50.61';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ profiles: PROFILES });
});
afterEach(() => h.close());

const cycle = () => h.core!.services.usage.runCycle();
const user = (code: string) =>
  h.sim.rows('/ip/hotspot/user').find((u) => u.name === code) as Record<string, string>;
const bookedBytes = async (code: string) => {
  const v = await voucher(h, code);
  return Number(v.bytes_up) + Number(v.bytes_down);
};

/**
 * 100 Mbps down, one-second rounds, a poll every 30 s, for `seconds`, while the device is logged in (a device
 * logged out reaches only the login page); returns the bytes it moved.
 */
async function download(seconds: number): Promise<number> {
  let moved = 0;
  for (let t = 1; t <= seconds; t++) {
    const online = h.sim.rows('/ip/hotspot/active').some((a) => a['mac-address'] === MAC);
    if (online) moved += h.sim.addTraffic(MAC, { up: 0, down: 12_500_000 }, 1).down;
    advance(h, 1);
    if (t % 30 === 0) await cycle();
  }
  return moved;
}

test('at 100 Mbps and a 30 s poll the router stops the voucher at its cap, to the byte', async () => {
  const code = await seedVoucher(h, 'CAP');
  await loginOnRouter(h, code, MAC, IP);
  await cycle();
  expect(user(code)['limit-bytes-total']).toBe(String(500 * MB));
  // The limit moves with nothing: what the router counts and what the ledger books grow together.
  const before = routerWrites(h);
  advance(h, 30);
  h.sim.addTraffic(MAC, { up: 1 * MB, down: 9 * MB }, 30);
  await cycle();
  expect(routerWrites(h)).toBe(before);

  const moved = await download(60);
  expect(h.sim.rows('/ip/hotspot/active')).toEqual([]); // the router cut it
  await cycle();
  expect((await voucher(h, code)).status).toBe('exhausted');
  // 10 MB before, then exactly what was left: 0 bytes past the cap.
  expect(moved).toBe(490 * MB);
  expect(await bookedBytes(code)).toBe(500 * MB);
});

test('without the router holding the cap (it refuses limit-bytes-total) the poll cuts up to one interval late', async () => {
  const code = await seedVoucher(h, 'CAP');
  await loginOnRouter(h, code, MAC, IP);
  for (let i = 0; i < 10; i++)
    h.sim.faults.trapOn('/ip/hotspot/user/set', 'unknown parameter limit-bytes-total');
  await cycle();
  expect(user(code)['limit-bytes-total'] ?? '0').toBe('0');
  await download(60);
  await cycle();
  expect((await voucher(h, code)).status).toBe('exhausted');
  // 500 MB reached at 40 s, the poll at 60 s: 20 s × 12.5 MB/s past the cap.
  expect(await bookedBytes(code)).toBe(750 * MB);
});

test('a top-up raises the router limit within one poll; off-peak free data lifts it', async () => {
  const code = await seedVoucher(h, 'CAP');
  await loginOnRouter(h, code, MAC, IP);
  await cycle();
  h.sim.addTraffic(MAC, { up: 0, down: 100 * MB }, 10);
  advance(h, 30);
  await cycle();
  expect(user(code)['limit-bytes-total']).toBe(String(500 * MB));
  // Extra data (a top-up's): the router's limit rises by it at the next poll.
  await h
    .core!.db('vouchers')
    .where({ code })
    .update({ extra_bytes: 200 * MB });
  advance(h, 30);
  await cycle();
  expect(user(code)['limit-bytes-total']).toBe(String(700 * MB));

  const night = await seedVoucher(h, 'NIGHT');
  await loginOnRouter(h, night, '02:00:00:00:03:02', '10.5.50.62');
  advance(h, 30);
  await cycle();
  // Data is free now: the router holds no byte limit (the poll enforces the cap when the window closes).
  expect(user(night)['limit-bytes-total'] ?? '0').toBe('0');
});
