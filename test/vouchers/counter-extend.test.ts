/**
 * Time sold at the counter is money everywhere: `POST …/extend` takes its price (default: the plan's pro-rata price
 * for the time added; 0: given free), keeps it as a sale of the voucher at that moment, in the reports and on the
 * cashier's shift report beside the codes it printed. A bad price is refused and adds nothing; a repeat of the same
 * form (the time it last saw) sells nothing twice.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { demoDevice } from '../../src/simulator';
import { api, makeAccount } from '../accounts/helpers';
import { runCli } from '../cli/helpers';

describe('time sold at the counter', () => {
  let h: Harness;
  let cashier: { authorization: string };
  let codes: string[];
  let since: number;
  beforeAll(async () => {
    h = await createHarness({ http: true });
    cashier = await makeAccount(h, { username: 'counter.2', role: 'cashier' });
    since = h.clock.now();
    h.clock.advance(1000);
    // STANDARD: ₱10.00 for 2 hours.
    const made = await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 3 }, cashier);
    expect(made.status).toBe(201);
    codes = (made.json.vouchers as { code: string }[]).map((v) => v.code);
    const dev = demoDevice(61);
    h.sim.addDevice(dev);
    await h.core!.services.redemption.redeem({ code: codes[0], mac: dev.mac, ip: dev.ip });
  });
  afterAll(() => h.close());

  const shift = async () =>
    (
      await api(
        h,
        'GET',
        `/admin/api/reports/shift?since=${encodeURIComponent(new Date(since).toISOString())}`,
        undefined,
        cashier,
      )
    ).json;
  const extend = (body: Record<string, unknown>, code = codes[0]) =>
    api(h, 'POST', `/admin/api/vouchers/${code}/extend`, body, cashier);

  test('the shift report counts the printed codes and, before any extension, no counter sale', async () => {
    expect(await shift()).toMatchObject({
      count: 1,
      amount_centavos: 1000,
      counter: { count: 0, amount: 0, amount_centavos: 0 },
      printed: { count: 3, value: 30, value_centavos: 3000 },
    });
  });

  test('without a price, the plan’s pro-rata price; with one, that price; both on the slip and in the reports', async () => {
    // 30 minutes of a ₱10.00 two-hour plan: ₱2.50.
    const first = await extend({ duration: '30m' });
    expect(first.status).toBe(200);
    expect(first.json.sale).toEqual({
      seconds: 1800,
      price: 2.5,
      price_centavos: 250,
      charge_id: expect.any(Number),
    });
    expect((first.json.voucher as { added_seconds: number }).added_seconds).toBe(1800);
    // 10 minutes: 1000 × 600 / 7200 = 83.33… → 83 centavos.
    const odd = await extend({ duration: '10m', added_seconds: 1800 });
    expect(odd.json.sale).toMatchObject({ price_centavos: 83 });
    // Above the plan's ₱5.00 for an hour: asked first (a typo's look), sold once confirmed.
    const unasked = await extend({ duration: '1h', price: '7.50', added_seconds: 2400 });
    expect(unasked).toMatchObject({
      status: 400,
      json: { code: 'CONFIRM_REQUIRED', fields: { price: expect.any(String) } },
    });
    const priced = await extend({ duration: '1h', price: '7.50', added_seconds: 2400, confirm: true });
    expect(priced.json.sale).toMatchObject({ price: 7.5, price_centavos: 750 });
    expect(await shift()).toMatchObject({
      count: 1,
      counter: { count: 3, amount: 10.83, amount_centavos: 1083 },
      printed: { count: 3, value_centavos: 3000 },
    });
    const day = { from: since, to: h.clock.now() + 1 };
    const src = await h.core!.services.reports.bySource(day);
    expect(src.sources).toContainEqual({ key: 'charge:extension', label: 'More time at the counter' });
    expect(src.totals['charge:extension']).toEqual({ count: 3, amount: 1083 });
    const sales = await h.core!.services.reports.sales({ ...day, by: 'day' });
    expect(sales.reduce((s, r) => s + r.amount, 0)).toBe(1000 + 1083);
    const audit = (await api(h, 'GET', '/admin/api/audit?limit=5')).json.entries as Array<
      Record<string, unknown>
    >;
    expect(audit.find((e) => e.action === 'voucher.extend')).toMatchObject({
      actor: 'counter.2',
      details: expect.objectContaining({ seconds: 3600, price: 750 }),
    });
  });

  test('₱0 gives the time free (no sale), the owner only; a negative or non-number price is refused and adds nothing', async () => {
    // A cashier sells at the plan's rate: time free or for less is the owner's to give (it is on no slip).
    for (const [duration, price] of [
      ['5m', 0],
      ['1h', '4.99'],
    ]) {
      const mine = await extend({ duration, price, added_seconds: 6000 });
      expect(mine).toMatchObject({ status: 403, json: { code: 'FORBIDDEN_ROLE' } });
      expect(mine.json.error).toMatch(
        /^A cashier sells more time at the plan's rate \(₱[\d.]+ for [\dhm ]+\); only the owner gives it free or for less$/,
      );
    }
    const free = await api(h, 'POST', `/admin/api/vouchers/${codes[0]}/extend`, {
      duration: '5m',
      price: 0,
      added_seconds: 6000,
    });
    expect(free.json.sale).toEqual({ seconds: 300, price: 0, price_centavos: 0, charge_id: null });
    for (const price of [-1, '-5', 'ten', '1e3', true]) {
      const bad = await extend({ duration: '30m', price });
      expect(bad).toMatchObject({
        status: 400,
        json: { code: 'INVALID_INPUT', fields: { price: expect.any(String) } },
      });
    }
    const v = await api(h, 'GET', `/admin/api/vouchers/${codes[0]}`, undefined, cashier);
    expect((v.json.voucher as { added_seconds: number }).added_seconds).toBe(6300);
    expect((await shift()).counter).toMatchObject({ count: 3, amount_centavos: 1083 });
  });

  test('a repeat of the same request (the time it last saw) sells nothing twice; two at once, one wins', async () => {
    const once = await extend({ duration: '30m', added_seconds: 6300 });
    expect(once.status).toBe(200);
    const repeat = await extend({ duration: '30m', added_seconds: 6300 });
    expect(repeat).toMatchObject({ status: 409, json: { code: 'EXTEND_CONFLICT' } });
    const both = await Promise.all([
      extend({ duration: '30m', added_seconds: 8100 }),
      extend({ duration: '30m', added_seconds: 8100 }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const v = await api(h, 'GET', `/admin/api/vouchers/${codes[0]}`, undefined, cashier);
    expect((v.json.voucher as { added_seconds: number }).added_seconds).toBe(9900);
    expect((await shift()).counter).toMatchObject({ count: 5, amount_centavos: 1083 + 250 + 250 });
  });

  test('the voucher page suggests the pro-rata price, sells at the price typed, and the slip shows all three', async () => {
    const page = new AdminClient(h.app!.url);
    expect((await page.login('counter.2', 'counter-pass-123')).status).toBe(303);
    const html = await page.html(`/admin/vouchers/${codes[0]}`);
    expect(html).toContain(
      '₱2.50 for 30m (₱5.00 an hour), a sale on your slip. Only the owner gives time free or for less.',
    );
    const seen = /name="added_seconds" value="(\d+)"/.exec(html)![1];
    const token = await page.token(`/admin/vouchers/${codes[0]}`);
    const form = { duration: '1h', price: '5', added_seconds: seen };
    const sold = await page.post(`/admin/vouchers/${codes[0]}/extend`, form, token);
    expect(sold.status).toBe(303);
    expect(sold.headers.get('location')).toMatch(/\?receipt=\d+$/);
    // The same form again (a double click): nothing more is sold.
    const again = await page.post(`/admin/vouchers/${codes[0]}/extend`, form, token);
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('Nothing was added or charged');
    const slip = await page.html('/admin/shift');
    expect(slip).toMatch(/data-testid="shift-printed">3 · ₱30\.00/);
    expect(slip).toMatch(/data-testid="shift-counter">6 · ₱20\.83/);
    expect(slip).toMatch(/data-testid="shift-count">1 voucher</);
  });
  test('a price above the plan’s rate is asked first on the page and in the terminal; confirmed, it sells', async () => {
    const page = new AdminClient(h.app!.url);
    expect((await page.login('counter.2', 'counter-pass-123')).status).toBe(303);
    const token = await page.token(`/admin/vouchers/${codes[1]}`);
    // ₱25 typed for 30 minutes the plan sells at ₱2.50.
    const form = { duration: '30m', price: '25', added_seconds: '0' };
    const asked = await page.post(`/admin/vouchers/${codes[1]}/extend`, form, token);
    expect(asked.status).toBe(400);
    expect(await asked.text()).toMatch(
      /id="f-price-err">₱25\.00 is above the plan&#39;s ₱2\.50: confirm to charge it</,
    );
    const sold = await page.post(
      `/admin/vouchers/${codes[1]}/extend`,
      { ...form, confirm_price: 'yes' },
      token,
    );
    expect(sold.status).toBe(303);
    const cli = await runCli(h, ['users', 'extend', codes[1], '--time', '30m', '--price', '25']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain("₱25.00 is more than the plan's ₱2.50 for 30m");
    const yes = await runCli(h, ['users', 'extend', codes[1], '--time', '30m', '--price', '25', '--yes']);
    expect(yes.code).toBe(0);
    const v = await api(h, 'GET', `/admin/api/vouchers/${codes[1]}`, undefined, cashier);
    expect((v.json.voucher as { added_seconds: number }).added_seconds).toBe(3600);
  });
});
