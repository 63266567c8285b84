/**
 * Extra data on the portal: the status page of a voucher waiting at its cap sells it (English and Filipino), and a
 * code typed there is added as data (a plan with a data cap; its time is not added) or, without a data cap,
 * starts as a voucher of its own.
 */
import type { Harness } from '../helpers/harness';
import { makeVouchers, openForm, redeemApi } from '../portal/helpers';
import { makeVendo } from '../vendos/helpers';
import { advance } from '../usage/helpers';
import { cycle, MB, overageHarness, routerUser, sessionOf, usedUp } from './helpers';

let h: Harness;
beforeEach(async () => {
  h = await overageHarness();
});
afterEach(async () => {
  await h.close();
});

const row = (code: string) => h.core!.db('vouchers').where({ code }).first();
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

async function statusPage(phone: { mac: string; ip: string; cookie: string }, lang: string): Promise<string> {
  const q = new URLSearchParams({ mac: phone.mac, ip: phone.ip, lang });
  const res = await fetch(`${h.app!.url}/portal/status?${q}`, { headers: { cookie: phone.cookie } });
  expect(res.status).toBe(200);
  return res.text();
}

test('a code with data typed by the waiting device: its data is added, not its time; the device is online again; the code is sold', async () => {
  const phone = await usedUp(h, 1);
  const before = await row(phone.code);
  const [data] = await makeVouchers(h, 'DATA', 1);
  const res = await redeemApi(h, { code: data, mac: phone.mac, ip: phone.ip });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({
    success: true,
    topped_up: { mode: 'data', added_bytes: 300 * MB, added_seconds: 0, online: true, queued_because: null },
  });
  const after = await row(phone.code);
  expect(Number(after.extra_bytes)).toBe(300 * MB);
  // Its time is not added.
  expect(after.extra_seconds).toBe(before.extra_seconds);
  expect(after.expires_at).toBe(before.expires_at);
  // The code is used up as a top-up's second code: sold now, pointing at the voucher it went to.
  const sold = await row(data);
  expect(sold).toMatchObject({ status: 'expired', topped_up_into: after.id });
  expect(Number(sold.activated_at)).toBe(h.clock.now());
  expect(sold.end_reason).toMatch(/^data added to /);
  // The router's limit rose by the code's data at once, and the device is online again with its code.
  expect(routerUser(h, phone.code)!['limit-bytes-total']).toBe(String(800 * MB));
  expect(sessionOf(h, phone.mac)).toMatchObject({ user: phone.code });
  advance(h, 30);
  await cycle(h);
  expect(h.sim.rows('/queue/simple').some((q) => q.name === `pisonet-${phone.mac}`)).toBe(true);
  const events = await h.core!.db('events').where({ kind: 'topup' }).orderBy('id');
  expect(events.map((e) => e.voucher_id)).toEqual([after.id, sold.id]);
  expect(events[0].message).toMatch(/300.0 MB added, its time not/);
  // Both codes are sales at their price.
  const sources = await h.core!.services.reports.bySource({
    from: h.clock.now() - 86_400_000,
    to: h.clock.now() + 1,
  });
  expect(sources.totals.printed).toEqual({ count: 2, amount: 3500 });
});

