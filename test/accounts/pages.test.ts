/**
 * The admin's pages follow the role: the owner makes accounts and records money on the Accounts page; a cashier's
 * and a reseller's menus list only what they may use, their home shows their own figures, the sales slip prints
 * the login's own sales, and the owner's reports show each reseller.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';

const menuOf = (html: string) =>
  [...(/<nav class="mainnav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/<a href="([^"?]+)/g)].map(
    (m) => m[1],
  );

describe('pages by role', () => {
  let h: Harness;
  let owner: AdminClient;
  beforeAll(async () => {
    h = await createHarness({ http: true });
    owner = new AdminClient(h.app!.url);
    expect((await owner.login()).status).toBe(303);
  });
  afterAll(() => h.close());

  test('the owner makes a cashier and a reseller on the Accounts page; bad fields are shown', async () => {
    const token = await owner.token('/admin/accounts');
    const bad = await owner.post(
      '/admin/accounts',
      { username: 'a', password: 'x', role: 'reseller' },
      token,
    );
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('use 3–32 letters');
    expect(badHtml).toContain('name the profiles this reseller may sell');
    const cashier = await owner.post(
      '/admin/accounts',
      { username: 'maria', password: 'counter-pass-123', role: 'cashier' },
      token,
    );
    expect(cashier.status).toBe(303);
    const body = new URLSearchParams({
      _csrf: token,
      username: 'sari.store',
      password: 'reseller-pass-123',
      role: 'reseller',
      commission_percent: '10',
      credit_limit: '9',
    });
    body.append('profiles', 'BASIC');
    const reseller = await owner.request('/admin/accounts', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(reseller.status).toBe(303);
    const page = await owner.html('/admin/accounts');
    expect(page).toContain('data-testid="account-maria"');
    expect(page).toContain('data-testid="account-sari.store"');
    expect(menuOf(page)).toContain('/admin/accounts');
  });

  test('a cashier’s menu and home; a reseller’s menu, home, batch refusal and slip', async () => {
    const cashier = new AdminClient(h.app!.url);
    expect((await cashier.login('maria', 'counter-pass-123')).status).toBe(303);
    const home = await cashier.html('/admin');
    // A cashier also looks up subscribers (a payment at the counter needs the account); a reseller does not.
    expect(menuOf(home)).toEqual(['/admin', '/admin/vouchers', '/admin/shift', '/admin/subscribers']);
    expect(home).toContain('Your sales today');
    expect(home).not.toContain('You owe the shop');
    expect(home).toContain('data-testid="quick-print-PREMIUM"');
    const vouchers = await cashier.html('/admin/vouchers');
    expect(vouchers).not.toContain('name="price"');
    expect(vouchers).not.toContain('name="staff"');

    const reseller = new AdminClient(h.app!.url);
    expect((await reseller.login('sari.store', 'reseller-pass-123')).status).toBe(303);
    const rHome = await reseller.html('/admin');
    expect(menuOf(rHome)).toEqual(['/admin', '/admin/vouchers', '/admin/shift']);
    expect(rHome).toContain('You owe the shop');
    expect(rHome).toContain('data-testid="quick-print-BASIC"');
    expect(rHome).not.toContain('data-testid="quick-print-PREMIUM"');
    // ₱5 at 10%: ₱4.50 each; a limit of ₱9 takes two.
    const token = await reseller.token('/admin');
    const two = await reseller.post('/admin/quick-print', { profile: 'BASIC', count: '2' }, token);
    expect(two.status).toBe(303);
    expect(two.headers.get('location')).toMatch(/\/admin\/vouchers\/batches\/\d+\/print/);
    const third = await reseller.post('/admin/quick-print', { profile: 'BASIC', count: '1' }, token);
    expect(third.headers.get('location')).toMatch(/^\/admin#quick-print/);
    const after = await reseller.html('/admin');
    expect(after).toContain('above the credit limit of ₱9.00');
    const other = await reseller.post('/admin/vouchers/generate', { profile: 'PREMIUM', count: '1' }, token);
    expect(other.status).toBe(403);

    const slip = await reseller.html('/admin/shift');
    expect(slip).toContain('data-testid="shift-slip"');
    expect(slip).toContain('sari.store (reseller)');

    // The owner records money and sees the reseller on Reports.
    const ownerToken = await owner.token('/admin/accounts');
    const remit = await owner.post('/admin/accounts/sari.store/remittances', { amount: '4.50' }, ownerToken);
    expect(remit.status).toBe(303);
    const accounts = await owner.html('/admin/accounts');
    expect(accounts).toContain('data-testid="owed-sari.store">₱4.50');
    const reports = await owner.html('/admin/reports');
    expect(reports).toContain('data-testid="resellers-table"');
    expect(reports).toMatch(/sari\.store[\s\S]*₱10\.00[\s\S]*₱1\.00[\s\S]*₱4\.50[\s\S]*₱4\.50/);
    // Its codes count at the plans' prices in the sales: the page says the commission is not taken off there.
    expect(reports).toContain("A reseller's code counts at its plan's price");

    // The owner removes the cashier: its page is the login form at once.
    const remove = await owner.post('/admin/accounts/maria/remove', {}, ownerToken);
    expect(remove.status).toBe(303);
    expect((await cashier.get('/admin')).status).toBe(303);
  });
});
