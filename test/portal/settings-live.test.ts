/**
 * The shop's time zone changed in the admin reaches the portal at once: a paused customer's "the pause ends by
 * itself at …" is told in the zone the owner has just chosen, without a restart, as the shop's other times are
 * (its date too when it ends on another day).
 */
import { createHarness, Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { addDevice, makeVouchers, redeemApi, onlinePlan } from './helpers';
import { formatShopTime } from '../../src/domain/clock';

const PROFILES = [onlinePlan({ pause_max: '2h' }), { ...onlinePlan({ pause_max: '1d' }), name: 'LONGPAUSE' }];

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES }); // .env: TZ=Asia/Manila
}, 60000);
afterAll(async () => {
  await h?.close();
});

const cookieOf = (r: { headers: Headers }) => (r.headers.get('set-cookie') ?? '').split(';')[0];
const pauseEnds = async (mac: string, cookie: string) => {
  const html = await (
    await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(mac)}`, { headers: { cookie } })
  ).text();
  return /The pause ends by itself at ([^<]+?)\./.exec(html)?.[1];
};

/** A code of `plan` redeemed on device `n`, then paused by its customer on the portal. */
async function paused(plan: string, n: number) {
  const [code] = await makeVouchers(h, plan, 1);
  const d = addDevice(h, n);
  const cookie = cookieOf(await redeemApi(h, { code, ...d }));
  await h.core!.services.usage.runCycle();
  const pause = await fetch(`${h.app!.url}/api/portal/pause`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ mac: d.mac }),
  });
  expect(pause.status).toBe(200);
  return { d, cookie };
}

test("a paused customer's pause end follows the time zone the owner sets, at once", async () => {
  const { d, cookie } = await paused('ONLINE', 1);
  const ends = h.clock.now() + 2 * 3600 * 1000;
  const inZone = (tz: string) => formatShopTime(ends, tz, h.clock.now());
  expect(await pauseEnds(d.mac, cookie)).toBe(inZone('Asia/Manila'));

  const admin = new AdminClient(h.app!.url);
  expect((await admin.login()).status).toBe(303);
  const saved = await admin.post(
    '/admin/settings/shop',
    { tz: 'Asia/Jakarta' },
    await admin.token('/admin/settings'),
  );
  expect(saved.status).toBe(303);
  expect(await pauseEnds(d.mac, cookie)).toBe(inZone('Asia/Jakarta'));
  expect(inZone('Asia/Jakarta')).not.toBe(inZone('Asia/Manila'));
});

test('a pause that ends on another day is told with its date', async () => {
  const { d, cookie } = await paused('LONGPAUSE', 2);
  const ends = h.clock.now() + 24 * 3600 * 1000;
  const said = await pauseEnds(d.mac, cookie);
  // The zone the test above saved.
  expect(said).toBe(formatShopTime(ends, 'Asia/Jakarta', h.clock.now()));
  expect(said).toMatch(/^[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d{2}\s[AP]M$/);
});
