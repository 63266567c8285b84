/**
 * A subscriber pays what it owes online from `/portal/account` (and from the suspension page's form, by its PPPoE
 * session's address alone): a checkout for exactly what is owed, GCash or Maya, against the fake PayMongo on
 * loopback; the payment recorded once as one of the subscriber's payments (method as PayMongo reports the source,
 * reference its payment id, by `paymongo`), however many webhooks, polls and returns tell of it.
 * The shop's clock: 2026-11-22 12:00 in Manila; billing day 1, so the first invoice is 9 of November's 30 days of
 * ₱999 = ₱299.70.
 */
import { SYSTEM } from '../../src/services/business/audit/actor';
import { createHarness } from '../helpers/harness';
import { openForm } from '../portal/helpers';
import { addSubscriber, PROFILES } from '../subscribers/helpers';
import { payRig, rawRequest, type PayRig } from './helpers';
import { pppoeSetUp } from '../helpers/pppoe';

const NOV_22 = Date.UTC(2026, 10, 22, 4, 0, 0);
const PASSWORD = 'Sikreto-pass-123';

let rig: PayRig;
let n = 0;

interface Browser {
  cookie: string;
  token: string;
  id: number;
  accountNo: string;
}

/** A new subscriber (billing day 1) signed in on a browser: its cookies and the page's form token. */
async function signedInSubscriber(): Promise<Browser> {
  n += 1;
  const s = await addSubscriber(rig.h, {
    name: `Subscriber ${n}`,
    username: `sub${n}`,
    password: PASSWORD,
    billing_day: 1,
    mobile: `09171234${String(n).padStart(3, '0')}`,
  });
  return { ...(await signIn(`sub${n}`)), id: s.id, accountNo: s.account_no };
}

/** Signs in on a new browser: its cookies and the page's form token. */
async function signIn(username: string): Promise<{ cookie: string; token: string }> {
  const base = rig.h.app!.url;
  const form = await openForm(`${base}/portal/account`);
  const res = await fetch(`${base}/portal/account`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ username, password: PASSWORD, _csrf: form.token }).toString(),
  });
  expect(res.status).toBe(303);
  const account = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie: `${form.cookie}; ${account}`, token: form.token };
}

async function accountPage(b: Browser, lang = 'en'): Promise<string> {
  return (
    await fetch(`${rig.h.app!.url}/portal/account?lang=${lang}`, { headers: { cookie: b.cookie } })
  ).text();
}

