import { createHarness } from '../helpers/harness';
import { addDevice, openForm } from '../portal/helpers';
import { KEY, payRig, paymentRows, pressPay, type PayRig } from './helpers';

describe('paying online: starting a checkout from the portal (fake PayMongo on loopback)', () => {
  let rig: PayRig;
  beforeEach(async () => {
    rig = await payRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('offers each plan of ₱20 or more with a "Pay with GCash / Maya" button, in English and Filipino', async () => {
    const d = addDevice(rig.h, 1);
    const en = (await openForm(`${rig.h.app!.url}/portal?${new URLSearchParams({ ...d, lang: 'en' })}`)).page;
    expect(en).toContain('Pay ₱20.00 with GCash / Maya');
    // ₱5 and ₱10 plans are below PayMongo's minimum: no button for them.
    expect(en).not.toContain('Pay ₱5.00');
    expect(en).not.toContain('Pay ₱10.00');
    expect(en).toMatch(
      /<form method="post" action="\/portal\/pay">[\s\S]*name="mac" value="02:AA:00:00:00:01"[\s\S]*name="ip" value="10.5.50.101"[\s\S]*name="_csrf"/,
    );
    const fil = (await openForm(`${rig.h.app!.url}/portal?${new URLSearchParams({ ...d, lang: 'fil' })}`))
      .page;
    expect(fil).toContain('Magbayad ng ₱20.00 gamit ang GCash / Maya');
    const status = await fetch(
      `${rig.h.app!.url}/portal/status?${new URLSearchParams({ ...d, lang: 'fil' })}`,
    );
    expect(await status.text()).toContain('Magbayad ng ₱20.00 gamit ang GCash / Maya');
  });

  it('Pay creates a checkout session with Basic auth and the documented body, and sends the phone to it', async () => {
    const { res, device } = await pressPay(rig, 1);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/\/checkout\/cs_/);
    const [req] = rig.fake.requests;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/checkout_sessions');
    expect(req.authorization).toBe(`Basic ${Buffer.from(`${KEY}:`).toString('base64')}`);
    const a = (req.body as { data: { attributes: Record<string, unknown> } }).data.attributes;
    expect(a.line_items).toEqual([{ name: 'Internet: PREMIUM', amount: 2000, currency: 'PHP', quantity: 1 }]);
    expect(a.payment_method_types).toEqual(['gcash', 'paymaya', 'qrph']);
    expect(a.reference_number).toMatch(/^PN[0-9A-F]{24}$/);
    expect(a.success_url).toBe(`${rig.h.app!.url}/portal/pay/done?ref=${a.reference_number}`);
    expect(a.cancel_url).toBe(`${rig.h.app!.url}/portal/pay/cancel?ref=${a.reference_number}`);
    const [session] = [...rig.fake.sessions.values()];
    expect(res.headers.get('location')).toBe(`${rig.fake.url}/checkout/${session.id}`);
    expect(await paymentRows(rig.h)).toEqual([
      expect.objectContaining({
        state: 'pending',
        reference: a.reference_number,
        session_id: session.id,
        mac: device.mac,
        ip: device.ip,
        amount: 2000,
        voucher_id: null,
      }),
    ]);
  });

  it('a form without its token starts nothing', async () => {
    const d = addDevice(rig.h, 1);
    const res = await fetch(`${rig.h.app!.url}/portal/pay`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ profile: '3', ...d, lang: 'en' }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('pay_error=FORM_EXPIRED');
    expect(rig.fake.requests).toHaveLength(0);
    expect(await paymentRows(rig.h)).toEqual([]);
  });

  it.each([
    ['unreachable', 'down', 'hindi maabot ang payment service'],
    ['answering 5xx', 'error', 'Nagkaproblema ang payment service'],
  ] as const)('the gateway %s: a message in Filipino, no sale', async (_what, mode, words) => {
    rig.fake.mode = mode;
    const { res } = await pressPay(rig, 1, 'PREMIUM', 'fil');
    expect(res.status).toBe(303);
    const back = await fetch(new URL(res.headers.get('location')!, rig.h.app!.url));
    const page = await back.text();
    expect(page).toContain(words);
    expect(page).toContain('Walang siningil');
    const rows = await paymentRows(rig.h);
    expect(rows).toEqual([expect.objectContaining({ state: 'failed', voucher_id: null })]);
    expect(await rig.h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('the gateway refusing (a below-minimum price, as PayMongo answers it): a clear message, no sale', async () => {
    // The shop lowered the price after the page was shown: PayMongo refuses under ₱20 (parameter_below_minimum).
    await rig.h.core!.db('profiles').where({ name: 'PREMIUM' }).update({ price: 1500 });
    // Pressed from the page as it was: the product checks the price again and does not ask PayMongo.
    const { res } = await pressPay(rig, 1, 'PREMIUM', 'en');
    expect(res.headers.get('location')).toContain('pay_error=PAYMENT_PROFILE_NOT_FOR_SALE');
    // PayMongo's own refusal of such a session, asked directly.
    const direct = await fetch(`${rig.fake.url}/v1/checkout_sessions`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        data: {
          attributes: {
            line_items: [{ name: 'x', amount: 1500, currency: 'PHP', quantity: 1 }],
            payment_method_types: ['gcash'],
          },
        },
      }),
    });
    expect(direct.status).toBe(400);
    expect(((await direct.json()) as { errors: unknown[] }).errors[0]).toMatchObject({
      code: 'parameter_below_minimum',
    });
  });

  it('a monthly plan asked for (a crafted or stale form): "not for sale", never "the payment service had a problem"', async () => {
    await rig.h.core!.services.profiles.create(
      { name: 'HOME10', billing: 'monthly', price: 999, rate_up: '5M', rate_down: '10M' },
      { name: 'system', via: 'system' },
    );
    const { res } = await pressPay(rig, 1, 'HOME10', 'en');
    expect(res.headers.get('location')).toContain('pay_error=PAYMENT_PROFILE_NOT_FOR_SALE');
    expect(await paymentRows(rig.h)).toEqual([]);
  });

  it('one phone starts at most 5 checkouts in 10 minutes; the sixth is told so, in its language, and starts nothing', async () => {
    for (let i = 0; i < 5; i++) {
      const { res } = await pressPay(rig, 1, 'PREMIUM', 'en');
      expect(res.headers.get('location')).toMatch(/\/checkout\//);
    }
    const { res } = await pressPay(rig, 1, 'PREMIUM', 'fil');
    expect(res.headers.get('location')).toContain('pay_error=PAYMENT_TOO_MANY');
    const page = await (await fetch(new URL(res.headers.get('location')!, rig.h.app!.url))).text();
    expect(page).toContain('Maraming bayad na ang sinimulan sa teleponong ito');
    expect(await paymentRows(rig.h)).toHaveLength(5);
    // Another phone is not held up by it.
    expect((await pressPay(rig, 2, 'PREMIUM', 'en')).res.headers.get('location')).toMatch(/\/checkout\//);
  });

  it('a wrong key: PayMongo answers 401, the customer is told, no sale', async () => {
    await rig.h.core!.services.payments.updateSettings(
      { secret_key: 'sk_test_wrongwrongwrong1234' },
      { name: 'admin', via: 'api' },
    );
    const { res } = await pressPay(rig, 1, 'PREMIUM', 'en');
    const page = await (await fetch(new URL(res.headers.get('location')!, rig.h.app!.url))).text();
    expect(page).toContain('The payment service did not accept this payment. Nothing was charged.');
    expect((await paymentRows(rig.h))[0]).toMatchObject({ state: 'failed', voucher_id: null });
    expect(String((await paymentRows(rig.h))[0].problem)).toContain('401');
  });
});

describe('online payments off', () => {
  it('without a key there is no pay button anywhere', async () => {
    const h = await createHarness({ http: true });
    try {
      const d = addDevice(h, 1);
      const login = (await openForm(`${h.app!.url}/portal?${new URLSearchParams(d)}`)).page;
      expect(login).not.toContain('GCash');
      const status = await (await fetch(`${h.app!.url}/portal/status?${new URLSearchParams(d)}`)).text();
      expect(status).not.toContain('GCash');
      const res = await fetch(`${h.app!.url}/api/payments/paymongo/webhook`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await h.close();
    }
  });
});