test('a code without a data cap starts as a voucher of its own; the waiting one keeps its time', async () => {
  const phone = await usedUp(h, 1);
  const [open] = await makeVouchers(h, 'OPEN', 1);
  const res = await redeemApi(h, { code: open, mac: phone.mac, ip: phone.ip });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ code: open, profile: 'OPEN', relogin: false });
  expect(sessionOf(h, phone.mac)).toMatchObject({ user: open });
  expect(await row(phone.code)).toMatchObject({ status: 'active', extra_bytes: 0 });
  advance(h, 30);
  await cycle(h);
  // The new code's device gets its queue; the waiting one stays, active and offline.
  expect(h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${phone.mac}`)).toMatchObject({
    'max-limit': '1000000/2000000',
  });
  expect(await row(phone.code)).toMatchObject({ status: 'active' });
});

test('the form (no script) lands on the status page with what was added, in the customer’s language', async () => {
  const phone = await usedUp(h, 1);
  const [data] = await makeVouchers(h, 'DATA', 1);
  const q = new URLSearchParams({ mac: phone.mac, ip: phone.ip, lang: 'fil' });
  const { cookie, token } = await openForm(`${h.app!.url}/portal?${q}`);
  const res = await fetch(`${h.app!.url}/portal/redeem`, {
    method: 'POST',
    body: new URLSearchParams({ code: data, mac: phone.mac, ip: phone.ip, lang: 'fil', _csrf: token }),
    headers: { cookie },
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  expect(location).toContain('notice=topup-data');
  const page = await (await fetch(`${h.app!.url}${location}`, { headers: { cookie: phone.cookie } })).text();
  expect(text(page)).toContain(
    'Naidagdag ang 300.0 MB na dagdag na data sa iyong code. Hindi idinagdag ang oras ng bagong code.',
  );
  expect(page).toContain('Nakakonekta ka na');
});

test('the status page sells extra data, in English and Filipino, with coins when a box sells here', async () => {
  const phone = await usedUp(h, 1);
  const en = await statusPage(phone, 'en');
  expect(en).toContain('data-state="capped"');
  const words = text(en);
  expect(words).toContain('Your data is used up');
  expect(words).toContain('Buy 200 MB more for ₱10.00');
  expect(words).toContain(
    "Enter a code of a plan with data: its data is added to this code and you are online again. The new code's time is not added.",
  );
  expect(words).toContain('Your time keeps running while you are offline.');
  expect(words).toMatch(/Data left 0 B/);
  expect(en).toMatch(/id="extra-enter-code"[^>]*>Enter a code for more data</);
  expect(en).not.toContain('You are connected');
  expect(en).not.toContain('You have used 100% of your data allowance');
  // No coin box in this shop: the offer says nothing of coins.
  expect(en).not.toContain('id="extra-how-vendo"');
  expect(en).not.toContain('id="vendo"');

  const fil = text(await statusPage(phone, 'fil'));
  expect(fil).toContain('Ubos na ang iyong data');
  expect(fil).toContain('Bumili ng 200 MB pa sa halagang ₱10.00');
  expect(fil).toContain('Hindi idadagdag ang oras ng bagong code.');

  // A coin box that is online sells at this site: the page says so and opens its coin window below.
  const { board } = await makeVendo(h, { profile: 'CAP' });
  await board.poll();
  const withBox = await statusPage(phone, 'en');
  expect(text(withBox)).toContain('Or pay with coins at the coin box below: ₱10.00 buys 200 MB.');
  expect(withBox).toContain('id="vendo"');
  expect(text(withBox)).toContain('Pay with coins: ₱10.00 buys 200 MB of extra data; more coins buy more.');
  expect(text(await statusPage(phone, 'fil'))).toContain(
    'O magbayad ng barya sa coin box sa ibaba: ₱10.00 para sa 200 MB.',
  );

  const api = await fetch(`${h.app!.url}/api/portal/status?mac=${phone.mac}`, {
    headers: { cookie: phone.cookie },
  });
  expect(await api.json()).toMatchObject({
    active: true,
    state: 'active',
    data_used_up: true,
    extra_data: { bytes: 200 * MB, price: 10, price_centavos: 1000 },
    left_bytes: 0,
    rate_up: null,
    rate_down: null,
  });
});

test('an online-time code waits with its time standing: no countdown, no Pause button', async () => {
  const phone = await usedUp(h, 1, 'UPCAP');
  const page = await statusPage(phone, 'en');
  expect(text(page)).toContain('Buy 200 MB more for ₱10.00');
  expect(page).not.toContain('data-countdown');
  expect(text(page)).not.toContain('Your time keeps running while you are offline.');
  expect(page).not.toContain('id="pause"');
  const before = (await row(phone.code)).uptime_seconds;
  advance(h, 600);
  await cycle(h);
  expect((await row(phone.code)).uptime_seconds).toBe(before);
});

test('two codes racing for one waiting voucher: never a code used without its data', async () => {
  const phone = await usedUp(h, 1);
  const codes = await makeVouchers(h, 'DATA', 2);
  const replies = await Promise.all(
    codes.map((code) => redeemApi(h, { code, mac: phone.mac, ip: phone.ip })),
  );
  const used = [];
  for (const code of codes) if ((await row(code)).status !== 'unused') used.push(code);
  const waiting = await row(phone.code);
  const asData = (await h.core!.db('vouchers').where({ topped_up_into: waiting.id, status: 'expired' }))
    .length;
  expect(Number(waiting.extra_bytes)).toBe(asData * 300 * MB);
  expect(asData).toBeGreaterThanOrEqual(1);
  // A refused one says so and stays unused (or, once the first gave data, is kept for the device).
  for (const r of replies) if (r.status !== 200) expect(r.json).toMatchObject({ code: 'TOPUP_CONFLICT' });
  expect(used.length).toBeGreaterThanOrEqual(asData);
});

test('the router away: a code is not used (503), nothing added', async () => {
  const phone = await usedUp(h, 1);
  const [data] = await makeVouchers(h, 'DATA', 1);
  h.sim.setReachable(false);
  for (let i = 0; i < 200 && h.router.status.connected; i++) await new Promise((r) => setTimeout(r, 10));
  const res = await redeemApi(h, { code: data, mac: phone.mac, ip: phone.ip });
  expect(res.status).toBe(503);
  expect(res.json).toMatchObject({ code: 'ROUTER_UNREACHABLE' });
  expect(await row(data)).toMatchObject({ status: 'unused' });
  expect(Number((await row(phone.code)).extra_bytes)).toBe(0);
  h.sim.setReachable(true);
});
