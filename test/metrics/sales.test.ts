/**
 * The sales counters follow the sales report, whatever the way of selling, and never go down while the server
 * runs: sales older than the settling window are added up once and still counted; a first use on the router's own
 * login page is a sale without any code of its own; staff vouchers are not sales; a sale undone (the router refused
 * the login) stays counted, and the next sale counts from there.
 */
import { SalesTally, SETTLE_MS } from '../../src/metrics/sales';
import * as lifecycle from '../../src/services/shop/voucher-lifecycle';
import { createHarness, type Harness } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { metricsOf, valueOf } from './exposition';

const BASIC = { site: 'default', profile: 'BASIC' };

describe('sales counters', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  let phone = 0;
  async function sell(profile = 'BASIC', extra: Record<string, unknown> = {}): Promise<string> {
    const [code] = await makeVouchers(h, profile, 1, extra);
    const d = addDevice(h, ++phone);
    expect((await redeemApi(h, { code, mac: d.mac, ip: d.ip })).status).toBe(200);
    return code;
  }
  const sold = async () => {
    const m = await metricsOf(h);
    return {
      vouchers: valueOf(m, 'pisonet_vouchers_sold_total', BASIC),
      pesos: valueOf(m, 'pisonet_sales_pesos_total', { site: 'default' }),
    };
  };
  /** What the sales report says was sold since the server started (the harness's clock does not go back). */
  const reported = async () => {
    const rows = await h.core!.services.reports.sales({ from: 0, to: h.clock.now() + 1, by: 'day' });
    return {
      vouchers: rows.reduce((n, r) => n + r.count, 0),
      pesos: rows.reduce((n, r) => n + r.amount, 0) / 100,
    };
  };

  /** Time passes and the router is polled (the settling line follows the sites' polls). */
  const later = async (ms: number) => {
    h.clock.advance(ms);
    h.sim.tick(ms / 1000);
    await h.core!.services.usage.runCycle();
  };

  it('keeps counting across the settling window, as the report counts', async () => {
    await sell();
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 });
    await later(SETTLE_MS + 60_000);
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 }); // the first sale is settled now: read no more
    await sell();
    expect(await sold()).toEqual({ vouchers: 2, pesos: 10 });
    await later(3 * SETTLE_MS);
    await sell();
    await sell('BASIC', { staff: true }); // free by design: no sale
    expect(await sold()).toEqual({ vouchers: 3, pesos: 15 });
    expect(await reported()).toEqual(await sold());
  });

  it("a first use on the router's own login page is a sale, counted after the poll that sees it", async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 40);
    await h.router.hotspotLogin({ user: code, password: code, mac: d.mac, ip: d.ip });
    expect((await sold()).vouchers).toBe(0);
    await h.core!.services.usage.runCycle();
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 });
    expect(await reported()).toEqual(await sold());
  });

  it('a first use booked late, while a site was not polled, is still counted once that site polls', async () => {
    // As a RADIUS site books a first session with the time of its first Access-Accept: the sale's time is the
    // login's, the row is written by the site's next poll. The line follows the oldest of the sites' polls.
    const t0 = h.clock.now();
    const tally = new SalesTally(h.core!.db, t0, () => h.clock.now());
    const [code] = await makeVouchers(h, 'BASIC', 1);
    h.clock.advance(3 * SETTLE_MS);
    expect((await tally.read(t0)).vouchers.size).toBe(0); // the site's last poll was at t0: the line stays before it
    await h
      .core!.db('vouchers')
      .where({ code })
      .update({ status: 'active', activated_at: t0 + 60_000 });
    const totals = await tally.read(h.clock.now()); // the poll that booked it has run
    expect([...totals.vouchers.values()]).toEqual([
      { siteId: 1, site: 'default', profile: 'BASIC', count: 1 },
    ]);
    expect(totals.centavos.get(1)?.amount).toBe(500);
    // Now settled: a sale booked with an older time than the line is not read any more (docs/monitoring.md).
    const [late] = await makeVouchers(h, 'BASIC', 1);
    await h
      .core!.db('vouchers')
      .where({ code: late })
      .update({ status: 'active', activated_at: t0 + 120_000 });
    expect([...(await tally.read(h.clock.now())).vouchers.values()][0].count).toBe(1);
  });

  it('a sale undone stays counted; the next sale counts from there', async () => {
    const code = await sell();
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 });
    // As the redemption undoes a first use whose login never got the device online (src/services/shop/redemption).
    const row = await h.core!.db('vouchers').where({ code }).first();
    expect(await lifecycle.release(h.core!.db, row.id, h.clock.now())).toBe(true);
    expect((await reported()).vouchers).toBe(0);
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 });
    await sell();
    expect(await sold()).toEqual({ vouchers: 2, pesos: 10 });
  });
});
