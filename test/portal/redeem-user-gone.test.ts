/**
 * A portal login whose hotspot user is gone from the router (removed by hand, a reset the users check has not
 * put right yet) adds it back and logs in: with its plan's byte cap, so the router cuts the device at the byte
 * from the first login, not at the next poll.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi } from './helpers';

const PROFILES = [
  { name: 'TINY', price: 3, validity: '1h', users: 1, rate_up: '2M', rate_down: '5M', data_cap: '10M' },
];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(() => h.close());

const user = (code: string) => h.sim.rows('/ip/hotspot/user').find((u) => u.name === code);

test('the user added back at the login holds the cap', async () => {
  const [code] = await makeVouchers(h, 'TINY', 1);
  expect(user(code)).toMatchObject({ 'limit-bytes-total': '10000000' });
  await h.router.remove('/ip/hotspot/user', [user(code)!['.id']]);
  const phone = addDevice(h, 1);
  expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
  expect(user(code)).toMatchObject({ 'limit-bytes-total': '10000000', 'limit-uptime': '1h' });
  const session = h.sim.rows('/ip/hotspot/active').find((a) => a.user === code);
  expect(session?.['limit-bytes-total']).toBe('10000000');
});
