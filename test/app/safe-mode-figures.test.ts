/**
 * Safe mode's figures: the polls still read the router but meter nothing, so the last metered poll's time and the
 * online count stay where they were (after a restore onto another router, from before the backup). The dashboard
 * and /healthz say so instead of passing them off as live.
 */
import { formatShopTime } from '../../src/domain/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { routerBack } from '../usage/helpers';

let h: Harness;
let admin: AdminClient;

beforeEach(async () => {
  h = await createHarness({ http: true });
  admin = new AdminClient(h.app!.url);
  expect((await admin.login()).status).toBe(303);
});
afterEach(async () => {
  await h.close();
});

interface Health {
  router: { connected: boolean; lastPollAt: string | null; metering: boolean };
  warnings: Array<{ code: string }>;
}
const healthz = async () => (await (await fetch(`${h.app!.url}/healthz`)).json()) as Health;
const dashboard = async () =>
  (await (await admin.get('/admin/api/dashboard')).json()) as {
    online: number;
    router: { connected: boolean; not_metered: string | null };
  };

test('in safe mode the dashboard and /healthz say nothing is metered since the last metered poll', async () => {
  const [code] = await makeVouchers(h, 'STANDARD', 1);
  expect((await redeemApi(h, { code: code!, ...addDevice(h, 1) })).status).toBe(200);
  await h.core!.services.usage.runCycle();
  const metered = h.core!.services.usage.lastPollAt()!;
  expect(await healthz()).toMatchObject({ router: { metering: true } });
  expect((await dashboard()).router.not_metered).toBeNull();
  expect(await admin.html('/admin')).toMatch(/data-tile="online-note" class="">0 slowed by FUP\/cap</);

  // Another router at the address (a restore onto a new router): safe mode; the polls read it and stop there.
  await h.sim.replaceRouter();
  await routerBack(h);
  expect((await h.core!.services.routerBinding.check()).mode).toBe('safe');
  h.clock.advance(60_000);
  expect((await h.core!.services.usage.runCycle()).skipped).toBe('safe-mode');

  const words = `Safe mode: not metered since ${formatShopTime(metered, h.config.tz, h.clock.now())}`;
  const health = await healthz();
  expect(health.router).toMatchObject({
    connected: true,
    metering: false,
    lastPollAt: new Date(metered).toISOString(),
  });
  expect(health.warnings.map((w) => w.code)).toContain('SAFE_MODE');
  expect(await dashboard()).toMatchObject({ online: 1, router: { connected: true, not_metered: words } });
  const page = await admin.html('/admin');
  expect(page).toMatch(new RegExp(`<span id="dash-state" data-connected="true">${words}</span>`));
  expect(page).toMatch(new RegExp(`data-tile="online-note" class="stale">${words}<`));
  expect(page).toMatch(new RegExp(`<dd data-testid="last-poll">${words}</dd>`));
});
