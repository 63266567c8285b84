/**
 * GET /metrics as Prometheus scrapes it: who may read it, every metric with its HELP and TYPE, and the counters
 * and gauges moving with what happens in the shop (a sale on the portal, a wrong code, traffic booked by a poll,
 * the router away and back). Parsed as text, as a scraper reads it (exposition.ts).
 */
import { createHarness, type Harness } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { metricsOf, parseExposition, scrape, TOKEN, valueOf, type Family } from './exposition';

const SITE = { site: 'default' };

const BUSINESS = {
  pisonet_router_up: 'gauge',
  pisonet_devices_online: 'gauge',
  pisonet_last_poll_timestamp_seconds: 'gauge',
  pisonet_poll_duration_seconds: 'histogram',
  pisonet_usage_bytes_total: 'counter',
  pisonet_vouchers_sold_total: 'counter',
  pisonet_sales_pesos_total: 'counter',
  pisonet_redemptions_total: 'counter',
  pisonet_radius_coa_total: 'counter',
  pisonet_subscribers: 'gauge',
  pisonet_subscribers_online: 'gauge',
};
const PROCESS = {
  process_resident_memory_bytes: 'gauge',
  process_cpu_seconds_total: 'counter',
  nodejs_eventloop_lag_seconds: 'gauge',
  nodejs_heap_size_used_bytes: 'gauge',
};

