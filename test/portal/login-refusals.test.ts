/**
 * The hotspot's own refusals of a login, as a real router words them, become clear customer messages, and
 * the code is not used up by a refused login. A dynamic queue gone before ours is added above it is no failure.
 */
import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi, voucherRow } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true });
});
afterAll(() => h.close());

test.each([
  ['user CODE has reached uptime limit', 410, 'VOUCHER_EXPIRED'],
  ['user CODE has reached traffic limit', 410, 'VOUCHER_EXPIRED'],
  ['no more sessions are allowed for user CODE', 409, 'DEVICE_LIMIT'],
  ['user CODE is not allowed to log in from this MAC address', 409, 'DEVICE_LIMIT'],
  ['unknown host IP 10.5.50.101', 403, 'UNKNOWN_DEVICE'],
  ['wrong MAC provided', 403, 'UNKNOWN_DEVICE'],
  ['invalid username or password', 503, 'VOUCHER_NOT_ON_ROUTER'],
  ['something nobody expected', 502, 'LOGIN_REFUSED'],
])('"%s" → %i %s, and the code stays unused', async (text, status, code) => {
  const [voucher] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  h.sim.faults.trapOn('/ip/hotspot/active/login', text.replace('CODE', voucher));
  const res = await redeemApi(h, { code: voucher, ...phone });
  expect([res.status, res.json.code]).toEqual([status, code]);
  expect(String(res.json.error)).not.toMatch(/trap|RouterOS/i);
  expect((await voucherRow(h, voucher)).status).toBe('unused');
});

test('the dynamic queue we meant to go above is gone (no such item): the redemption still succeeds', async () => {
  // A hotspot user profile with a rate limit makes the router add a dynamic queue at each login.
  const [def] = await h.router.print('/ip/hotspot/user/profile', { query: ['name=default'] });
  await h.router.set('/ip/hotspot/user/profile', def['.id'], { 'rate-limit': '2M/2M' });
  const [first, voucher] = await makeVouchers(h, 'BASIC', 2);
  expect((await redeemApi(h, { code: first, ...addDevice(h, 3) })).status).toBe(200);
  expect(h.sim.rows('/queue/simple').some((q) => q.dynamic === 'true')).toBe(true);
  const phone = addDevice(h, 2);
  h.sim.faults.trapOn('/queue/simple/add', 'no such item');
  // Only the first add (with place-before) is refused; the retry without it goes through.
  const res = await redeemApi(h, { code: voucher, ...phone });
  expect(res.status).toBe(200);
  expect(h.sim.rows('/queue/simple').some((q) => q.name === `pisonet-${phone.mac}`)).toBe(true);
});

test('the router refuses the MAC binding: the login is undone with its queue, and the code stays unused', async () => {
  const [voucher] = await makeVouchers(h, 'BASIC', 1); // one device: the login binds the user to its MAC
  const phone = addDevice(h, 4);
  // (The timing where the refusal arrives before the queue exists: test/router/login-undo.test.ts.)
  h.sim.faults.trapOn('/ip/hotspot/user/set', 'failure: could not set mac-address');
  const res = await redeemApi(h, { code: voucher, ...phone });
  expect(res.status).toBe(502);
  expect((await voucherRow(h, voucher)).status).toBe('unused');
  expect(h.sim.rows('/queue/simple').some((q) => q.name === `pisonet-${phone.mac}`)).toBe(false);
  expect(h.sim.rows('/ip/hotspot/active').some((s) => s['mac-address'] === phone.mac)).toBe(false);
});
