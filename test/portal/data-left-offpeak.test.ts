/**
 * A capped plan with free nights: traffic inside the off-peak window is used but not counted, so the data left
 * is the cap minus the counted bytes on the status page and in its API, and the page's bar and banners read the
 * same counted figure. The harness's shop is in Asia/Manila (UTC+8, no DST).
 */
import { formatBytes } from '../../src/domain/units';
import { createHarness, Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { addDevice, AUTH, makeVouchers, redeemApi } from './helpers';

jest.setTimeout(60000);

const MB = 1_000_000;
const PROFILES = [
  {
    name: 'NIGHTCAP',
    price: 20,
    validity: '3d',
    users: 1,
    rate_up: '10M',
    rate_down: '20M',
    data_cap: '100M',
    offpeak: { start: '22:00', end: '06:00', unlimited: true },
  },
];

/** Manila wall time → ms epoch. */
const manila = (day: number, hh: number, mm: number, ss = 0) => Date.UTC(2026, 10, day, hh - 8, mm, ss);

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(async () => {
  await h.close();
});

/** The clock (and the simulated router's) to `ms`, then one poll. */
async function pollAt(ms: number): Promise<void> {
  const seconds = (ms - h.clock.now()) / 1000;
  h.clock.set(ms);
  h.sim.tick(seconds);
  await h.core!.services.usage.runCycle();
}

test('free night traffic is not taken from the data left: API, page, bar and banner agree on cap − counted', async () => {
  h.clock.set(manila(21, 21, 58, 0));
  const [code] = await makeVouchers(h, 'NIGHTCAP', 1);
  const d = addDevice(h, 1);
  const r = await redeemApi(h, { code, ...d });
  expect(r.status).toBe(200);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0];
  // The redemption's last steps (its events) are done before the polls begin.
  await h.core!.services.redemption.settled();
  await pollAt(manila(21, 21, 59, 30));
  await pollAt(manila(21, 22, 0, 0)); // the window opens at this poll
  // 150 MB inside the window: used, not counted (more than the whole 100 MB cap).
  h.sim.addTraffic(d.mac, { up: 0, down: 150 * MB }, 60);
  await pollAt(manila(21, 22, 1, 0));
  // At night the page says the data is free, and until when, in the shop's time.
  const night = await (
    await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(d.mac)}`, { headers: { cookie } })
  ).text();
  expect(/<p class="small muted" id="free-data">([^<]*)<\/p>/.exec(night)?.[1]).toBe(
    'Data is free until 06:00: it does not count toward your limit.',
  );
  await pollAt(manila(22, 6, 0, 0)); // the window closes at this poll
  // 85 MB in the day: counted.
  h.sim.addTraffic(d.mac, { up: 0, down: 85 * MB }, 40);
  await pollAt(manila(22, 6, 0, 40));

  const api = (await (
    await fetch(`${h.app!.url}/api/portal/status?mac=${encodeURIComponent(d.mac)}`, { headers: { cookie } })
  ).json()) as Record<string, unknown>;
  expect(api).toMatchObject({
    active: true,
    used_bytes: 235 * MB,
    counted_bytes: 85 * MB,
    cap_bytes: 100 * MB,
    left_bytes: 15 * MB,
    used_percent: 85,
    alerts: [{ kind: 'cap-80', percent: 80 }],
    free_data_until: null,
  });

  const html = await (
    await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(d.mac)}`, { headers: { cookie } })
  ).text();
  expect(/<dd id="data-left">([^<]*)<\/dd>/.exec(html)?.[1]).toBe(formatBytes(15 * MB));
  expect(/<dd id="data-used">([^<]*)<\/dd>/.exec(html)?.[1]).toBe(formatBytes(235 * MB));
  const bar = Number(/<div class="meter"[^>]*><span style="width: (\d+)%"/.exec(html)?.[1]);
  const banners = [...html.matchAll(/<p class="alert warn">([^<]*)<\/p>/g)].map((m) => m[1]);
  expect(bar).toBe(85);
  expect(html).not.toContain('id="free-data"');
  // One banner, the 80 % level the bar has passed; none of 90 or 100 %, which the bar has not reached.
  expect(banners).toHaveLength(1);
  expect(banners[0]).toContain('80');

  // The admin's voucher page, its API and the terminal read the same summary.
  const admin = (await (
    await fetch(`${h.app!.url}/admin/api/vouchers/${code}`, { headers: AUTH })
  ).json()) as { voucher: Record<string, unknown> };
  expect(admin.voucher.usage).toEqual({
    used_bytes: 235 * MB,
    counted_bytes: 85 * MB,
    left_bytes: 15 * MB,
    used_percent: 85,
    alert: { kind: 'cap-80', percent: 80 },
  });
  const cli = await runCli(h, ['vouchers', 'show', code, '--json']);
  expect(JSON.parse(cli.stdout).voucher).toMatchObject({
    usage: { left_bytes: 15 * MB, counted_bytes: 85 * MB, used_bytes: 235 * MB },
  });
  const text = await runCli(h, ['vouchers', 'show', code]);
  expect(text.stdout).toMatch(/Data left/);
  expect(text.stdout).toContain(
    `${formatBytes(15 * MB)} (${formatBytes(85 * MB)} counted toward the cap, 80% reached)`,
  );
});
