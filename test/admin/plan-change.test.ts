/**
 * A plan change in the admin pages, without a script: the voucher page's Move form leads to a confirm step that
 * shows the charge, its buttons charge or move free, the voucher page then links the receipt, and the receipt
 * prints the shop, the time in the shop's zone, the code, the plans, the unused share and the amount. The
 * reports page shows the charge in the sales and a downgrade's credit apart.
 */
import { createHarness, Harness } from '../helpers/harness';
import { startOfLocalDay } from '../../src/domain/calendar';
import { SYSTEM } from '../../src/services/types';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { AdminClient } from './client';

const DAY = startOfLocalDay('2026-11-21', 'Asia/Manila');
const HOUR = 3600_000;
const PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'DAY10', price: 10, validity: '1d', users: 1, rate_up: '1M', rate_down: '2M' },
  { name: 'DAY20', price: 20, validity: '1d', users: 1, rate_up: '2M', rate_down: '4M' },
];

let h: Harness;
let c: AdminClient;
let phone = 0;

async function sold(profile: string): Promise<string> {
  const [code] = await makeVouchers(h, profile, 1);
  expect((await redeemApi(h, { code, ...addDevice(h, ++phone) })).status).toBe(200);
  return code;
}

const errorUnder = (html: string, id: string) => new RegExp(`id="f-${id}-err"[^>]*>([^<]+)<`).exec(html)?.[1];
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES, now: DAY + 8 * HOUR });
  await h.core!.services.settings.set('shop.name', 'Aling Nena <WiFi>', SYSTEM);
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
});
afterAll(async () => {
  await h.close();
});

test('Move → confirm step → Charge → the voucher page links the receipt', async () => {
  const code = await sold('DAY10');
  h.clock.advance(12 * HOUR);

  const page = await c.html(`/admin/vouchers/${code}`);
  // The Move form asks for the confirm step (a GET); the current plan is no choice.
  expect(page).toContain(`<form method="get" action="/admin/vouchers/${code}/move"`);
  expect(page).not.toMatch(/<option value="DAY10"/);
  expect(page).toMatch(/<option value="DAY20"[^>]*>DAY20 · ₱20.00/);

  const confirm = await c.html(`/admin/vouchers/${code}/move?profile=DAY20`);
  const shown = text(confirm);
  expect(shown).toContain(`Move ${code} to DAY20`);
  expect(shown).toContain('From DAY10 · ₱10.00');
  expect(shown).toContain('Time unused 50% · 12h of 1d');
  expect(shown).toContain('To charge ₱5.00');
  expect(shown).toContain('Time left after 12h of 1d');
  expect(shown).toContain(
    '12h left of DAY10&#39;s 1d (₱5.00) → 12h left of DAY20&#39;s 1d (₱10.00) = ₱5.00 to charge',
  );
  expect(confirm).toMatch(/data-testid="confirm-move">Charge ₱5.00 and move</);
  expect(confirm).toMatch(/data-testid="move-free">Move free</);
  // Two forms (Charge, Move free), each with its CSRF token.
  const forms = confirm.match(
    /<form method="post" action="[^"]+\/move">\s*<input type="hidden" name="_csrf" value="[^"]+">/g,
  );
  expect(forms).toHaveLength(2);
  // Looking changed nothing.
  expect((await h.core!.services.vouchers.get(code)).profile).toBe('DAY10');

  const token = /name="_csrf" value="([^"]+)"/.exec(confirm)![1];
  const moved = await c.post(`/admin/vouchers/${code}/move`, { profile: 'DAY20', charge: 'true' }, token);
  expect(moved.status).toBe(303);
  const [charge] = await h.core!.db('voucher_charges');
  expect(moved.headers.get('location')).toBe(`/admin/vouchers/${code}?receipt=${charge.id}#charges`);
  const after = await c.html(moved.headers.get('location')!);
  expect(after).toContain(
    `${code} moved to DAY20: ₱5.00 charged (prorated); the new speeds apply at the next poll.`,
  );
  const receipt = `/admin/vouchers/${code}/charges/${charge.id}/receipt`;
  expect(after).toContain(`<a href="${receipt}" data-testid="receipt-link">Print the receipt</a>`);
  expect(text(after)).toMatch(/Plan changes .* DAY10 → DAY20 50% ₱5.00 charged Receipt/);

  // The receipt: its own page, 58 mm unless asked, escaped shop name, time in the shop's zone (20:00 PHT).
  const res = await c.get(receipt);
  expect(res.status).toBe(200);
  const slip = await res.text();
  expect(slip).toContain('@page { size: 58mm 95mm; margin: 0; }');
  expect(slip).toContain('Aling Nena &lt;WiFi&gt;');
  expect(slip).not.toContain('<WiFi>');
  expect(slip).toMatch(/<dd>Nov 21, 2026, 8:00:00\s?PM<\/dd>/);
  expect(slip).toContain(`data-testid="receipt-code">${code}<`);
  expect(slip).toContain('data-testid="receipt-plan">DAY10 → DAY20<');
  expect(text(slip)).toContain('Time unused 50% 12h of 1d');
  expect(text(slip)).toContain('Charged ₱5.00');
  expect(slip).not.toMatch(/<script>[^<]/); // CSP: scripts from /public only
  expect(slip).toContain('<script src="/public/js/sheet.js" defer></script>');
  const a4 = await c.html(`${receipt}?format=a4`);
  expect(a4).toContain('@page { size: A4; margin: 15mm; }');
  expect((await c.get(`${receipt}?format=letter`)).status).toBe(400);
  expect((await c.get(`/admin/vouchers/${code}/charges/999/receipt`)).status).toBe(404);
  // Another voucher's charge is not this voucher's receipt.
  const other = await sold('BASIC');
  expect((await c.get(`/admin/vouchers/${other}/charges/${charge.id}/receipt`)).status).toBe(404);
});

