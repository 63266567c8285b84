/**
 * The sales counters follow the sales report, whatever the way of selling, and never go down while the server
 * runs: sales older than the settling window are added up once and still counted; a first use on the router's own
 * login page is a sale without any code of its own; staff vouchers are not sales; a sale undone (the router refused
 * the login) stays counted, and the next sale counts from there.
 */
import { SETTLE_MS } from '../../src/metrics/sales';
import * as lifecycle from '../../src/services/voucher-lifecycle';
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

  it('keeps counting across the settling window, as the report counts', async () => {
    await sell();
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 });
    h.clock.advance(SETTLE_MS + 60_000);
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 }); // the first sale is settled now: read no more
    await sell();
    expect(await sold()).toEqual({ vouchers: 2, pesos: 10 });
    h.clock.advance(3 * SETTLE_MS);
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

  it('a sale undone stays counted; the next sale counts from there', async () => {
    const code = await sell();
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 });
    // As the redemption undoes a first use whose login never got the device online (src/services/redemption).
    const row = await h.core!.db('vouchers').where({ code }).first();
    expect(await lifecycle.release(h.core!.db, row.id, h.clock.now())).toBe(true);
    expect((await reported()).vouchers).toBe(0);
    expect(await sold()).toEqual({ vouchers: 1, pesos: 5 });
    await sell();
    expect(await sold()).toEqual({ vouchers: 2, pesos: 10 });
  });
});
