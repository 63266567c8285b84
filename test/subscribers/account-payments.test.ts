/**
 * A subscriber's own page lists its last 12 payments, newest first (date and time in shop time, amount,
 * method, the invoices each paid, a voided one marked), with the shop's contact, in English and Filipino.
 */
import { AdminClient } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
let phone: AdminClient;
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const section = (html: string) =>
  /<section class="account-payments"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';

beforeAll(async () => {
  h = await createHarness({
    http: true,
    profiles: PROFILES,
    env: { TZ: 'Asia/Manila' },
    now: Date.parse('2026-11-21T09:00:00+08:00'),
  });
  const s = await addSubscriber(h, { password: 'juan-pass-1' }); // INV-000001: ₱466.20
  phone = new AdminClient(h.app!.url);
  const signed = await phone.post(
    '/portal/account',
    { username: 'juan.dc', password: 'juan-pass-1' },
    await phone.token('/portal/account'),
  );
  expect(signed.status).toBe(303);
  expect(section(await phone.html('/portal/account?lang=en'))).toContain('No payment yet.');
  // Fourteen payments of ₱1.00 to ₱14.00, a minute apart; the ₱14.00 by GCash, then voided.
  for (let n = 1; n <= 14; n++) {
    h.clock.advance(60_000);
    const paid = await adminApi(h, 'POST', `/subscribers/${s.id}/payments`, {
      amount: n,
      method: n === 14 ? 'gcash' : 'cash',
      confirm: true,
    });
    expect(paid.status).toBe(201);
    if (n === 14)
      expect(
        (
          await adminApi(h, 'POST', `/subscribers/${s.id}/payments/${paid.json.payment.id}/void`, {
            reason: 'entered twice',
          })
        ).status,
      ).toBe(200);
  }
  await h.core!.services.settings.set('shop.contact_name', 'Aling Nena', { name: 'admin', via: 'admin' });
  await h.core!.services.settings.set('shop.contact_mobile', '+639175551234', {
    name: 'admin',
    via: 'admin',
  });
});
afterAll(() => h.close());

test('the last 12 payments, newest first, with date, amount, method and invoice; the void marked', async () => {
  const html = section(await phone.html('/portal/account?lang=en'));
  const rows = html.match(/<li[\s>]/g) ?? [];
  expect(rows).toHaveLength(12);
  const t = text(html);
  expect(t).toContain('Your payments');
  // Newest first: ₱14.00 (voided, GCash) then ₱13.00 … down to ₱3.00; ₱1.00 and ₱2.00 are past the twelve.
  expect(t).toMatch(
    /^ Your payments 2026-11-21 09:14 ₱14\.00 GCash · INV-000001 · Voided 2026-11-21 09:13 ₱13\.00 Cash · INV-000001/,
  );
  expect(t).toContain('₱3.00 Cash');
  expect(t).not.toContain('₱2.00');
  expect(html).toMatch(/<s>₱14\.00<\/s>/);
  expect(t).toContain('The last 12 payments.');
  expect(t).toContain('Questions about a payment? Contact the shop: Aling Nena · 0917 555 1234.');
});

test('in Filipino', async () => {
  const t = text(section(await phone.html('/portal/account?lang=fil')));
  expect(t).toContain('Mga bayad mo');
  expect(t).toContain('Binawi');
  expect(t).toContain('Ang huling 12 na bayad.');
  expect(t).toContain('Kontakin ang shop: Aling Nena · 0917 555 1234');
});
