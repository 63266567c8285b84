import { signWebhook } from '../../src/payments/paymongo';
import {
  eventually,
  payRig,
  paymentRows,
  rawRequest,
  startCheckout,
  WEBHOOK_SECRET,
  type PayRig,
} from './helpers';

/** The device is online with the paid voucher: a hotspot session for its code, the voucher active. */
async function onlineWith(rig: PayRig, mac: string): Promise<string | undefined> {
  const active = rig.h.sim.rows('/ip/hotspot/active').find((a) => a['mac-address'] === mac);
  return active?.user as string | undefined;
}

async function post(rig: PayRig, body: string, signature?: string) {
  const res = await fetch(rig.hook, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'paymongo-signature': signature } : {}),
    },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('paying online: learning of a payment and crediting it once', () => {
  let rig: PayRig;
  beforeEach(async () => {
    rig = await payRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('the paid webhook puts the device online within 5 s, a sale of source paymongo with its method', async () => {
    // The phone's hotspot address is one of this machine's, so it can come back from it (127.0.0.x).
    const { id, device } = await startCheckout(rig, 1, 'PREMIUM', {
      mac: '02:AA:00:00:00:01',
      ip: '127.0.0.21',
    });
    rig.fake.pay(id, { method: 'gcash' });
    const started = Date.now();
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    await eventually(async () => (await onlineWith(rig, device.mac)) !== undefined, 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    const [p] = await paymentRows(rig.h);
    expect(p).toMatchObject({ state: 'paid', method: 'gcash', amount: 2000 });
    const v = await rig.h.core!.db('vouchers').where({ id: p.voucher_id }).first();
    expect(v).toMatchObject({ status: 'active', price: 2000, bound_mac: device.mac });
    expect(await onlineWith(rig, device.mac)).toBe(v.code);
    // The profile's time on the router.
    expect(rig.h.sim.rows('/ip/hotspot/user').find((u) => u.name === v.code)).toMatchObject({
      'limit-uptime': '5h',
    });
    // The reports: a source of its own.
    const now = rig.h.clock.now();
    const by = await rig.h.core!.services.reports.bySource({ from: now - 86400_000, to: now + 86400_000 });
    expect(by.sources).toContainEqual({ key: 'paymongo', label: 'Online (PayMongo)' });
    expect(by.totals.paymongo).toEqual({ count: 1, amount: 2000 });
    expect(by.totals.printed).toEqual({ count: 0, amount: 0 });
    // The admin's list.
    const res = await fetch(`${rig.h.app!.url}/admin/api/payments`, {
      headers: { Authorization: 'Bearer test-token-0123456789abcdef' },
    });
    const json = (await res.json()) as { payments: Record<string, unknown>[] };
    expect(json.payments).toEqual([
      expect.objectContaining({ state: 'paid', amount: 20, method: 'gcash', voucher: v.code, online: true }),
    ]);
    // The phone back on success_url, from its own address: the status page with the time running.
    const back = await rawRequest(`${rig.h.app!.url}/portal/pay/done?ref=${p.reference}`, {
      from: device.ip,
    });
    const cookie = back.cookie;
    const page = await (await fetch(new URL(back.location, rig.h.app!.url), { headers: { cookie } })).text();
    expect(page).toContain('Payment received (₱20.00): you are online.');
    expect(page).toMatch(/id="time-left" role="timer" data-countdown="\d+"/);
  });

  it('polling credits a payment whose webhook never came', async () => {
    const { id, device } = await startCheckout(rig, 2);
    await rig.h.core!.services.payments.poll();
    expect((await paymentRows(rig.h))[0]).toMatchObject({ state: 'pending', voucher_id: null });
    rig.fake.pay(id, { method: 'paymaya' });
    await rig.h.core!.services.payments.poll();
    expect((await paymentRows(rig.h))[0]).toMatchObject({ state: 'paid', method: 'paymaya' });
    expect(await onlineWith(rig, device.mac)).toBeDefined();
    // The Payments page names the method as customers know it (PayMongo's paymaya is Maya).
    const page = await fetch(`${rig.h.app!.url}/admin/payments`, {
      headers: { Authorization: 'Bearer test-token-0123456789abcdef' },
    });
    expect(await page.text()).toMatch(/data-label="Method">Maya</);
  });

  it('100 concurrent deliveries of one event and a poll credit once', async () => {
    const { id, device } = await startCheckout(rig, 3);
    rig.fake.pay(id);
    const e = rig.fake.event(id);
    const answers = await Promise.all([
      ...Array.from({ length: 100 }, () => post(rig, e.body, e.signature)),
      rig.h.core!.services.payments.poll().then(() => ({ status: 200, json: {} })),
    ]);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const rows = await paymentRows(rig.h);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'paid' });
    expect(await rig.h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 1 }]);
    expect(await onlineWith(rig, device.mac)).toBeDefined();
    const now = rig.h.clock.now();
    const by = await rig.h.core!.services.reports.bySource({ from: now - 86400_000, to: now + 86400_000 });
    expect(by.totals.paymongo).toEqual({ count: 1, amount: 2000 });
  }, 60000);

  it('forged, stale, altered and missing signatures are refused and credit nothing', async () => {
    const { id, device } = await startCheckout(rig, 4);
    rig.fake.pay(id);
    const e = rig.fake.event(id);
    const t = /t=(\d+)/.exec(e.signature)![1];
    const forged = `t=${t},te=${signWebhook('whsk_someoneelse123456', t, e.body)},li=`;
    const oldT = String(Number(t) - 6 * 60);
    const stale = `t=${oldT},te=${signWebhook(WEBHOOK_SECRET, oldT, e.body)},li=`;
    const altered = e.body.replace('"amount":2000', '"amount":1');
    expect(altered).not.toBe(e.body);
    const liveOnly = `t=${t},te=,li=${signWebhook(WEBHOOK_SECRET, t, e.body)}`;
    for (const [body, sig] of [
      [e.body, forged],
      [e.body, stale],
      [altered, e.signature],
      [e.body, undefined],
      [e.body, 'nonsense'],
      [e.body, liveOnly],
    ] as const) {
      const out = await post(rig, body, sig);
      expect(out.status).toBe(401);
      expect(out.json).toMatchObject({ success: false, code: 'PAYMENT_SIGNATURE' });
    }
    expect((await paymentRows(rig.h))[0]).toMatchObject({ state: 'pending', voucher_id: null });
    expect(await rig.h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await onlineWith(rig, device.mac)).toBeUndefined();
  });

  it('a paid event for a session the API says is unpaid credits nothing (the body proves nothing)', async () => {
    const { id } = await startCheckout(rig, 5);
    // The event's body claims a paid payment; the API's session has none.
    rig.fake.pay(id);
    const e = rig.fake.event(id);
    rig.fake.sessions.get(id)!.payments = [];
    expect((await post(rig, e.body, e.signature)).status).toBe(200);
    expect((await paymentRows(rig.h))[0]).toMatchObject({ state: 'pending', voucher_id: null });
    // Other event types and unknown sessions are answered 2xx and change nothing.
    const other = rig.fake.event(id, 'payment.failed');
    expect((await post(rig, other.body, other.signature)).json).toMatchObject({ acted: false });
    const unknown = rig.fake.event('cs_000000000000000000000000');
    expect((await post(rig, unknown.body, unknown.signature)).status).toBe(200);
    expect(await rig.h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 0 }]);
  });

  it('an amount short is kept, not credited, and shown to the owner; an unknown reference too', async () => {
    const { id } = await startCheckout(rig, 6);
    rig.fake.pay(id, { amount: 1000 });
    await rig.h.core!.services.payments.poll();
    const [p] = await paymentRows(rig.h);
    expect(p).toMatchObject({ state: 'rejected', voucher_id: null });
    expect(p.problem).toContain('amount short: ₱10.00 paid of ₱20.00');
    // A paid session of someone else's reference, told by a signed webhook.
    rig.fake.sessions.set('cs_foreign00000000000000000', {
      ...rig.fake.sessions.get(id)!,
      id: 'cs_foreign00000000000000000',
      reference: 'SOMEONE-ELSE-1',
      payments: [
        { id: 'pay_x', status: 'paid', amount: 2000, currency: 'PHP', livemode: false, method: 'qrph' },
      ],
    });
    await rig.fake.deliver(rig.hook, 'cs_foreign00000000000000000');
    await rig.fake.deliver(rig.hook, 'cs_foreign00000000000000000');
    const rows = await paymentRows(rig.h);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      state: 'rejected',
      session_id: 'cs_foreign00000000000000000',
      amount: 2000,
    });
    expect(rows[1].problem).toContain('SOMEONE-ELSE-1');
    expect(await rig.h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 0 }]);
    const page = await fetch(`${rig.h.app!.url}/admin/payments`, {
      headers: { Authorization: 'Bearer test-token-0123456789abcdef' },
    });
    const html = await page.text();
    expect(html).toContain('amount short: ₱10.00 paid of ₱20.00');
    expect(html).toContain('SOMEONE-ELSE-1');
  });

  it('a device that left is still credited: its code on its own status page and in the admin', async () => {
    const { id, device } = await startCheckout(rig, 7, 'PREMIUM', {
      mac: '02:AA:00:00:00:37',
      ip: '127.0.0.37',
    });
    rig.h.sim.removeDevice(device.mac);
    rig.fake.pay(id);
    await rig.fake.deliver(rig.hook, id);
    const [p] = await paymentRows(rig.h);
    expect(p).toMatchObject({ state: 'paid' });
    const v = await rig.h.core!.db('vouchers').where({ id: p.voucher_id }).first();
    expect(v.status).toBe('unused');
    // Back on the WiFi at its address, the phone that paid is shown its code; the link elsewhere shows none.
    rig.h.sim.addDevice(device);
    const done = `${rig.h.app!.url}/portal/pay/done?ref=${String(p.reference)}`;
    const back = await rawRequest(done, { from: device.ip });
    const page = await rawRequest(new URL(back.location, rig.h.app!.url).toString(), { from: device.ip });
    expect(page.body).toContain(`Your code is ${v.code}`);
    const elsewhere = await rawRequest(done, { from: '127.0.0.38' });
    const seen = await rawRequest(new URL(elsewhere.location, rig.h.app!.url).toString(), {
      from: '127.0.0.38',
    });
    expect(seen.body).toContain('Paid (₱20.00): open this page on the phone that paid');
    expect(seen.body).not.toContain(String(v.code));
    const admin = await fetch(`${rig.h.app!.url}/admin/api/payments`, {
      headers: { Authorization: 'Bearer test-token-0123456789abcdef' },
    });
    expect(((await admin.json()) as { payments: unknown[] }).payments[0]).toMatchObject({
      voucher: v.code,
      online: false,
    });
  });

  it('a payment learned while the router is down is credited, and the device logged in when it is back', async () => {
    const { id, device } = await startCheckout(rig, 8);
    await rig.h.sim.stop();
    await eventually(async () => !rig.h.router.status.connected);
    rig.fake.pay(id);
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    const [p] = await paymentRows(rig.h);
    expect(p).toMatchObject({ state: 'paid', online_at: null });
    expect(p.voucher_id).not.toBeNull();
    await rig.h.sim.start();
    await rig.h.router.waitConnected(5000);
    await rig.h.core!.services.payments.poll();
    expect(await onlineWith(rig, device.mac)).toBeDefined();
    expect((await paymentRows(rig.h))[0].online_at).not.toBeNull();
  });
});
