/**
 * Changing and removing accounts without losing money: the Accounts page's Edit form (a new password ends the
 * account's logins; a reseller's plans, commission and limit), and a reseller that owes asked about before it is
 * removed, its debt kept in Reports → Resellers (marked removed) when the owner goes ahead.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { api, makeAccount, ownerPages } from './helpers';

const removedRow = (html: string, name: string) =>
  new RegExp(`data-testid="removed-reseller-${name}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';

describe('editing and removing accounts', () => {
  let h: Harness;
  let owner: AdminClient;
  beforeAll(async () => {
    h = await createHarness({ http: true });
    owner = await ownerPages(h);
  });
  afterAll(() => h.close());

  test('a reseller that owes is asked about first; removed, its debt stays in Reports', async () => {
    const terms = { profiles: ['BASIC', 'STANDARD'], commission_percent: 12.5, credit_limit: 30 };
    const ben = await makeAccount(h, { username: 'store.ben', role: 'reseller', ...terms });
    expect((await api(h, 'POST', '/admin/api/vouchers', { profile: 'STANDARD', count: 3 }, ben)).status).toBe(
      201,
    );
    expect((await api(h, 'POST', '/admin/api/accounts/store.ben/remittances', { amount: 20 })).status).toBe(
      201,
    );

    const asked = await api(h, 'DELETE', '/admin/api/accounts/store.ben');
    expect(asked.status).toBe(409);
    expect(asked.json).toMatchObject({ code: 'CONFIRM_REQUIRED' });
    expect(asked.json.error).toContain('store.ben still owes ₱6.25: record what it hands over first.');
    expect((await api(h, 'GET', '/admin/api/accounts/store.ben/balance', undefined, ben)).status).toBe(200);

    // The page asks the same, with a button that confirms it.
    const token = await owner.token('/admin/accounts');
    const page = await owner.post('/admin/accounts/store.ben/remove', {}, token);
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html).toContain('data-testid="remove-confirm-store.ben"');
    expect(html).toContain('store.ben still owes ₱6.25');
    expect(html).toMatch(/name="confirm" value="true">[\s\S]*?Yes, remove store.ben/);
    const removed = await owner.post('/admin/accounts/store.ben/remove', { confirm: 'true' }, token);
    expect(removed.status).toBe(303);
    expect((await api(h, 'GET', '/admin/api/accounts/store.ben/balance', undefined, ben)).status).toBe(401);

    const reports = await owner.html('/admin/reports');
    expect(removedRow(reports, 'store.ben')).toMatch(
      /removed[\s\S]*₱30\.00[\s\S]*₱3\.75[\s\S]*₱20\.00[\s\S]*₱6\.25/,
    );
    // Made again under the same name: a new account at ₱0, the removed one's debt still beside it.
    await makeAccount(h, { username: 'store.ben', role: 'reseller', profiles: ['BASIC'] });
    expect((await api(h, 'GET', '/admin/api/accounts/store.ben/balance')).json).toMatchObject({ owed: 0 });
    const again = await owner.html('/admin/reports');
    expect(removedRow(again, 'store.ben')).toContain('₱6.25');
  });

  test('one that owes nothing goes at once; the API confirms with ?confirm=true or {"confirm": true}', async () => {
    await makeAccount(h, { username: 'store.cai', role: 'reseller', profiles: ['BASIC'] });
    expect((await api(h, 'DELETE', '/admin/api/accounts/store.cai')).status).toBe(200);
    for (const [name, how] of [
      ['store.dan', '?confirm=true'],
      ['store.eli', ''],
    ] as const) {
      const t = await makeAccount(h, { username: name, role: 'reseller', profiles: ['BASIC'] });
      expect((await api(h, 'POST', '/admin/api/vouchers', { profile: 'BASIC', count: 1 }, t)).status).toBe(
        201,
      );
      const body = how ? undefined : { confirm: true };
      expect((await api(h, 'DELETE', `/admin/api/accounts/${name}${how}`, body)).status).toBe(200);
    }
    const reports = await owner.html('/admin/reports');
    expect(removedRow(reports, 'store.dan')).toContain('₱5.00');
    expect(reports).not.toContain('removed-reseller-store.cai');
  });

  test('Edit: a cashier’s new password logs it out; a reseller’s terms change; bad fields shown in the form', async () => {
    await makeAccount(h, { username: 'maria', role: 'cashier' });
    const maria = new AdminClient(h.app!.url);
    expect((await maria.login('maria', 'counter-pass-123')).status).toBe(303);
    const token = await owner.token('/admin/accounts');
    const accounts = await owner.html('/admin/accounts');
    expect(accounts).toContain('data-testid="account-edit-maria"');
    const saved = await owner.post('/admin/accounts/maria/edit', { password: 'new-counter-pass-9' }, token);
    expect(saved.status).toBe(303);
    expect((await maria.get('/admin')).status).toBe(303);
    expect((await maria.login('maria', 'new-counter-pass-9')).status).toBe(303);

    await makeAccount(h, { username: 'store.fe', role: 'reseller', profiles: ['BASIC'] });
    const body = new URLSearchParams({
      _csrf: token,
      password: '',
      commission_percent: '15',
      credit_limit: '',
    });
    for (const p of ['BASIC', 'STANDARD']) body.append('profiles', p);
    const terms = await owner.request('/admin/accounts/store.fe/edit', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(terms.status).toBe(303);
    const fe = (await api(h, 'GET', '/admin/api/accounts')).json.accounts as Array<Record<string, unknown>>;
    expect(fe.find((a) => a.username === 'store.fe')).toMatchObject({
      profiles: ['BASIC', 'STANDARD'],
      commission_percent: 15,
      credit_limit: null,
    });
    const bad = await owner.post(
      '/admin/accounts/store.fe/edit',
      { commission_percent: '150', password: 'short' },
      token,
    );
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toMatch(/<details class="account-edit" open>[\s\S]*use a percent from 0 to 100/);
    expect(html).toContain('name the profiles this reseller may sell');
  });
});
