/**
 * Extra data at the cap, end to end: a shop whose CAP plan sells 200 MB more for ₱10 once its 500 MB are used,
 * against the simulated router (which cuts a session at its user's `limit-bytes-total`, to the byte).
 */
import { createHarness, type Harness, type HarnessOptions } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { advance } from '../usage/helpers';

export const MB = 1_000_000;

export const PROFILES = [
  {
    name: 'CAP',
    price: 20,
    validity: '1d',
    users: 1,
    rate_up: '100M',
    rate_down: '100M',
    data_cap: '500M',
    overage: { bytes: '200M', price: 10 },
  },
  // Codes sold as extra data: a plan with a data cap (its time is not added).
  { name: 'DATA', price: 15, validity: '3h', users: 1, rate_up: '10M', rate_down: '10M', data_cap: '300M' },
  // No data cap: not extra data; it starts as a voucher of its own.
  { name: 'OPEN', price: 5, validity: '1h', users: 1, rate_up: '1M', rate_down: '2M' },
  // A cap that ends the voucher, as before.
  { name: 'HARD', price: 20, validity: '1d', users: 1, rate_up: '100M', rate_down: '100M', data_cap: '500M' },
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  // Online time: it stands while the phone waits, offline, for extra data.
  {
    name: 'UPCAP',
    price: 20,
    validity: '2h',
    users: 1,
    rate_up: '100M',
    rate_down: '100M',
    data_cap: '500M',
    time_mode: 'uptime',
    overage: { bytes: '200M', price: 10 },
  },
  // A cap that slows the voucher down: it never waits, so extra data is not sold there.
  {
    name: 'SLOW',
    price: 20,
    validity: '1d',
    users: 1,
    rate_up: '100M',
    rate_down: '100M',
    data_cap: '500M',
    cap_policy: 'throttle',
    cap_rate_up: '128K',
    cap_rate_down: '256K',
    overage: { bytes: '200M', price: 10 },
  },
];

export function overageHarness(opts: HarnessOptions = {}): Promise<Harness> {
  return createHarness({ http: true, profiles: PROFILES, ...opts });
}

export const cycle = (h: Harness) => h.core!.services.usage.runCycle();

/** The code's hotspot user on the router. */
export const routerUser = (h: Harness, code: string) =>
  h.sim.rows('/ip/hotspot/user').find((u) => u.name === code) as Record<string, string> | undefined;

/** The device's session on the router, if it is online. */
export const sessionOf = (h: Harness, mac: string) =>
  h.sim.rows('/ip/hotspot/active').find((a) => a['mac-address'] === mac);

/** Phone `n` redeems a code of `profile` on the portal and the poll takes it in (its byte limit written). */
export async function online(
  h: Harness,
  n: number,
  profile = 'CAP',
): Promise<{ code: string; mac: string; ip: string; cookie: string }> {
  const [code] = await makeVouchers(h, profile, 1);
  const d = addDevice(h, n);
  const res = await redeemApi(h, { code, ...d });
  expect(res.status).toBe(200);
  await cycle(h);
  const cookie = res.headers
    .getSetCookie()
    .find((c) => c.startsWith('pisonet_device='))!
    .split(';')[0];
  return { code, ...d, cookie };
}

/**
 * Phone `n` on CAP downloads past its 500 MB: the router cuts it at the cap, the poll books it. Returns the phone.
 */
export async function usedUp(h: Harness, n: number, profile = 'CAP') {
  const phone = await online(h, n, profile);
  h.sim.addTraffic(phone.mac, { up: 0, down: 700 * MB }, 60);
  advance(h, 60);
  await cycle(h);
  return phone;
}
