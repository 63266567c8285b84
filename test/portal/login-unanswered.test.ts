/**
 * A portal login the router did not answer (its reply late, the connection lost under it): whether the phone is
 * online is not known, so the code is neither given back nor told "not used". Its claim stays until the poll reads
 * the router's sessions: confirmed when the phone is online, undone (a first use back to unused, its clock never
 * started) when it is not. The customer is told to check, and a retry finishes the login.
 */
import { createHarness, Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import { addDevice, makeVouchers, openForm, redeemApi, voucherRow } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true });
});
afterEach(() => h.close());

const poll = () => h.core!.services.usage.runCycle();
const devices = async (code: string) =>
  h.core!.db('voucher_devices').where({ voucher_id: (await voucherRow(h, code)).id as number });
const sessions = () => h.sim.rows('/ip/hotspot/active').map((s) => [s.user, s['mac-address']]);
const queues = () => h.sim.rows('/queue/simple').map((q) => q.name);
const eventKinds = async (code: string) =>
  (await h.core!.services.events.list({ voucherCode: code })).map((e) => e.kind);

/** The router does the login but its reply comes after the controller's ROUTER_TIMEOUT_SECONDS (3 s here). */
async function redeemWithLateReply(code: string, phone: { mac: string; ip: string }) {
  h.sim.setLatency(3_500);
  try {
    return await redeemApi(h, { code, ...phone });
  } finally {
    h.sim.setLatency(0);
    await h.router.waitConnected(10_000);
  }
}

test('a late reply: the phone is online, the code kept for it, and the poll confirms it with its queue', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1); // one device, one hour
  const phone = addDevice(h, 1);
  const claimedAt = h.clock.now();
  const res = await redeemWithLateReply(code, phone);
  expect([res.status, res.json.code]).toEqual([503, 'LOGIN_UNCONFIRMED']);
  expect(String(res.json.error)).toMatch(/not confirmed yet/);
  expect(String(res.json.error)).not.toMatch(/not used/);
  // The router let the phone in; the code is not given back while that is being checked.
  expect(sessions()).toEqual([[code, phone.mac]]);
  expect(await voucherRow(h, code)).toMatchObject({ status: 'active', bound_mac: phone.mac });
  expect((await devices(code)).map((d) => [d.mac, d.login_pending_at !== null])).toEqual([[phone.mac, true]]);

  // Nobody else gets the code meanwhile: it is in use on the first phone.
  const other = await redeemApi(h, { code, ...addDevice(h, 2) });
  expect([other.status, other.json.code]).toEqual([409, 'CODE_IN_USE']);

  // The poll after the grace minute finds the phone online: the claim is confirmed, the queue added.
  h.clock.advance(61_000);
  await poll();
  expect((await devices(code)).map((d) => [d.mac, d.login_pending_at])).toEqual([[phone.mac, null]]);
  expect(queues()).toEqual([`pisonet-${phone.mac}`]);
  const row = await voucherRow(h, code);
  expect(row.status).toBe('active');
  // Its hour runs from the login, which did go through.
  expect(Number(row.expires_at)).toBe(claimedAt + 3_600_000);
  expect(await eventKinds(code)).not.toContain('redemption-undone');
  // The sale and the login are in the feed, as the portal would have written them.
  expect((await eventKinds(code)).sort()).toEqual(['login', 'sale']);
});

test('a late reply, then the customer enters the code again: the same login finishes at once', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  expect((await redeemWithLateReply(code, phone)).json.code).toBe('LOGIN_UNCONFIRMED');
  const again = await redeemApi(h, { code, ...phone });
  expect(again.status).toBe(200);
  expect(sessions()).toEqual([[code, phone.mac]]);
  expect(queues()).toEqual([`pisonet-${phone.mac}`]);
  expect((await devices(code)).map((d) => d.login_pending_at)).toEqual([null]);
  // Nothing is left for the poll to settle.
  h.clock.advance(61_000);
  await poll();
  expect(await voucherRow(h, code)).toMatchObject({ status: 'active' });
  expect(await eventKinds(code)).not.toContain('redemption-undone');
  // The login again finished the first use: that is the sale, and its login is no "again".
  await waitFor(async () => (await eventKinds(code)).length === 2);
  expect((await eventKinds(code)).sort()).toEqual(['login', 'sale']);
  const login = (await h.core!.services.events.list({ voucherCode: code })).find((e) => e.kind === 'login');
  expect(login?.message).not.toMatch(/again/);
});