async function pressPayBill(b: Browser, lang = 'en', token = b.token) {
  const res = await fetch(`${rig.h.app!.url}/portal/account/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: b.cookie },
    body: new URLSearchParams({ lang, _csrf: token }).toString(),
  });
  return { status: res.status, location: res.headers.get('location') ?? '', body: await res.text() };
}

/** Presses Pay and returns the fake's session and the checkout row. */
async function startBill(b: Browser) {
  const out = await pressPayBill(b);
  expect(out.status).toBe(303);
  const id = /\/checkout\/(cs_[0-9a-f]+)$/.exec(out.location)?.[1];
  if (!id) throw new Error(`not sent to a checkout: ${out.location} ${out.body.slice(0, 300)}`);
  const row = await rig.h.core!.db('payments').where({ session_id: id }).first();
  return { id, row: row as Record<string, unknown> };
}

const ledger = (b: Browser) => rig.h.core!.services.invoices.payments(b.id);

beforeAll(async () => {
  rig = await payRig({ profiles: PROFILES });
  rig.h.clock.set(NOV_22);
});
afterAll(async () => {
  await rig.close();
});

describe('a subscriber pays what it owes with GCash / Maya', () => {
  it('offers exactly what is owed, and the checkout is for it: GCash and Maya, the account and the invoice named', async () => {
    const b = await signedInSubscriber();
    expect((await ledger(b)).owed).toBe(29970);
    const page = await accountPage(b);
    expect(page).toContain('Pay ₱299.70 with GCash / Maya');
    expect(page).toContain('action="/portal/account/pay"');
    expect(await accountPage(b, 'fil')).toContain('Magbayad ng ₱299.70 gamit ang GCash / Maya');

    const { row } = await startBill(b);
    const sent = rig.fake.requests.filter((r) => r.method === 'POST').at(-1)!.body as {
      data: { attributes: Record<string, unknown> };
    };
    const a = sent.data.attributes;
    const [invoice] = await rig.h.core!.services.invoices.list({ subscriberId: b.id });
    expect(a.line_items).toEqual([expect.objectContaining({ amount: 29970, currency: 'PHP', quantity: 1 })]);
    expect(a.payment_method_types).toEqual(['gcash', 'paymaya']);
    expect(a.description).toBe(`Account ${b.accountNo}: invoice ${invoice.number}`);
    expect(a.success_url).toMatch(/\/portal\/account\/pay\/return\?ref=PN[0-9A-F]{24}$/);
    expect(a.cancel_url).toMatch(/\/portal\/account\/pay\/return\?ref=PN[0-9A-F]{24}&cancelled=1$/);
    expect(row).toMatchObject({
      purpose: 'subscriber',
      subscriber_id: b.id,
      amount: 29970,
      state: 'pending',
      profile_id: null,
      mac: null,
      voucher_id: null,
    });
  });

  it('paid by GCash: one payment (webhook twice, a poll, the return page), the invoice paid, nothing owed', async () => {
    const b = await signedInSubscriber();
    const { id, row } = await startBill(b);
    rig.fake.pay(id, { method: 'gcash' });
    const payId = rig.fake.sessions.get(id)!.payments[0].id;
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    await rig.h.core!.services.payments.poll();
    const back = await fetch(`${rig.h.app!.url}/portal/account/pay/return?ref=${row.reference}`);
    expect(await back.text()).toContain('Payment received (₱299.70).');

    const l = await ledger(b);
    expect(l.payments).toHaveLength(1);
    expect(l.payments[0]).toMatchObject({
      amount: 29970,
      method: 'gcash',
      reference: payId,
      actor: 'paymongo',
    });
    expect(l.owed).toBe(0);
    expect(l.credit).toBe(0);
    const [invoice] = await rig.h.core!.services.invoices.list({ subscriberId: b.id });
    expect(invoice.status).toBe('paid');
    expect(await rig.h.core!.db('subscriber_payments').where({ subscriber_id: b.id })).toHaveLength(1);
    expect(await rig.h.core!.db('payments').where({ id: row.id }).first()).toMatchObject({
      state: 'paid',
      method: 'gcash',
      gateway_payment_id: payId,
    });
    // The owner sees it as the subscriber's bill: in the API and on the Payments page.
    const auth = { Authorization: 'Bearer test-token-0123456789abcdef' };
    const api = (await (await fetch(`${rig.h.app!.url}/admin/api/payments`, { headers: auth })).json()) as {
      payments: Record<string, unknown>[];
    };
    const { name } = await rig.h.core!.services.subscribers.get(b.id);
    expect(api.payments.find((p) => p.id === row.id)).toMatchObject({
      purpose: 'subscriber',
      subscriber_id: b.id,
      subscriber: name,
      state: 'paid',
      voucher: null,
      profile: null,
    });
    const admin = await (await fetch(`${rig.h.app!.url}/admin/payments`, { headers: auth })).text();
    // Named, and linked to the subscriber's page.
    expect(admin).toContain(
      `<a href="/admin/subscribers/${b.id}" data-testid="payment-subscriber">${name}</a> <span class="small muted">bill</span>`,
    );
    expect(admin).toContain("recorded as the subscriber's payment");
    // No voucher was made for it.
    expect(await rig.h.core!.db('vouchers').where({ price: 29970 })).toHaveLength(0);
    // Nothing owed now: no button, and a Pay pressed anyway is refused with a clear page, nothing started.
    expect(await accountPage(b)).not.toContain('account-pay-button');
    const before = await rig.h.core!.db('payments').count({ n: '*' });
    const again = await pressPayBill(b);
    expect(again.status).toBe(409);
    expect(again.body).toContain('Nothing is owed now');
    expect(await rig.h.core!.db('payments').count({ n: '*' })).toEqual(before);
  });

  it('paid by Maya (PayMongo says paymaya): recorded as maya, found by polling alone', async () => {
    const b = await signedInSubscriber();
    const { id } = await startBill(b);
    rig.fake.pay(id, { method: 'paymaya' });
    await rig.h.core!.services.payments.poll();
    const l = await ledger(b);
    expect(l.payments.map((p) => [p.method, p.amount])).toEqual([['maya', 29970]]);
    expect(l.owed).toBe(0);
  });

  it('ten webhooks at once and a poll beside them: one payment', async () => {
    const b = await signedInSubscriber();
    const { id } = await startBill(b);
    rig.fake.pay(id, { method: 'gcash' });
    const answers = await Promise.all([
      ...Array.from({ length: 10 }, () => rig.fake.deliver(rig.hook, id)),
      rig.h.core!.services.payments.poll().then(() => 200),
    ]);
    expect(answers.every((s) => s === 200)).toBe(true);
    const l = await ledger(b);
    expect(l.payments).toHaveLength(1);
    expect(l.owed).toBe(0);
    expect(l.credit).toBe(0);
  });

  it('a webhook with a bad signature records nothing', async () => {
    const b = await signedInSubscriber();
    const { id, row } = await startBill(b);
    rig.fake.pay(id);
    const e = rig.fake.event(id);
    const res = await fetch(rig.hook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        // One hex digit of the test-mode signature changed.
        'paymongo-signature': e.signature.replace(
          /te=([0-9a-f])/,
          (_m, d: string) => `te=${d === '0' ? '1' : '0'}`,
        ),
      },
      body: e.body,
    });
    expect(res.status).toBe(401);
    expect((await ledger(b)).payments).toHaveLength(0);
    expect(await rig.h.core!.db('payments').where({ id: row.id }).first()).toMatchObject({
      state: 'pending',
    });
  });

  it('cash paid meanwhile: the whole online payment is recorded, the rest kept as credit', async () => {
    const b = await signedInSubscriber();
    const { id } = await startBill(b);
    await rig.h.core!.services.invoices.pay(b.id, { amount: '100', method: 'cash' }, { actor: SYSTEM });
    rig.fake.pay(id, { method: 'gcash' });
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    const l = await ledger(b);
    expect(l.payments.map((p) => [p.method, p.amount])).toEqual([
      ['cash', 10000],
      ['gcash', 29970],
    ]);
    expect(l.owed).toBe(0);
    expect(l.credit).toBe(10000);
  });

  it('a payment recorded before a crash (checkout not marked yet) is not recorded again', async () => {
    const b = await signedInSubscriber();
    const { id, row } = await startBill(b);
    rig.fake.pay(id, { method: 'gcash' });
    const payId = rig.fake.sessions.get(id)!.payments[0].id;
    // What the credit did before the crash: the payment under the session's key, the checkout still pending.
    await rig.h.core!.services.invoices.pay(
      b.id,
      { amount: '299.70', method: 'gcash', reference: payId, confirm: true },
      { idempotencyKey: `paymongo:${id}`, actor: { name: 'paymongo', via: 'system' } },
    );
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    await rig.h.core!.services.payments.poll();
    expect((await ledger(b)).payments).toHaveLength(1);
    expect(await rig.h.core!.db('payments').where({ id: row.id }).first()).toMatchObject({ state: 'paid' });
  });

  it('below ₱20.00 owed: pay at the shop, no checkout', async () => {
    const b = await signedInSubscriber();
    await rig.h.core!.services.invoices.pay(b.id, { amount: '290', method: 'cash' }, { actor: SYSTEM });
    const page = await accountPage(b);
    expect(page).not.toContain('account-pay-button');
    expect(page).toContain('₱9.70 is below the ₱20.00 an online payment must be: please pay it at the shop.');
    // Checkouts started (a POST to PayMongo); the payments' background poll may read meanwhile (GETs).
    const started = () => rig.fake.requests.filter((r) => r.method === 'POST').length;
    const calls = started();
    const out = await pressPayBill(b, 'fil');
    expect(out.status).toBe(409);
    expect(out.body).toContain('pakibayaran ito sa shop');
    expect(started()).toBe(calls);
    expect(await rig.h.core!.db('payments').where({ subscriber_id: b.id })).toHaveLength(0);
  });

  it('the return page: waiting (reloads itself) then cancelled, in English and Filipino', async () => {
    const b = await signedInSubscriber();
    const { row } = await startBill(b);
    const url = `${rig.h.app!.url}/portal/account/pay/return?ref=${row.reference}`;
    const waiting = await (await fetch(url)).text();
    expect(waiting).toContain('Waiting for the payment of ₱299.70 to be confirmed');
    expect(waiting).toContain('<meta http-equiv="refresh" content="5">');
    const fil = await (await fetch(`${url}&lang=fil`)).text();
    expect(fil).toContain('Hinihintay ang kumpirmasyon ng bayad na ₱299.70');
    const cancelled = await (await fetch(`${url}&cancelled=1`)).text();
    expect(cancelled).toContain('Payment cancelled: nothing was charged.');
    expect(cancelled).not.toContain('http-equiv="refresh"');
    expect((await fetch(`${rig.h.app!.url}/portal/account/pay/return?ref=PN000`)).status).toBe(404);
  });

  it('refuses without the form token, and for a browser no subscriber is signed in on', async () => {
    const b = await signedInSubscriber();
    const forged = await pressPayBill(b, 'en', 'x'.repeat(32));
    expect(forged.status).toBe(403);
    const stranger = await openForm(`${rig.h.app!.url}/portal/account`);
    const res = await fetch(`${rig.h.app!.url}/portal/account/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: stranger.cookie },
      body: new URLSearchParams({ _csrf: stranger.token }).toString(),
    });
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('We could not tell whose account this is.');
    expect(await rig.h.core!.db('payments').where({ subscriber_id: b.id })).toHaveLength(0);
  });

  it.each([
    ['unreachable', 'down', 503, 'The payment service cannot be reached now.'],
    ['answering 500', 'error', 502, 'The payment service had a problem.'],
  ] as const)(
    'the gateway %s: the customer is told which, nothing charged',
    async (_what, mode, status, words) => {
      const b = await signedInSubscriber();
      rig.fake.mode = mode;
      try {
        const res = await pressPayBill(b);
        expect(res.status).toBe(status);
        expect(res.body).toContain(`${words} Nothing was charged`);
      } finally {
        rig.fake.mode = 'up';
      }
    },
  );

  it('at most 5 checkouts per subscriber in 10 minutes', async () => {
    const b = await signedInSubscriber();
    for (let i = 0; i < 5; i++) await startBill(b);
    const sixth = await pressPayBill(b);
    expect(sixth.status).toBe(429);
    expect(sixth.body).toContain('Too many payments were started just now.');
    rig.h.clock.advance(10 * 60_000 + 1000);
    await startBill(b);
  });
});

