/**
 * What a payment's links give away. The gateway's return addresses are the portal's own (PORTAL_URL, else this
 * computer's address), never the Host a request names; the return page acts as the paying device only for that
 * device, and anyone else holding the link is told it was paid, never its code; a checkout starts only for a device
 * the hotspot sees.
 */
import { openForm } from '../portal/helpers';
import { eventually, payRig, paymentRows, rawRequest, startCheckout, type PayRig } from './helpers';

const PHONE = { mac: '02:AA:00:00:00:31', ip: '127.0.0.31' };
const STRANGER = { mac: '02:AA:00:00:00:32', ip: '127.0.0.32' };

/** The portal's Pay form for `device`, posted with any Host header; the gateway's request it made, if any. */
async function payWithHost(rig: PayRig, device: { mac: string; ip: string }, host?: string) {
  const url = rig.h.app!.url;
  const { cookie, token } = await openForm(`${url}/portal?${new URLSearchParams({ ...device, lang: 'en' })}`);
  const id = (await rig.h.core!.db('profiles').where({ name: 'PREMIUM' }).first('id')).id as number;
  const before = rig.fake.requests.length;
  const res = await rawRequest(`${url}/portal/pay`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie,
      ...(host ? { host } : {}),
    },
    body: new URLSearchParams({ profile: String(id), ...device, lang: 'en', _csrf: token }).toString(),
  });
  const sent = rig.fake.requests.slice(before)[0];
  const a = (sent?.body as { data: { attributes: Record<string, string> } } | undefined)?.data.attributes;
  return { res, attributes: a };
}

describe('the return addresses', () => {
  let rig: PayRig;
  afterEach(() => rig.close());

  it('come from this computer’s address, whatever Host the request names', async () => {
    rig = await payRig();
    rig.h.sim.addDevice(PHONE);
    for (const host of ['evil.example', '127.0.0.1:1@evil.example', 'evil.example:80']) {
      const { res, attributes } = await payWithHost(rig, PHONE, host);
      expect(res.status).toBe(303);
      expect(res.location).toMatch(/\/checkout\/cs_/);
      const ref = attributes!.reference_number;
      expect(attributes!.success_url).toBe(`${rig.h.app!.url}/portal/pay/done?ref=${ref}`);
      expect(attributes!.cancel_url).toBe(`${rig.h.app!.url}/portal/pay/cancel?ref=${ref}`);
      expect(JSON.stringify(attributes)).not.toContain('evil');
    }
  });

  it('come from PORTAL_URL when it is set', async () => {
    rig = await payRig({ env: { PORTAL_URL: 'http://10.5.50.2:5000/' } });
    rig.h.sim.addDevice(PHONE);
    const { attributes } = await payWithHost(rig, PHONE, 'evil.example');
    const ref = attributes!.reference_number;
    expect(attributes!.success_url).toBe(`http://10.5.50.2:5000/portal/pay/done?ref=${ref}`);
    expect(attributes!.cancel_url).toBe(`http://10.5.50.2:5000/portal/pay/cancel?ref=${ref}`);
  });
});

describe('a checkout only for a device the hotspot sees', () => {
  let rig: PayRig;
  beforeEach(async () => {
    rig = await payRig();
  });
  afterEach(() => rig.close());

  it('an unseen MAC, or a seen one at another address, starts nothing', async () => {
    rig.h.sim.addDevice(PHONE);
    for (const device of [
      { mac: '02:AA:00:00:00:99', ip: '10.5.50.199' },
      { mac: PHONE.mac, ip: '10.5.50.198' },
    ]) {
      const { res } = await payWithHost(rig, device);
      expect(res.status).toBe(303);
      expect(res.location).toContain('pay_error=PAYMENT_NO_DEVICE');
    }
    expect(rig.fake.requests).toHaveLength(0);
    expect(await paymentRows(rig.h)).toEqual([]);
    // The device the hotspot sees is sent to the checkout.
    expect((await payWithHost(rig, PHONE)).res.location).toMatch(/\/checkout\/cs_/);
  });
});