describe('who may read /metrics', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers ADMIN_API_TOKEN when no METRICS_TOKEN is set; 401 without a token or with a wrong one', async () => {
    h = await createHarness({ http: true });
    expect((await scrape(h)).status).toBe(200);
    for (const token of [null, 'wrong-token-0123456789abcdef', `${TOKEN}x`, TOKEN.slice(0, -1)]) {
      const r = await scrape(h, token);
      expect(r.status).toBe(401);
      expect(JSON.parse(r.text)).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
      expect(r.text).toContain('ADMIN_API_TOKEN');
      expect(r.text).not.toContain(TOKEN);
    }
    // Not the admin's cookie nor its login either: a scraper's bearer token only.
    const basic = await fetch(`${h.app!.url}/metrics`, {
      headers: { authorization: `Basic ${Buffer.from(`admin:correct horse battery`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
  });

  it('METRICS_TOKEN takes precedence: the admin API token no longer reads the metrics', async () => {
    const metricsToken = 'prometheus-scrape-token-42';
    h = await createHarness({ http: true, env: { METRICS_TOKEN: metricsToken } });
    const own = await scrape(h, metricsToken);
    expect(own.status).toBe(200);
    expect(own.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const admin = await scrape(h, TOKEN);
    expect(admin.status).toBe(401);
    expect(admin.text).toContain('METRICS_TOKEN');
    // The admin API keeps its own token.
    const api = await fetch(`${h.app!.url}/admin/api/vouchers`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(api.status).toBe(200);
  });

  it('with no token configured at all: 401 for everybody, saying which variable to set', async () => {
    h = await createHarness({ http: true, env: { ADMIN_API_TOKEN: '' } });
    for (const token of [null, TOKEN, '']) {
      const r = await scrape(h, token);
      expect(r.status).toBe(401);
      expect(r.text).toContain('Set METRICS_TOKEN');
    }
  });
});

describe('the metrics a scrape shows', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('names every metric with its HELP and TYPE, the sites labelled by name', async () => {
    const m = await metricsOf(h);
    for (const [name, type] of Object.entries({ ...BUSINESS, ...PROCESS })) {
      const f = m.get(name) as Family;
      expect({ name, help: Boolean(f?.help), type: f?.type }).toEqual({ name, help: true, type });
    }
    expect(valueOf(m, 'pisonet_router_up', SITE)).toBe(1);
    // Every counter of the site shown from zero before anything happened.
    expect(m.get('pisonet_usage_bytes_total')!.samples.map((s) => s.labels)).toEqual([
      { site: 'default', direction: 'up' },
      { site: 'default', direction: 'down' },
    ]);
    expect(valueOf(m, 'pisonet_sales_pesos_total', SITE)).toBe(0);
    // Each plan on sale from zero too, so that Prometheus counts its first sale (rate, increase).
    const plans = m.get('pisonet_vouchers_sold_total')!.samples;
    expect(plans.map((x) => `${x.labels.site} ${x.labels.profile} ${x.value}`).sort()).toEqual([
      'default BASIC 0',
      'default PREMIUM 0',
      'default STANDARD 0',
    ]);
    expect(valueOf(m, 'process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024);
  });

  it('a sale on the portal: a voucher sold under its plan, its price in pesos, a redemption ok', async () => {
    const before = await metricsOf(h);
    expect(valueOf(before, 'pisonet_vouchers_sold_total', { ...SITE, profile: 'STANDARD' })).toBe(0);
    const [code] = await makeVouchers(h, 'STANDARD', 1); // ₱10.00
    const d = addDevice(h, 1);
    expect((await redeemApi(h, { code, mac: d.mac, ip: d.ip })).status).toBe(200);
    const m = await metricsOf(h);
    expect(valueOf(m, 'pisonet_vouchers_sold_total', { ...SITE, profile: 'STANDARD' })).toBe(1);
    expect(valueOf(m, 'pisonet_sales_pesos_total', SITE)).toBe(10);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...SITE, result: 'ok' })).toBe(1);
    // The same code again on the same phone is a relogin: a redemption, not a second sale.
    expect((await redeemApi(h, { code, mac: d.mac, ip: d.ip })).status).toBe(200);
    const again = await metricsOf(h);
    expect(valueOf(again, 'pisonet_vouchers_sold_total', { ...SITE, profile: 'STANDARD' })).toBe(1);
    expect(valueOf(again, 'pisonet_sales_pesos_total', SITE)).toBe(10);
    expect(valueOf(again, 'pisonet_redemptions_total', { ...SITE, result: 'ok' })).toBe(2);
    // A charge on the running voucher is money in as the sales report counts it (a plan change's difference).
    const up = await fetch(`${h.app!.url}/admin/api/vouchers/${code}/profile`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: 'PREMIUM', charge: true }),
    });
    expect(up.status).toBe(200);
    const report = await h.core!.services.reports.sales({ from: 0, to: h.clock.now() + 1, by: 'day' });
    const reported = report.reduce((s, r) => s + r.amount, 0) / 100;
    expect(reported).toBe(20); // ₱10 sold + ₱10 upgrade
    expect(valueOf(await metricsOf(h), 'pisonet_sales_pesos_total', SITE)).toBe(reported);
  });

  it('a wrong code: the redemption counted under its error code, nothing sold', async () => {
    const d = addDevice(h, 2);
    const r = await redeemApi(h, { code: 'ZZZZ9999', mac: d.mac, ip: d.ip });
    expect(r.json.code).toBe('INVALID_CODE');
    const m = await metricsOf(h);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...SITE, result: 'INVALID_CODE' })).toBe(1);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...SITE, result: 'ok' })).toBe(0);
    expect(m.get('pisonet_vouchers_sold_total')!.samples.map((x) => x.value)).toEqual([0, 0, 0]);
  });

  it('traffic: the usage counter rises by exactly the bytes the poll booked; the poll is timed', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 3);
    expect((await redeemApi(h, { code, mac: d.mac, ip: d.ip })).status).toBe(200);
    const cycle = () => h.core!.services.usage.runCycle();
    await cycle();
    const bytes = async () => {
      const v = await h.core!.db('vouchers').where({ code }).first();
      return { up: Number(v.bytes_up), down: Number(v.bytes_down) };
    };
    const was = await bytes();
    const before = await metricsOf(h);
    h.sim.addTraffic(d.mac, { up: 12_345, down: 678_901 }, 10);
    h.clock.advance(30_000);
    h.sim.tick(30);
    await cycle();
    const now = await bytes();
    expect(now.up - was.up).toBe(12_345);
    expect(now.down - was.down).toBe(678_901);
    const m = await metricsOf(h);
    const delta = (direction: string) =>
      valueOf(m, 'pisonet_usage_bytes_total', { ...SITE, direction }) -
      valueOf(before, 'pisonet_usage_bytes_total', { ...SITE, direction });
    expect({ up: delta('up'), down: delta('down') }).toEqual({ up: 12_345, down: 678_901 });
    expect(valueOf(m, 'pisonet_devices_online', SITE)).toBe(1);
    expect(valueOf(m, 'pisonet_poll_duration_seconds_count', SITE)).toBe(
      valueOf(before, 'pisonet_poll_duration_seconds_count', SITE) + 1,
    );
    expect(valueOf(m, 'pisonet_poll_duration_seconds_bucket', { ...SITE, le: '+Inf' })).toBe(
      valueOf(m, 'pisonet_poll_duration_seconds_count', SITE),
    );
    expect(valueOf(m, 'pisonet_last_poll_timestamp_seconds', SITE)).toBe(h.clock.now() / 1000);
  });

  it('the router away and back: pisonet_router_up 0, then 1', async () => {
    expect(valueOf(await metricsOf(h), 'pisonet_router_up', SITE)).toBe(1);
    h.sim.setReachable(false);
    const until = Date.now() + 10_000;
    while (h.router.status.connected && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    const down = await metricsOf(h);
    expect(valueOf(down, 'pisonet_router_up', SITE)).toBe(0);
    // The last poll's devices stay as they were seen: a scrape never asks the router.
    expect(down.get('pisonet_router_up')!.samples).toHaveLength(1);
    h.sim.setReachable(true);
    await h.router.waitConnected(10_000);
    expect(valueOf(await metricsOf(h), 'pisonet_router_up', SITE)).toBe(1);
  });
});

describe('the exposition parser reads what a scraper reads', () => {
  it('escaped label values, histograms and a sample of a family without metadata', () => {
    const m = parseExposition(
      [
        '# HELP a_total Things.',
        '# TYPE a_total counter',
        'a_total{site="x\\"y",b="1\\\\2\\n"} 3',
        '# TYPE h histogram',
        'h_bucket{le="+Inf"} 2',
        'h_count 2',
        'loose 1.5e3',
      ].join('\n'),
    );
    expect(m.get('a_total')!.samples[0].labels).toEqual({ site: 'x"y', b: '1\\2\n' });
    expect(m.get('h')!.samples.map((s) => s.name)).toEqual(['h_bucket', 'h_count']);
    expect(valueOf(m, 'loose')).toBe(1500);
    expect(() => parseExposition('bad{site=x} 1')).toThrow(/not quoted/);
  });
});