describe('suspended for an unpaid bill, paid online', () => {
  it('a webhook payment that leaves nothing past due restores the subscriber within 5 s', async () => {
    const b = await signedInSubscriber();
    const core = rig.h.core!;
    // Due 2026-11-29 (BILLING_DUE_DAYS 7): at 00:00 of the 30th, Manila, billing suspends it.
    rig.h.clock.set(Date.UTC(2026, 10, 29, 16, 0, 5));
    try {
      const run = await core.services.suspensions.enforce(b.id);
      expect(run.suspended).toEqual([b.id]);
      expect((await core.services.subscribers.get(b.id)).status).toBe('suspended');
      // A week on, the phone signs in again (a sign-in lasts 12 hours) and pays.
      const { id } = await startBill({ ...b, ...(await signIn(`sub${n}`)) });
      rig.fake.pay(id, { method: 'gcash' });
      const heard = Date.now();
      expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
      let status = '';
      while (Date.now() - heard < 5000) {
        status = (await core.services.subscribers.get(b.id)).status;
        if (status === 'active') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe('active');
      const rows = await core.db('subscriber_suspensions').where({ subscriber_id: b.id });
      expect(rows).toEqual([expect.objectContaining({ cause: 'unpaid', ended_by: 'billing' })]);
      expect(rows[0].ended_at).not.toBeNull();
    } finally {
      rig.h.clock.set(NOV_22);
    }
  });
});

describe('from the PPPoE session’s address alone (the suspension page’s form)', () => {
  it('finds the subscriber by the address the form is posted from, with only the form token', async () => {
    await pppoeSetUp(rig.h, '127.0.0.2-127.0.0.9');
    const s = await addSubscriber(rig.h, {
      name: 'Aling Nena',
      username: 'nena',
      password: PASSWORD,
      billing_day: 1,
    });
    const until = Date.now() + 10_000;
    while (!rig.h.sim.rows('/ppp/secret').some((r) => r.name === 'nena')) {
      if (Date.now() > until) throw new Error('no secret');
      await new Promise((r) => setTimeout(r, 20));
    }
    const dialled = await rig.h.sim.pppoe.dial({
      mac: 'aa:bb:cc:00:00:21',
      user: 'nena',
      password: PASSWORD,
    });
    if (!dialled.ok || !dialled.address) throw new Error(`not dialled: ${dialled.reason}`);
    const base = rig.h.app!.url;
    const form = await rawRequest(`${base}/portal/account?lang=fil`, { from: dialled.address });
    expect(form.body).toContain('Magbayad ng ₱299.70 gamit ang GCash / Maya');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1];
    const body = new URLSearchParams({ lang: 'fil', _csrf: token }).toString();
    const res = await rawRequest(`${base}/portal/account/pay`, {
      method: 'POST',
      from: dialled.address,
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
      body,
    });
    expect(res.status).toBe(303);
    expect(res.location).toMatch(/\/checkout\/cs_[0-9a-f]+$/);
    expect(await rig.h.core!.db('payments').where({ subscriber_id: s.id }).first()).toMatchObject({
      amount: 29970,
      lang: 'fil',
    });
  });
});

describe('payments off (no PayMongo key)', () => {
  it('no button on the account page, and Pay is refused with a clear page', async () => {
    const h = await createHarness({ http: true, profiles: PROFILES });
    try {
      h.clock.set(NOV_22);
      await addSubscriber(h, { username: 'offline', password: PASSWORD, billing_day: 1 });
      const form = await openForm(`${h.app!.url}/portal/account`);
      const signIn = await fetch(`${h.app!.url}/portal/account`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
        body: new URLSearchParams({ username: 'offline', password: PASSWORD, _csrf: form.token }).toString(),
      });
      const cookie = `${form.cookie}; ${signIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')}`;
      const page = await (await fetch(`${h.app!.url}/portal/account`, { headers: { cookie } })).text();
      expect(page).toContain('₱299.70');
      expect(page).not.toContain('account-pay-button');
      expect(page).not.toContain('GCash');
      const res = await fetch(`${h.app!.url}/portal/account/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: form.token }).toString(),
      });
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Online payment is not offered here.');
      expect(await h.core!.db('payments')).toHaveLength(0);
    } finally {
      await h.close();
    }
  });
});
