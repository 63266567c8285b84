/** /metrics shows the fair-use watch: its set's size, its reads and rows, and crossing-to-enforced seconds. */
import { metricsOf, valueOf } from '../metrics/exposition';
import { advance, loginOnRouter, queueOf, seedVoucher, TEST_PROFILES } from '../usage/helpers';
import { createHarness, type Harness } from '../helpers/harness';

const MAC = '02:00:00:00:00:01';
const SITE = { site: 'default' };
let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: TEST_PROFILES, env: { FUP_WATCH: 'on' } });
});
afterEach(async () => {
  await h.close();
});

test('the watch set, its reads and a crossing enforced within 2 s', async () => {
  const usage = h.core!.services.usage;
  const code = await seedVoucher(h, 'FUP');
  await loginOnRouter(h, code, MAC, '10.5.50.11');
  await usage.runCycle();
  h.sim.addTraffic(MAC, { up: 0, down: 85_000_000 }, 300);
  advance(h, 300);
  await usage.runCycle();
  let m = await metricsOf(h);
  expect(valueOf(m, 'pisonet_fup_watch_reads_total', SITE)).toBe(0);
  advance(h, 1);
  await usage.watch!();
  m = await metricsOf(h);
  expect(valueOf(m, 'pisonet_fup_watch_devices', SITE)).toBe(1);
  expect(valueOf(m, 'pisonet_fup_watch_reads_total', SITE)).toBe(1);
  expect(valueOf(m, 'pisonet_fup_watch_rows_total', SITE)).toBe(2);
  // Both ways at full speed for a second at a time: the line is passed between two reads a second apart.
  for (let i = 0; i < 25 && queueOf(h, MAC)?.['max-limit'] !== '256000/512000'; i++) {
    h.sim.addTraffic(MAC, { up: 250_000, down: 500_000 }, 1);
    advance(h, 1);
    await usage.watch!();
  }
  m = await metricsOf(h);
  expect(valueOf(m, 'pisonet_fup_enforced_seconds_count', SITE)).toBe(1);
  const seconds = valueOf(m, 'pisonet_fup_enforced_seconds_sum', SITE);
  expect(seconds).toBeGreaterThanOrEqual(0);
  expect(seconds).toBeLessThanOrEqual(1);
  expect(valueOf(m, 'pisonet_fup_enforced_seconds_bucket', { ...SITE, le: '2' })).toBe(1);
});
