/**
 * Monthly billing's settings in the admin's Settings: the days to pay, the grace and reminder days and the invoice
 * prefix, saved by the owner, in effect for the very next invoice (no restart), refused field by field when out
 * of bounds (nothing saved), audited, and back to .env's value when emptied. A cashier cannot change them.
 */
import { AdminClient } from '../admin/client';
import { makeAccount } from '../accounts/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from './helpers';
import { adminApi } from '../vendos/helpers';
import { runCli } from '../cli/helpers';

let h: Harness;
let c: AdminClient;

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await makeAccount(h, { username: 'cashier1', role: 'cashier' });
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
});
afterAll(async () => {
  await h.close();
});

const save = async (form: Record<string, string>) =>
  c.post('/admin/settings/billing', form, await c.token('/admin/settings'));
const errorUnder = (html: string, id: string) => new RegExp(`id="f-${id}-err"[^>]*>([^<]+)<`).exec(html)?.[1];

test('every out-of-bounds field is named at once and nothing is saved', async () => {
  const res = await save({ due_days: '91', grace_days: '-1', remind_days: 'soon', invoice_prefix: '-INV' });
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(html).toContain('The billing settings were not saved.');
  expect(errorUnder(html, 'due_days')).toMatch(/whole number from 0 to 90/);
  expect(errorUnder(html, 'grace_days')).toMatch(/whole number from 0 to 60/);
  expect(errorUnder(html, 'remind_days')).toMatch(/whole number from 0 to 30/);
  expect(errorUnder(html, 'invoice_prefix')).toMatch(/starting with a letter or digit/);
  // Eleven characters, and a character no invoice number holds.
  const long = await (await save({ invoice_prefix: 'ABCDEFGHIJK' })).text();
  expect(errorUnder(long, 'invoice_prefix')).toMatch(/1 to 10 letters/);
  const odd = await (await save({ invoice_prefix: 'INV/' })).text();
  expect(errorUnder(odd, 'invoice_prefix')).toMatch(/letters, digits or dashes/);
  // The reminder must come before the due date.
  const late = await save({ due_days: '5', remind_days: '5' });
  expect(late.status).toBe(400);
  expect(errorUnder(await late.text(), 'remind_days')).toMatch(/fewer than the days to pay \(5\)/);
  expect((await h.core!.services.billingSettings.view()).overridden).toEqual([]);
  expect(await h.core!.db('audit_log').where('target', 'like', 'billing.%')).toHaveLength(0);
  expect(h.core!.config.billing).toMatchObject({
    dueDays: 7,
    graceDays: 0,
    remindDays: 3,
    invoicePrefix: 'INV-',
  });
});

