/**
 * Subscribers' money at the counter is in the drawer: a payment a cashier (or the owner) records is on that
 * login's shift report and slip, cash apart from GCash/Maya/bank (money in, not in the drawer); a void counts,
 * negative, in the shift of the login that voids it; the dashboard's income (today, the month) and the Reports
 * page count subscribers' payments beside the voucher sales, each labelled.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { api, makeAccount, OWNER } from '../accounts/helpers';
import { addSubscriber, PROFILES } from './helpers';

const at = (iso: string) => Date.parse(iso);

describe('subscribers’ payments in the drawer', () => {
  let h: Harness;
  let cashier: { authorization: string };
  let subscriberId: number;
  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
    h.clock.set(at('2026-11-20T09:00:00+08:00'));
    subscriberId = (await addSubscriber(h)).id; // INV-000001: ₱466.20
    // A payment yesterday (the day before the shift): on no slip of today.
    await api(h, 'POST', `/admin/api/subscribers/${subscriberId}/payments`, { amount: 100, method: 'cash' });
    h.clock.set(at('2026-11-21T09:00:00+08:00'));
    cashier = await makeAccount(h, { username: 'counter.1', role: 'cashier' });
  });
  afterAll(() => h.close());

  const pay = (body: Record<string, unknown>, who: Record<string, string> = cashier) =>
    api(h, 'POST', `/admin/api/subscribers/${subscriberId}/payments`, { confirm: true, ...body }, who);
  const shift = async (who: Record<string, string>) =>
    (await api(h, 'GET', '/admin/api/reports/shift', undefined, who)).json;

  test('a cashier’s cash and GCash payments are on its shift report, cash apart; the owner’s are not', async () => {
    expect((await pay({ amount: '1,032.30', method: 'cash' })).status).toBe(201);
    expect((await pay({ amount: 200, method: 'gcash', reference: 'GC-1' })).status).toBe(201);
    // The owner's own payment: on the owner's slip, not the cashier's.
    expect((await pay({ amount: 50, method: 'cash' }, OWNER)).status).toBe(201);
    expect((await shift(cashier)).subscribers).toEqual({
      count: 2,
      reversals: 0,
      amount: 1232.3,
      amount_centavos: 123_230,
      cash: 1032.3,
      cash_centavos: 103_230,
      other_methods: 200,
      other_methods_centavos: 20_000,
      by_method: [
        { method: 'cash', count: 1, reversals: 0, amount: 1032.3, amount_centavos: 103_230 },
        { method: 'gcash', count: 1, reversals: 0, amount: 200, amount_centavos: 20_000 },
      ],
    });
    expect((await shift(OWNER)).subscribers).toMatchObject({
      count: 1,
      amount_centavos: 5000,
      cash_centavos: 5000,
    });
  });

  test('a void counts, negative, in the shift of the login that voids it, when it is made', async () => {
    const list = await api(h, 'GET', `/admin/api/subscribers/${subscriberId}/payments`);
    const cash = (list.json.payments as Array<{ id: number; amount_centavos: number; method: string }>).find(
      (p) => p.amount_centavos === 103_230,
    )!;
    h.clock.advance(60_000);
    const v = await api(h, 'POST', `/admin/api/subscribers/${subscriberId}/payments/${cash.id}/void`, {
      reason: 'typed into the wrong account',
    });
    expect(v.status).toBe(200);
    // The cashier's slip keeps its payment (the cash it took); the owner's shift takes it off, in cash.
    expect((await shift(cashier)).subscribers).toMatchObject({ count: 2, amount_centavos: 123_230 });
    expect((await shift(OWNER)).subscribers).toMatchObject({
      count: 1,
      reversals: 1,
      amount_centavos: 5000 - 103_230,
      cash_centavos: 5000 - 103_230,
      other_methods_centavos: 0,
    });
    // Pay it again: the cashier's figures go on.
    expect((await pay({ amount: '1,032.30', method: 'cash' })).status).toBe(201);
    expect((await shift(cashier)).subscribers).toMatchObject({ count: 3, cash_centavos: 206_460 });
  });

  test('the printed slip shows subscribers’ payments and the drawer’s cash apart from other methods', async () => {
    const c = new AdminClient(h.app!.url);
    await c.login('counter.1', 'counter-pass-123');
    const html = await c.html('/admin/shift?format=thermal58');
    const text = (id: string, end = 'dd|p') =>
      new RegExp(`data-testid="${id}"[^>]*>([\\s\\S]*?)</(${end})>`)
        .exec(html)?.[1]
        .replace(/<[^>]+>/g, '') ?? '';
    expect(text('shift-subscribers')).toContain('3 · ₱2,264.60');
    expect(text('shift-subscribers-cash')).toContain('₱2,064.60');
    expect(text('shift-subscribers-cash')).toContain('in the drawer');
    expect(text('shift-subscribers-gcash')).toContain('not in the drawer');
    // Counter sales (none) + subscribers' cash: the cash the drawer holds besides the codes sold.
    expect(text('shift-drawer-cash')).toContain('₱2,064.60');
    expect(text('shift-other-methods', 'span')).toContain('₱200.00');
    // The cashier's home says so too, beside its voucher sales.
    const home = await c.html('/admin');
    expect(home).toMatch(
      /data-testid="home-subscribers"[\s\S]*?₱2,264.60[\s\S]*?₱2,064.60 cash for the drawer, ₱200.00 by GCash/,
    );
  });

  test('the dashboard’s income today and this month count subscribers’ payments, labelled', async () => {
    const d = await api(h, 'GET', '/admin/api/dashboard');
    // Today: 1,032.30 + 200 + 50 − 1,032.30 + 1,032.30 (no voucher sold); the month adds yesterday's ₱100.
    expect(d.json).toMatchObject({
      today: { amount: 128_230, subscribers: { count: 4, reversals: 1, amount: 128_230, cash: 108_230 } },
      month: { amount: 138_230, subscribers: { count: 5, amount: 138_230 } },
    });
    const c = new AdminClient(h.app!.url);
    await c.login();
    const html = await c.html('/admin');
    expect(html).toMatch(/data-testid="sales-today">₱1,282.30</);
    expect(html).toMatch(/data-tile="today-sub">[^<]*4 subscriber payments \(₱1,282.30, ₱1,082.30 cash\)/);
  });

  test('the Reports page shows voucher sales and subscribers’ payments side by side, and the income', async () => {
    const c = new AdminClient(h.app!.url);
    await c.login();
    const html = await c.html('/admin/reports?from=2026-11-21&to=2026-11-21');
    expect(html).toMatch(/Voucher sales<\/span><span class="tile-value" data-testid="report-total">₱0.00/);
    expect(html).toMatch(
      /Subscribers’ payments<\/span><span class="tile-value" data-testid="report-subscribers">₱1,282.30/,
    );
    expect(html).toMatch(/data-testid="report-income">₱1,282.30/);
  });
});
