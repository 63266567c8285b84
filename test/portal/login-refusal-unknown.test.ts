/**
 * A customer's login refused with a text no real router is known to send (docs/routeros.md "Login refusals"):
 * what the router holds for the phone decides. Already online with this code, the customer is simply back
 * online; online with another code, that session ends and the new code logs in, as for the simulator's own
 * refusal; not online, the refusal stands (502, the code unused), even when the text reads like a used-up
 * code or a device logged in already.
 */
import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi, voucherRow } from './helpers';

const LOGIN = '/ip/hotspot/active/login';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true });
});
afterAll(() => h.close());

const sessionsOf = (mac: string) =>
  h.sim
    .rows('/ip/hotspot/active')
    .filter((s) => s['mac-address'] === mac)
    .map((s) => s.user);

test('online with this code, refused with an unknown text: a relogin', async () => {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const phone = addDevice(h, 1);
  expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
  h.sim.faults.trapOn(LOGIN, 'something nobody expected');
  const again = await redeemApi(h, { code, ...phone });
  expect([again.status, again.json.relogin]).toEqual([200, true]);
  expect(sessionsOf(phone.mac)).toEqual([code]);
  expect((await voucherRow(h, code)).status).toBe('active');
});

test("online with another code, refused with an unknown text: as with the hotspot's own refusal, that session ends and this code logs in", async () => {
  const [first, second, third] = await makeVouchers(h, 'BASIC', 3);
  const phone = addDevice(h, 2);
  const redemption = h.core!.services.redemption;
  expect((await redemption.redeem({ code: first, ...phone })).relogin).toBe(false);
  // The simulator's own refusal of a device logged in already.
  expect((await redemption.redeem({ code: second, ...phone })).code).toBe(second);
  expect(sessionsOf(phone.mac)).toEqual([second]);
  // The same with a text nobody has seen.
  h.sim.faults.trapOn(LOGIN, 'something nobody expected');
  expect((await redemption.redeem({ code: third, ...phone })).code).toBe(third);
  expect(sessionsOf(phone.mac)).toEqual([third]);
  expect((await voucherRow(h, third)).status).toBe('active');
});

test.each(['something nobody expected', 'already authorized', 'already logged in', 'uptime limit reached'])(
  'not online, refused with %j: 502 LOGIN_REFUSED, and the code stays unused',
  async (text) => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const phone = addDevice(h, 3);
    h.sim.faults.trapOn(LOGIN, text);
    const res = await redeemApi(h, { code, ...phone });
    expect([res.status, res.json.code]).toEqual([502, 'LOGIN_REFUSED']);
    expect(sessionsOf(phone.mac)).toEqual([]);
    expect((await voucherRow(h, code)).status).toBe('unused');
  },
);
