/**
 * The demo's simulated gateway: without a PayMongo account, Pay leads to a simulated checkout page ("Pay ₱20.00
 * with GCash (demo)") whose button pays, sends the signed webhook to the controller, and returns the phone to the
 * status page with the device online.
 */
import { startDemoGateway } from '../../src/payments/demo';
import type { FakePaymongo } from '../../src/payments/fake-paymongo';
import { createHarness, type Harness } from '../helpers/harness';
import { openForm } from '../portal/helpers';
import { rawRequest } from './helpers';

let h: Harness;
let demo: FakePaymongo | undefined;
beforeAll(async () => {
  // The simulated page signs its webhook with the real time, as the demo's does: the controller runs on it too.
  h = await createHarness({ http: true, fakeClock: false });
}, 60000);
afterAll(async () => {
  await demo?.stop();
  await h?.close();
});

test('portal → simulated gateway page → back to the status page with the time running', async () => {
  const url = h.app!.url;
  // Off before the demo gateway starts: no button.
  // The phone's hotspot address is one of this machine's, so it can come back from it (127.0.0.x).
  const d = { mac: '02:AA:00:00:00:01', ip: '127.0.0.41' };
  h.sim.addDevice(d);
  const q = new URLSearchParams({ ...d, lang: 'fil' });
  expect((await openForm(`${url}/portal?${q}`)).page).not.toContain('GCash');
  demo = await startDemoGateway(h.core!.config, url);
  const { page, cookie, token } = await openForm(`${url}/portal?${q}`);
  expect(page).toContain('Magbayad ng ₱20.00 gamit ang GCash / Maya');
  const premium = (await h.core!.db('profiles').where({ name: 'PREMIUM' }).first('id')).id as number;
  const pay = await fetch(`${url}/portal/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ profile: String(premium), ...d, lang: 'fil', _csrf: token }).toString(),
  });
  const checkout = pay.headers.get('location')!;
  expect(checkout.startsWith(`${demo.url}/checkout/cs_`)).toBe(true);
  const gateway = await (await fetch(checkout)).text();
  expect(gateway).toContain('Pay ₱20.00 with GCash (demo)');
  const paid = await fetch(`${checkout}/pay`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'method=gcash',
  });
  const success = paid.headers.get('location')!;
  expect(success).toMatch(new RegExp(`^${url}/portal/pay/done\\?ref=PN`));
  // The webhook came first (the page sent it before sending the phone back): paid, the device online.
  expect(await h.core!.db('payments').first()).toMatchObject({ state: 'paid', method: 'gcash' });
  const done = await rawRequest(success, { from: d.ip });
  const status = await (
    await fetch(new URL(done.location, url), { headers: { cookie: done.cookie } })
  ).text();
  expect(status).toContain('Natanggap ang bayad (₱20.00): online ka na.');
  expect(status).toMatch(/id="time-left" role="timer" data-countdown="\d+"/);
});