describe('the return page', () => {
  let rig: PayRig;
  let ref: string;
  let code: string;
  beforeEach(async () => {
    rig = await payRig();
    const { id } = await startCheckout(rig, 0, 'PREMIUM', PHONE);
    rig.fake.pay(id);
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    await eventually(async () => (await paymentRows(rig.h))[0].online_at !== null);
    const [p] = await paymentRows(rig.h);
    ref = p.reference as string;
    code = (await rig.h.core!.db('vouchers').where({ id: p.voucher_id }).first('code')).code as string;
    rig.h.sim.addDevice(STRANGER);
  });
  afterEach(() => rig.close());

  const done = (from: string) => rawRequest(`${rig.h.app!.url}/portal/pay/done?ref=${ref}`, { from });

  it('from another address: told it was paid, never the code, no device cookie, nothing of the device', async () => {
    const back = await done(STRANGER.ip);
    expect(back.status).toBe(303);
    expect(back.cookie).not.toContain('pisonet_device');
    expect(back.location).not.toContain(PHONE.mac);
    expect(back.location).not.toContain(encodeURIComponent(PHONE.mac));
    const page = await rawRequest(new URL(back.location, rig.h.app!.url).toString(), {
      from: STRANGER.ip,
      headers: { cookie: back.cookie },
    });
    expect(page.body).toContain(
      'Paid (₱20.00): open this page on the phone that paid to see its code and time.',
    );
    expect(page.body).not.toContain(code);
    expect(page.body).not.toMatch(/id="time-left"/);
    // The payer's status, its pause and its code are not the stranger's to use.
    const status = await rawRequest(
      `${rig.h.app!.url}/api/portal/status?${new URLSearchParams({ mac: PHONE.mac })}`,
      { from: STRANGER.ip, headers: { cookie: back.cookie } },
    );
    expect(JSON.parse(status.body)).toMatchObject({ active: false, code: null });
    const pause = await rawRequest(`${rig.h.app!.url}/api/portal/pause`, {
      method: 'POST',
      from: STRANGER.ip,
      headers: { 'content-type': 'application/json', cookie: back.cookie },
      body: JSON.stringify({ mac: PHONE.mac }),
    });
    // (With the payer's cookie the pause went through to the plan's own answer, and the move took the code.)
    expect(pause.status).toBe(403);
    expect(JSON.parse(pause.body)).toMatchObject({ code: 'DEVICE_NOT_PROVEN' });
    const move = await rawRequest(`${rig.h.app!.url}/api/portal/redeem`, {
      method: 'POST',
      from: STRANGER.ip,
      headers: { 'content-type': 'application/json', cookie: back.cookie },
      body: JSON.stringify({ code, ...STRANGER, confirm_move: true }),
    });
    expect(move.status).toBe(409);
    expect(JSON.parse(move.body)).toMatchObject({ code: 'CODE_IN_USE' });
    const active = rig.h.sim.rows('/ip/hotspot/active').map((a) => a['mac-address']);
    expect(active).toContain(PHONE.mac);
    expect(active).not.toContain(STRANGER.mac);
  });

  it('the status page’s link, from anyone but the paying phone, in either language: paid, no code', async () => {
    const url = rig.h.app!.url;
    const fil = `${url}/portal/status?${new URLSearchParams({ lang: 'fil', pay: ref })}`;
    const told = await rawRequest(fil, { from: STRANGER.ip });
    expect(told.body).toContain('Bayad na (₱20.00): buksan ang page na ito sa phone na nagbayad');
    expect(told.body).not.toContain(code);
    // The link with the payer's MAC, or with the stranger's own (a device the page does know), shows no more.
    for (const mac of [PHONE.mac, STRANGER.mac]) {
      const q = new URLSearchParams({ mac, ip: STRANGER.ip, lang: 'en', pay: ref });
      const page = await rawRequest(`${url}/portal/status?${q}`, { from: STRANGER.ip });
      expect(page.status).toBe(200);
      expect(page.body).toContain('Paid (₱20.00): open this page on the phone that paid');
      expect(page.body).not.toContain(code);
      expect(page.body).not.toContain('you are online');
    }
    // The paying phone itself, from its address with no cookie, is told it is online.
    const own = new URLSearchParams({ mac: PHONE.mac, ip: PHONE.ip, lang: 'en', pay: ref });
    const mine = await rawRequest(`${url}/portal/status?${own}`, { from: PHONE.ip });
    expect(mine.body).toContain('Payment received (₱20.00): you are online.');
  });

  it('a paid code not yet in use: shown to the paying phone only', async () => {
    const url = rig.h.app!.url;
    const LEFT = { mac: '02:AA:00:00:00:33', ip: '127.0.0.33' };
    const { id } = await startCheckout(rig, 0, 'PREMIUM', LEFT);
    rig.h.sim.removeDevice(LEFT.mac); // gone from the WiFi as it paid: its code is kept for it
    rig.fake.pay(id);
    expect(await rig.fake.deliver(rig.hook, id)).toBe(200);
    const p = (await paymentRows(rig.h)).find((r) => r.mac === LEFT.mac)!;
    const left = (await rig.h.core!.db('vouchers').where({ id: p.voucher_id }).first('code')).code as string;
    const link = `${url}/portal/status?${new URLSearchParams({ lang: 'en', pay: String(p.reference) })}`;
    const other = await rawRequest(link, { from: STRANGER.ip });
    expect(other.body).toContain('open this page on the phone that paid');
    expect(other.body).not.toContain(left);
    rig.h.sim.addDevice(LEFT);
    const back = await rawRequest(`${url}/portal/pay/done?ref=${String(p.reference)}`, { from: LEFT.ip });
    const page = await rawRequest(new URL(back.location, url).toString(), { from: LEFT.ip });
    expect(page.body).toContain(`Your code is ${left}`);
  });

  it('back by the cancel address after paying: its status page says it was paid, never "nothing was charged"', async () => {
    const back = await rawRequest(`${rig.h.app!.url}/portal/pay/cancel?ref=${ref}`, { from: PHONE.ip });
    expect(back.status).toBe(303);
    expect(back.location).toMatch(/^\/portal\/status\?/);
    expect(back.location).not.toContain('pay=cancelled');
    const page = await rawRequest(new URL(back.location, rig.h.app!.url).toString(), {
      headers: { cookie: back.cookie },
    });
    expect(page.body).toContain('Payment received (₱20.00): you are online.');
  });

  it('from the paying device’s own address: its status page, and the device cookie', async () => {
    const back = await done(PHONE.ip);
    expect(back.status).toBe(303);
    expect(back.cookie).toContain('pisonet_device=');
    expect(back.location).toContain(new URLSearchParams({ mac: PHONE.mac }).toString());
    const page = await rawRequest(new URL(back.location, rig.h.app!.url).toString(), {
      headers: { cookie: back.cookie },
    });
    expect(page.body).toContain('Payment received (₱20.00): you are online.');
    expect(page.body).toMatch(/id="time-left" role="timer"/);
  });
});

describe('the cancel address', () => {
  it('of a checkout not paid: back to the login page, cancelled', async () => {
    const rig = await payRig();
    try {
      await startCheckout(rig, 0, 'PREMIUM', PHONE);
      const [p] = await paymentRows(rig.h);
      const back = await rawRequest(`${rig.h.app!.url}/portal/pay/cancel?ref=${String(p.reference)}`, {
        from: PHONE.ip,
      });
      expect(back.status).toBe(303);
      expect(back.location).toMatch(/^\/portal\?.*pay=cancelled/);
      expect((await paymentRows(rig.h))[0].state).toBe('pending');
    } finally {
      await rig.close();
    }
  });
});