test('Move free, a credit, and the refusals shown under the Move field', async () => {
  const code = await sold('DAY20');
  h.clock.advance(6 * HOUR);
  const confirm = await c.html(`/admin/vouchers/${code}/move?profile=DAY10`);
  expect(text(confirm)).toContain('To credit the customer ₱7.50');
  expect(confirm).toMatch(/Credit ₱7.50 and move</);
  const token = await c.token(`/admin/vouchers/${code}`);

  const same = await c.get(`/admin/vouchers/${code}/move?profile=DAY20`);
  expect(same.status).toBe(400);
  expect(errorUnder(await same.text(), 'profile')).toBe('already on DAY20; choose another profile');
  const unknown = await c.get(`/admin/vouchers/${code}/move?profile=GOLD`);
  expect(unknown.status).toBe(404);
  expect(errorUnder(await unknown.text(), 'profile')).toMatch(/GOLD/);
  const badFlag = await c.post(`/admin/vouchers/${code}/move`, { profile: 'DAY10', charge: 'maybe' }, token);
  expect(badFlag.status).toBe(400);
  expect(errorUnder(await badFlag.text(), 'profile')).toBe('choose Charge or Move free');

  const credited = await c.post(`/admin/vouchers/${code}/move`, { profile: 'DAY10', charge: 'true' }, token);
  expect(credited.status).toBe(303);
  const after = await c.html(credited.headers.get('location')!);
  expect(after).toContain('moved to DAY10: ₱7.50 credit noted for the customer');

  const free = await sold('DAY10');
  const moved = await c.post(`/admin/vouchers/${free}/move`, { profile: 'DAY20', charge: 'false' }, token);
  expect(moved.headers.get('location')).toBe(`/admin/vouchers/${free}`);
  expect(await c.html(`/admin/vouchers/${free}`)).toContain(`${free} moved to DAY20: moved free;`);

  await h.core!.services.vouchers.revoke(free, SYSTEM);
  const ended = await c.get(`/admin/vouchers/${free}/move?profile=DAY10`);
  expect(ended.status).toBe(409);
  expect(await ended.text()).toContain('This voucher has ended');
});

test('the reports page: the charge in the sales and by source, the credit apart', async () => {
  const html = await c.html('/admin/reports?from=2026-11-21&to=2026-11-22');
  const shown = text(html);
  // Sales these two days: DAY10 ₱10 + DAY20 ₱20 + BASIC ₱5 + DAY10 ₱10 first used, and the ₱5.00 upgrade.
  expect(html).toMatch(/data-testid="report-total">₱50.00</);
  expect(shown).toContain('4 vouchers + 1 charge');
  expect(shown).toMatch(/Plan changes/);
  expect(shown).toMatch(/Credits \(plan downgrades\) ₱7.50 \(1\)/);
  expect(html).toContain('data-testid="report-credits"');
});