test("the saved days to pay and prefix apply to the next invoice at once; emptied, .env's values return", async () => {
  const first = await addSubscriber(h);
  const [before] = (await h.core!.services.invoices.list({ subscriberId: first.id })) as Array<{
    number: string;
    dueOn: string;
  }>;
  expect(before).toMatchObject({ number: 'INV-000001', dueOn: '2026-11-28' });

  const res = await save({ due_days: '10', grace_days: '2', remind_days: '4', invoice_prefix: 'or2027-' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/admin/settings#billing');
  const page = await c.html('/admin/settings');
  expect(page).toContain('the next invoice uses them, no restart needed.');
  expect(page).toMatch(/id="f-invoice_prefix"[^>]*value="OR2027-"/);
  expect(page).toContain('OR2027-000123');

  const second = await addSubscriber(h, { username: 'maria', mobile: '09181234567', name: 'Maria' });
  const [inv] = await h.core!.services.invoices.list({ subscriberId: second.id });
  expect(inv).toMatchObject({ number: 'OR2027-000002', issuedOn: '2026-11-21', dueOn: '2026-12-01' });
  expect(h.core!.config.billing).toMatchObject({ dueDays: 10, graceDays: 2, remindDays: 4 });
  const audit = await h
    .core!.db('audit_log')
    .where({ action: 'settings.set' })
    .where('target', 'like', 'billing.%');
  expect(audit.map((a) => a.target).sort()).toEqual([
    'billing.due_days',
    'billing.grace_days',
    'billing.invoice_prefix',
    'billing.remind_days',
  ]);
  // The old number is found as it was printed.
  expect((await h.core!.services.invoices.get('INV-000001')).dueOn).toBe('2026-11-28');

  // Emptied: .env's values again, for the next invoice.
  expect((await save({ due_days: '', grace_days: '', remind_days: '', invoice_prefix: '' })).status).toBe(
    303,
  );
  const third = await addSubscriber(h, { username: 'pedro', mobile: '09191234567', name: 'Pedro' });
  const [again] = await h.core!.services.invoices.list({ subscriberId: third.id });
  expect(again).toMatchObject({ number: 'INV-000003', dueOn: '2026-11-28' });
});

test('a cashier cannot change them', async () => {
  const cashier = new AdminClient(h.app!.url);
  expect((await cashier.login('cashier1', 'counter-pass-123')).status).toBe(303);
  const token = await cashier.token('/admin/subscribers');
  expect((await cashier.post('/admin/settings/billing', { due_days: '30' }, token)).status).toBe(403);
  expect(h.core!.config.billing.dueDays).toBe(7);
});

test('a late reminder is listed with the other problems, on the form, in the API and in the terminal', async () => {
  // The form: each problem at its field, the late reminder among them.
  const res = await save({ grace_days: '99', remind_days: '9', invoice_prefix: '-INV' });
  expect(res.status).toBe(400);
  const html = await res.text();
  expect(errorUnder(html, 'grace_days')).toMatch(/whole number from 0 to 60/);
  expect(errorUnder(html, 'remind_days')).toMatch(/fewer than the days to pay \(7\)/);
  expect(errorUnder(html, 'invoice_prefix')).toMatch(/starting with a letter or digit/);

  // The API: 400 INVALID_INPUT with every bad field in `fields`, an unknown one too.
  const put = await adminApi(h, 'PUT', '/billing/settings', {
    due_days: 'x',
    grace_days: 99,
    remind_days: 3,
    invoice_prefix: '-INV',
    due_dayz: 5,
  });
  expect(put.status).toBe(400);
  expect(put.json.code).toBe('INVALID_INPUT');
  expect(Object.keys(put.json.fields).sort()).toEqual([
    'due_days',
    'due_dayz',
    'grace_days',
    'invoice_prefix',
  ]);
  const late = await adminApi(h, 'PUT', '/billing/settings', { grace_days: 99, remind_days: 9 });
  expect(Object.keys(late.json.fields).sort()).toEqual(['grace_days', 'remind_days']);

  // The terminal prints every problem, and exits non-zero.
  const cli = await runCli(h, [
    'settings',
    'billing',
    '--grace-days',
    '99',
    '--remind-days',
    '9',
    '--invoice-prefix=-INV',
  ]);
  expect(cli.code).not.toBe(0);
  const said = cli.stdout + cli.stderr;
  expect(said).toMatch(/grace_days/);
  expect(said).toMatch(/remind_days: must be fewer than the days to pay \(7\)/);
  expect(said).toMatch(/invoice_prefix/);

  // Nothing saved by any of them.
  expect((await h.core!.services.billingSettings.view()).overridden).toEqual([]);

  // Saved and read back through the API.
  const ok = await adminApi(h, 'PUT', '/billing/settings', { grace_days: 3 });
  expect(ok).toMatchObject({ status: 200, json: { changed: ['grace_days'] } });
  expect((await adminApi(h, 'GET', '/billing/settings')).json.settings.effective.grace_days).toBe(3);
  expect((await adminApi(h, 'PUT', '/billing/settings', { grace_days: '' })).json.changed).toEqual([
    'grace_days',
  ]);
});
