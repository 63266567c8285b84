/**
 * A login lasts as long as the password and the role it was opened with: a new password, a new role or a removal
 * ends every browser session and token of that account at its next request. The owner's own password change
 * ends the owner's other sessions and keeps the one that changed it.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { api, makeAccount } from './helpers';

describe('sessions end with the password and role they were opened with', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(() => h.close());

  /** A browser logged in as `username`, and whether it still reaches the vouchers (page and API). */
  async function browser(username: string, password = 'counter-pass-123') {
    const c = new AdminClient(h.app!.url);
    expect((await c.login(username, password)).status).toBe(303);
    return c;
  }
  const stillIn = async (c: AdminClient) => {
    const page = await c.get('/admin/vouchers');
    const json = await c.request('/admin/api/vouchers?limit=1', { headers: { accept: 'application/json' } });
    return { page: page.status, api: json.status };
  };

  test('a new password from the owner ends the account’s browser sessions and tokens at once', async () => {
    const tok = await makeAccount(h, { username: 'maria', role: 'cashier' });
    const one = await browser('maria');
    const two = await browser('maria');
    expect(await stillIn(one)).toEqual({ page: 200, api: 200 });
    expect((await api(h, 'PUT', '/admin/api/accounts/maria', { password: 'another-pass-456' })).status).toBe(
      200,
    );
    for (const c of [one, two]) {
      expect(await stillIn(c)).toEqual({ page: 303, api: 401 });
      // A batch made with the old session's form is refused too.
      const made = await c.postJson('/admin/api/vouchers', { profile: 'BASIC', count: 1 });
      expect(made.status).toBe(401);
    }
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(401);
    // The new password opens a new session.
    expect(await stillIn(await browser('maria', 'another-pass-456'))).toEqual({ page: 200, api: 200 });
  });

  test('a new role ends them too; new terms for a reseller do not', async () => {
    const tok = await makeAccount(h, { username: 'store.ana', role: 'reseller', profiles: ['BASIC'] });
    const c = await browser('store.ana');
    await api(h, 'PUT', '/admin/api/accounts/store.ana', { commission_percent: 5, credit_limit: 100 });
    expect(await stillIn(c)).toEqual({ page: 200, api: 200 });
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(200);
    expect((await api(h, 'PUT', '/admin/api/accounts/store.ana', { role: 'cashier' })).status).toBe(200);
    expect(await stillIn(c)).toEqual({ page: 303, api: 401 });
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(401);
  });

  test('removing the account ends its sessions and tokens', async () => {
    const tok = await makeAccount(h, { username: 'temp.one', role: 'cashier' });
    const c = await browser('temp.one');
    expect((await api(h, 'DELETE', '/admin/api/accounts/temp.one')).status).toBe(200);
    expect(await stillIn(c)).toEqual({ page: 303, api: 401 });
    expect((await api(h, 'GET', '/admin/api/vouchers?limit=1', undefined, tok)).status).toBe(401);
  });

  test('the owner’s own password change ends the owner’s other sessions and tokens, not this one', async () => {
    const here = await browser('admin', 'correct horse battery');
    const other = await browser('admin', 'correct horse battery');
    const t = await api(
      h,
      'POST',
      '/admin/api/tokens',
      { username: 'admin', password: 'correct horse battery' },
      {},
    );
    const tok = { authorization: `Bearer ${t.json.token as string}` };
    expect((await api(h, 'GET', '/admin/api/audit', undefined, tok)).status).toBe(200);
    const token = await here.token('/admin/settings');
    const res = await here.post(
      '/admin/settings/password',
      {
        current_password: 'correct horse battery',
        new_password: 'battery staple horse',
        confirm_password: 'battery staple horse',
      },
      token,
    );
    expect(res.status).toBe(303);
    const page = await here.html('/admin/settings');
    expect(page).toContain(
      'Password changed. Every other browser logged in as admin has been logged out; this one stays logged in.',
    );
    expect((await here.get('/admin/audit')).status).toBe(200);
    expect((await other.get('/admin/audit')).status).toBe(303);
    expect((await api(h, 'GET', '/admin/api/audit', undefined, tok)).status).toBe(401);
    // The ADMIN_API_TOKEN of .env is no login's password: it goes on.
    expect((await api(h, 'GET', '/admin/api/audit')).status).toBe(200);
  });
});
