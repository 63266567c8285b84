/**
 * A code kept for a device (a second code "queued" on the portal) is that device's on the router
 * too: its hotspot user is bound to the device's MAC until it starts, so another device cannot use it on the
 * router's own login page. The device itself can (while the controller is away, say): the poll adopts the
 * login as the code's start, and the binding becomes the plan's own (none for several devices). The users
 * check keeps the binding, and a voucher that moves to a new address takes its queued codes' bindings along.
 */
import { createHarness, Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { addDevice, makeVouchers, redeemApi, voucherRow } from './helpers';

const PROFILES = [
  { name: 'HOUR', price: 10, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'FAST', price: 20, validity: '1h', users: 1, rate_up: '2M', rate_down: '4M' },
  { name: 'DUO', price: 20, validity: '1h', users: 2, rate_up: '512K', rate_down: '1M', topup: 'queue' },
];
const ANY = [undefined, '00:00:00:00:00:00'];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(async () => {
  await h.close();
});

/**
 * A cycle that starts now: the server's own poll may be in flight, and a call made meanwhile shares it (its
 * router read predates the clock this test just advanced), so the second call is the one that counts.
 */
const cycle = async () => {
  await h.core!.services.usage.runCycle();
  return h.core!.services.usage.runCycle();
};
const user = (code: string) => h.sim.rows('/ip/hotspot/user').find((u) => u.name === code)!;
const sessions = () => h.sim.rows('/ip/hotspot/active');
const routerLogin = (code: string, d: { mac: string; ip: string }) =>
  h.router.hotspotLogin({ user: code, password: code, mac: d.mac, ip: d.ip });

test('another device cannot use a queued code on the router page; the users check keeps the binding', async () => {
  const [first] = await makeVouchers(h, 'HOUR', 1);
  const [fast] = await makeVouchers(h, 'FAST', 1);
  const a = addDevice(h, 1);
  await redeemApi(h, { code: first, ...a });
  expect(ANY).toContain(user(fast)['mac-address']);
  const q = await redeemApi(h, { code: fast, ...a });
  expect(q.json.topped_up).toMatchObject({ mode: 'queue' });
  expect(user(fast)['mac-address']).toBe(a.mac);

  const b = addDevice(h, 2);
  await expect(routerLogin(fast, b)).rejects.toThrow(/not allowed|mac/i);
  await cycle();
  expect(await voucherRow(h, fast)).toMatchObject({ status: 'unused', queued_mac: a.mac });
  expect(sessions().map((s) => s.user)).toEqual([first]);

  // A hand edit on the router (or a reset) is put back by the users check.
  await h.router.set('/ip/hotspot/user', String(user(fast)['.id']), { 'mac-address': '00:00:00:00:00:00' });
  expect(user(fast)['mac-address']).toBe('00:00:00:00:00:00');
  await h.core!.defaultStack.hotspotUsers!.check();
  expect(user(fast)['mac-address']).toBe(a.mac);
});

test('the device it is kept for may use it on the router page: adopted as its start, then unbound for two devices', async () => {
  const [first] = await makeVouchers(h, 'HOUR', 1);
  const [duo] = await makeVouchers(h, 'DUO', 1);
  const a = addDevice(h, 1);
  await redeemApi(h, { code: first, ...a });
  expect((await redeemApi(h, { code: duo, ...a })).json.topped_up).toMatchObject({ mode: 'queue' });
  expect(user(duo)['mac-address']).toBe(a.mac);

  // The phone leaves before the first code ends, so the poll cannot start the kept one; back on the WiFi,
  // it types the kept code on the router's own page.
  h.sim.removeDevice(a.mac);
  advance(h, 3600);
  await cycle();
  expect((await voucherRow(h, first)).status).toBe('expired');
  expect(await voucherRow(h, duo)).toMatchObject({ status: 'unused', queued_mac: a.mac });
  h.sim.addDevice(a);
  await routerLogin(duo, a);
  await cycle();
  expect(await voucherRow(h, duo)).toMatchObject({ status: 'active' });
  await h.core!.defaultStack.hotspotUsers!.sync();
  expect(await voucherRow(h, duo)).toMatchObject({ status: 'active', queued_mac: null });
  expect(ANY).toContain(user(duo)['mac-address']);
});

test('started by the poll after the first ends: the binding is the plan own at once', async () => {
  const [first] = await makeVouchers(h, 'HOUR', 1);
  const [duo] = await makeVouchers(h, 'DUO', 1);
  const a = addDevice(h, 1);
  await redeemApi(h, { code: first, ...a });
  await redeemApi(h, { code: duo, ...a });
  advance(h, 3600);
  await cycle();
  expect(await voucherRow(h, duo)).toMatchObject({ status: 'active', queued_mac: null });
  expect(sessions().map((s) => [s.user, s['mac-address']])).toEqual([[duo, a.mac]]);
  expect(ANY).toContain(user(duo)['mac-address']);
});

test('a voucher moving to a new address takes its queued code binding along', async () => {
  const [first] = await makeVouchers(h, 'HOUR', 1);
  const [fast] = await makeVouchers(h, 'FAST', 1);
  const a = addDevice(h, 1);
  const redeemed = await redeemApi(h, { code: first, ...a });
  await redeemApi(h, { code: fast, ...a });
  const c = addDevice(h, 3);
  // The same phone's browser (its device cookie) with a new address: the code's owner may move it.
  const device = redeemed.headers
    .getSetCookie()
    .find((x) => x.startsWith('pisonet_device='))!
    .split(';')[0];
  const moved = await fetch(`${h.app!.url}/api/portal/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: device },
    body: JSON.stringify({ code: first, ...c, confirm_move: true }),
  });
  expect(((await moved.json()) as { moved: boolean }).moved).toBe(true);
  expect(await voucherRow(h, fast)).toMatchObject({ status: 'unused', queued_mac: c.mac });
  expect(user(fast)['mac-address']).toBe(c.mac);
});