test('the connection lost under the login, which never happened: the poll gives the code back unused', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  h.sim.faults.dropConnectionOn('/ip/hotspot/active/login');
  const res = await redeemApi(h, { code, ...phone });
  expect([res.status, res.json.code]).toEqual([503, 'LOGIN_UNCONFIRMED']);
  await h.router.waitConnected(10_000);
  expect(sessions()).toEqual([]);
  expect((await voucherRow(h, code)).status).toBe('active'); // kept until the router is read

  h.clock.advance(61_000);
  await poll();
  expect(await voucherRow(h, code)).toMatchObject({
    status: 'unused',
    activated_at: null,
    expires_at: null,
    bound_mac: null,
  });
  expect(await devices(code)).toEqual([]);
  expect(await eventKinds(code)).toContain('redemption-undone');
  // The customer's next try gets a full hour from then.
  expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
  expect(Number((await voucherRow(h, code)).expires_at)).toBe(h.clock.now() + 3_600_000);
});

test('a second code while the first one’s login is not confirmed is refused, and used only once the first stands', async () => {
  const [first, second] = await makeVouchers(h, 'BASIC', 2);
  const phone = addDevice(h, 1);
  h.sim.faults.dropConnectionOn('/ip/hotspot/active/login');
  expect((await redeemApi(h, { code: first, ...phone })).json.code).toBe('LOGIN_UNCONFIRMED');
  await h.router.waitConnected(10_000);
  // The customer types the other card meanwhile: not added to a code the poll may give back.
  const meanwhile = await redeemApi(h, { code: second, ...phone });
  expect([meanwhile.status, meanwhile.json.code]).toEqual([503, 'LOGIN_UNCONFIRMED']);
  expect(await voucherRow(h, second)).toMatchObject({ status: 'unused', topped_up_into: null });
  // The first never got online: given back; the second is whole and gets the phone online.
  h.clock.advance(61_000);
  await poll();
  expect((await voucherRow(h, first)).status).toBe('unused');
  expect((await redeemApi(h, { code: second, ...phone })).status).toBe(200);
  expect(await voucherRow(h, second)).toMatchObject({ status: 'active', bound_mac: phone.mac });
});

test('a router that is not connected at all: nothing was sent, so the code is not used (no claim left)', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  h.sim.setReachable(false);
  await waitFor(() => !h.router.status.connected);
  const res = await redeemApi(h, { code, ...addDevice(h, 1) });
  expect([res.status, res.json.code]).toEqual([503, 'ROUTER_UNREACHABLE']);
  expect((await voucherRow(h, code)).status).toBe('unused');
  h.sim.setReachable(true);
});

test('the portal page tells the customer to check, in Filipino too, and keeps the code in the form', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  const url = `${h.app!.url}/portal?mac=${phone.mac}&ip=${phone.ip}&lang=fil`;
  const form = await openForm(url);
  h.sim.setLatency(3_500);
  const res = await fetch(`${h.app!.url}/portal/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ _csrf: form.token, code, mac: phone.mac, ip: phone.ip, lang: 'fil' }),
    redirect: 'manual',
  });
  h.sim.setLatency(0);
  const page = await res.text();
  expect(res.status).toBe(503);
  expect(page).toContain('hindi pa kumpirmado ang iyong login');
  expect(page).not.toContain('Hindi nagamit ang iyong code');
  expect(page).toContain(`value="${code}"`);
  await h.router.waitConnected(10_000);
});
