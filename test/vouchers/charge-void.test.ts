/**
 * A counter sale made by mistake is undone: `POST …/charges/:id/void` with a reason keeps the charge as history
 * (who voided it, when, why), takes it out of the reports, the shift report and the slip, and takes back the time
 * it added as far as the customer has not used it. A second void, or two at once, change nothing more. The owner
 * voids any sale; a cashier only its own of today; a reseller none.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { demoDevice } from '../../src/simulator';
import { api, makeAccount } from '../accounts/helpers';

describe('voiding a sale made at the counter', () => {
  let h: Harness;
  let cashier: { authorization: string };
  let other: { authorization: string };
  let reseller: { authorization: string };
  let codes: string[];
  let since: number;
  beforeAll(async () => {
    h = await createHarness({ http: true });
    cashier = await makeAccount(h, { username: 'void.cashier', role: 'cashier' });
    other = await makeAccount(h, { username: 'void.other', role: 'cashier' });
    reseller = await makeAccount(h, { username: 'void.reseller', role: 'reseller', profiles: ['STANDARD'] });
    since = h.clock.now();
    h.clock.advance(1000);
    // STANDARD: ₱10.00 for 2 hours.
    const made = await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 3 }, cashier);
    expect(made.status).toBe(201);
    codes = (made.json.vouchers as { code: string }[]).map((v) => v.code);
    for (const [i, code] of codes.slice(0, 2).entries()) {
      const dev = demoDevice(71 + i);
      h.sim.addDevice(dev);
      await h.core!.services.redemption.redeem({ code, mac: dev.mac, ip: dev.ip });
    }
  });
  afterAll(() => h.close());

  const shift = async (who = cashier) =>
    (
      await api(
        h,
        'GET',
        `/admin/api/reports/shift?since=${encodeURIComponent(new Date(since).toISOString())}`,
        undefined,
        who,
      )
    ).json as { counter: { count: number; amount_centavos: number; voided: Array<Record<string, unknown>> } };
  const voucher = async (code: string) =>
    (await api(h, 'GET', `/admin/api/vouchers/${code}`)).json.voucher as {
      added_seconds: number;
      remaining_seconds: number;
      charges: Array<Record<string, unknown>>;
    };
  const sell = async (code: string, body: Record<string, unknown>, who = cashier) => {
    const added = (await voucher(code)).added_seconds;
    const out = await api(
      h,
      'POST',
      `/admin/api/vouchers/${code}/extend`,
      { ...body, added_seconds: added, confirm: true },
      who,
    );
    expect(out.status).toBe(200);
    return (out.json.sale as { charge_id: number }).charge_id;
  };
  const voidIt = (code: string, id: number | string, body: unknown, who?: { authorization: string }) =>
    api(h, 'POST', `/admin/api/vouchers/${code}/charges/${id}/void`, body, who);

  test('a wrong price is voided: out of every total, the time taken back, kept as history with who and why', async () => {
    // ₱25.00 typed for ₱2.50.
    const id = await sell(codes[0], { duration: '30m', price: '25' });
    expect((await shift()).counter).toMatchObject({ count: 1, amount_centavos: 2500 });
    const left = (await voucher(codes[0])).remaining_seconds;
    const out = await voidIt(codes[0], id, { reason: '  typed 25 for 2.50 ' }, cashier);
    expect(out.status).toBe(200);
    expect(out.json).toMatchObject({
      charge: { id, amount: 2500, voided_by: 'void.cashier', void_reason: 'typed 25 for 2.50' },
      taken_back: { seconds: 1800, bytes: 0 },
      voucher: { added_seconds: 0 },
    });
    expect((out.json.charge as { voided_at: string }).voided_at).toBe(new Date(h.clock.now()).toISOString());
    expect((await voucher(codes[0])).remaining_seconds).toBe(left - 1800);
    const s = await shift();
    expect(s.counter).toMatchObject({ count: 0, amount_centavos: 0 });
    expect(s.counter.voided).toEqual([
      expect.objectContaining({
        id,
        code: codes[0],
        amount_centavos: 2500,
        voided_by: 'void.cashier',
        void_reason: 'typed 25 for 2.50',
      }),
    ]);
    const day = { from: since, to: h.clock.now() + 1 };
    const src = await h.core!.services.reports.bySource(day);
    expect(src.totals['charge:extension'] ?? { count: 0, amount: 0 }).toEqual({ count: 0, amount: 0 });
    const sales = await h.core!.services.reports.sales({ ...day, by: 'day' });
    expect(sales.reduce((t, r) => t + r.amount, 0)).toBe(2000); // the two codes used, nothing more
    const audit = (await api(h, 'GET', '/admin/api/audit?limit=5')).json.entries as Array<
      Record<string, unknown>
    >;
    expect(audit.find((e) => e.action === 'charge.void')).toMatchObject({
      actor: 'void.cashier',
      details: expect.objectContaining({ charge: id, amount: 2500, reason: 'typed 25 for 2.50' }),
    });
    // The router holds the shorter time too: 2 hours of plan, nothing added.
    const user = h.sim.rows('/ip/hotspot/user').find((u) => u.name === codes[0]);
    expect(user?.['limit-uptime']).toBe('2h');
  });

  test('a second void, or two at once, change nothing more (409 CHARGE_VOIDED)', async () => {
    const id = await sell(codes[1], { duration: '1h' });
    const before = (await voucher(codes[1])).remaining_seconds;
    const both = await Promise.all([
      voidIt(codes[1], id, { reason: 'wrong code' }),
      voidIt(codes[1], id, { reason: 'wrong code' }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)!.json).toMatchObject({ code: 'CHARGE_VOIDED' });
    const again = await voidIt(codes[1], id, { reason: 'once more' });
    expect(again).toMatchObject({ status: 409, json: { code: 'CHARGE_VOIDED' } });
    const v = await voucher(codes[1]);
    expect(v.added_seconds).toBe(0);
    expect(v.remaining_seconds).toBe(before - 3600);
    expect(v.charges.find((c) => c.id === id)).toMatchObject({ void_reason: 'wrong code' });
  });

  test('a reason is required (1–200 characters); an unknown charge is 404; nothing is voided', async () => {
    const id = await sell(codes[0], { duration: '10m', price: '1' });
    for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(201) }, { reason: 5 }]) {
      const bad = await voidIt(codes[0], id, body);
      expect(bad).toMatchObject({
        status: 400,
        json: { code: 'INVALID_INPUT', fields: { reason: expect.any(String) } },
      });
    }
    expect(await voidIt(codes[0], 999999, { reason: 'no such' })).toMatchObject({
      status: 404,
      json: { code: 'CHARGE_NOT_FOUND' },
    });
    // Another voucher's charge is not this one's.
    expect(await voidIt(codes[1], id, { reason: 'wrong voucher' })).toMatchObject({
      status: 404,
      json: { code: 'CHARGE_NOT_FOUND' },
    });
    expect((await voucher(codes[0])).added_seconds).toBe(600);
    expect((await shift()).counter).toMatchObject({ count: 1, amount_centavos: 100 });
  });

  test('the voucher page shows a voided sale struck through with who and why, and offers the void', async () => {
    const page = new AdminClient(h.app!.url);
    expect((await page.login('void.cashier', 'counter-pass-123')).status).toBe(303);
    const id = await sell(codes[2], { duration: '5m', price: '3' });
    const html = await page.html(`/admin/vouchers/${codes[2]}`);
    expect(html).toContain(`/admin/vouchers/${codes[2]}/charges/${id}/void`);
    const token = await page.token(`/admin/vouchers/${codes[2]}`);
    const empty = await page.post(`/admin/vouchers/${codes[2]}/charges/${id}/void`, { reason: '' }, token);
    expect(empty.status).toBe(400);
    const done = await page.post(
      `/admin/vouchers/${codes[2]}/charges/${id}/void`,
      { reason: 'wrong plan' },
      token,
    );
    expect(done.status).toBe(303);
    const after = await page.html(`/admin/vouchers/${codes[2]}`);
    expect(after).toMatch(/data-testid="charge-voided"[^>]*>[\s\S]*?<s>₱3\.00 charged<\/s>/);
    expect(after).toContain('Voided by void.cashier: wrong plan');
    const receipt = await page.html(`/admin/vouchers/${codes[2]}/charges/${id}/receipt`);
    expect(receipt).toMatch(/data-testid="receipt-voided">[^<]*by void\.cashier: wrong plan/);
    expect(receipt).toContain('<s>₱3.00</s>');
    const slip = await page.html('/admin/shift');
    expect(slip).toContain('data-testid="shift-voided"');
    expect(slip).toContain('wrong plan');
    // The owner's reports list it apart, struck through, out of the sales.
    const owner = new AdminClient(h.app!.url);
    expect((await owner.login('admin', 'correct horse battery')).status).toBe(303);
    const report = await owner.html('/admin/reports');
    expect(report).toMatch(/data-testid="report-voided"[\s\S]*?voided by void\.cashier, [^<]*?: wrong plan/);
  });
  test('the time taken back never goes below what the customer used', async () => {
    const dev = demoDevice(79);
    h.sim.addDevice(dev);
    await h.core!.services.redemption.redeem({ code: codes[2], mac: dev.mac, ip: dev.ip });
    const id = await sell(codes[2], { duration: '30m' });
    // 2h10m of the 2h30m used: 20 minutes left of the 30 sold.
    h.clock.advance((2 * 3600 + 600) * 1000);
    const out = await voidIt(codes[2], id, { reason: 'customer changed their mind' });
    expect(out.json).toMatchObject({ taken_back: { seconds: 1200 } });
    expect((out.json.voucher as { added_seconds: number }).added_seconds).toBe(600);
  });

  test('a plan change’s charge is voided; the plan stays (moving back is its own step)', async () => {
    const [code] = (
      (await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 1 })).json.vouchers as {
        code: string;
      }[]
    ).map((v) => v.code);
    const moved = await api(h, 'POST', `/admin/api/vouchers/${code}/profile`, { profile: 'PREMIUM' });
    expect(moved.json.charge).toMatchObject({ kind: 'plan_change', amount: 1000 });
    const from = h.clock.now();
    const out = await voidIt(code, (moved.json.charge as { id: number }).id, { reason: 'wrong plan chosen' });
    expect(out).toMatchObject({
      status: 200,
      json: {
        charge: { kind: 'plan_change', void_reason: 'wrong plan chosen' },
        taken_back: { seconds: 0, bytes: 0 },
      },
    });
    expect((await h.core!.services.vouchers.get(code)).profile).toBe('PREMIUM');
    const src = await h.core!.services.reports.bySource({ from: from - 1, to: h.clock.now() + 1 });
    expect(src.totals['charge:plan_change'] ?? { count: 0, amount: 0 }).toEqual({ count: 0, amount: 0 });
  });

  test('a cashier voids only its own sales of today; a reseller none; the owner any', async () => {
    // A code of its own not used yet: no poll ends it while the days pass.
    const made = await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 1 }, cashier);
    const code = (made.json.vouchers as { code: string }[])[0].code;
    const mine = await sell(code, { duration: '10m', price: '2' });
    expect(await voidIt(code, mine, { reason: 'not mine' }, other)).toMatchObject({
      status: 403,
      json: { code: 'CHARGE_NOT_YOURS' },
    });
    expect((await voidIt(code, mine, { reason: 'a reseller' }, reseller)).status).toBe(403);
    expect((await voucher(code)).charges.find((c) => c.id === mine)).toMatchObject({ voided_at: null });
    // The next day, yesterday's sale is the owner's to void.
    h.clock.advance(24 * 3600 * 1000);
    expect(await voidIt(code, mine, { reason: 'yesterday' }, cashier)).toMatchObject({
      status: 403,
      json: { code: 'CHARGE_NOT_YOURS' },
    });
    const owner = await voidIt(code, mine, { reason: 'owner checked the drawer' });
    expect(owner.status).toBe(200);
    // Not used yet, it still has all the time sold: all of it is taken back.
    expect(owner.json).toMatchObject({ charge: { voided_by: 'api-token' }, taken_back: { seconds: 600 } });
  });
});
