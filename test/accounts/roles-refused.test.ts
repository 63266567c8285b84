/**
 * Every owner-only address, for each role that is not the owner: 403 FORBIDDEN_ROLE in the API and a 403 page
 * for the pages and their forms, before anything else about the request is looked at (no body, a broken JSON
 * body, no CSRF token, an object that does not exist). The addresses are the one list in src/domain/roles.ts.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { ADMIN_ROUTES, ROUTES_OWNER_ONLY } from '../../src/domain/roles';
import { spellings } from './role-spellings';
import { api, makeAccount } from './helpers';

const fill = (path: string) =>
  path
    .replace(':name', 'NO-SUCH-PROFILE')
    .replace(':username', 'nobody-here')
    .replace(':code', 'NOSUCHCODE')
    .replace(':mac', '02:00:00:00:00:99')
    .replace(':id', '999');

describe('owner-only addresses refuse the other roles', () => {
  let h: Harness;
  const tokens: Record<string, { authorization: string }> = {};
  const pages: Record<string, AdminClient> = {};
  beforeAll(async () => {
    h = await createHarness({ http: true });
    tokens.cashier = await makeAccount(h, { username: 'cashier1', role: 'cashier' });
    tokens.reseller = await makeAccount(h, {
      username: 'store.ana',
      role: 'reseller',
      profiles: ['BASIC'],
      commission_percent: 10,
      credit_limit: 100,
    });
    for (const name of ['cashier1', 'store.ana']) {
      const c = new AdminClient(h.app!.url);
      expect((await c.login(name, 'counter-pass-123')).status).toBe(303);
      pages[name === 'cashier1' ? 'cashier' : 'reseller'] = c;
    }
  });
  afterAll(() => h.close());

  const api403 = ROUTES_OWNER_ONLY.filter(([, p]) => p.startsWith('/api/'));
  const page403 = ROUTES_OWNER_ONLY.filter(([, p]) => !p.startsWith('/api/'));

  test.each(['cashier', 'reseller'])(
    '%s: every owner-only API endpoint → 403 FORBIDDEN_ROLE',
    async (role) => {
      expect(api403.length).toBeGreaterThan(30);
      for (const [method, path] of api403) {
        // A broken JSON body on writes: the role is refused before the body is read.
        const body = method === 'GET' || method === 'DELETE' ? undefined : '{"broken":';
        const r = await api(h, method, `/admin${fill(path)}`, body, tokens[role]);
        expect({ method, path, status: r.status, code: r.json.code }).toEqual({
          method,
          path,
          status: 403,
          code: 'FORBIDDEN_ROLE',
        });
      }
    },
  );

  test.each(['cashier', 'reseller'])(
    '%s: every owner-only page and form → a 403 page, even without a CSRF token',
    async (role) => {
      for (const [method, path] of page403) {
        const res = await pages[role].request(`/admin${fill(path)}`, {
          method,
          ...(method === 'POST'
            ? { body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }
            : {}),
        });
        const html = await res.text();
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
        expect(html).toContain('Only the owner may use');
      }
    },
  );

  test('the same addresses with the session cookie answer FORBIDDEN_ROLE as JSON in the API', async () => {
    const res = await pages.cashier.request('/admin/api/profiles', {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN_ROLE' });
  });

  test.each(['cashier', 'reseller'])(
    '%s: every owner-only row of the table in other letter cases and with a trailing slash → 403',
    async (role) => {
      // From the table itself (the rows whose capability is `owner`, `/subscribers/new` among them), so a row
      // added later is walked too; Express routes each of these spellings to that row's handler.
      const ownerRows = ADMIN_ROUTES.filter(([, , cap]) => cap === 'owner');
      expect(ownerRows.length).toBeGreaterThan(ROUTES_OWNER_ONLY.length);
      const asks: Array<[string, string]> = [];
      for (const [method, path] of ownerRows)
        for (const spelt of spellings(fill(path)).slice(1)) asks.push([method === '*' ? 'POST' : method, spelt]);
      const let_in: string[] = [];
      // Eight at a time, as a browser's tabs would: a few hundred addresses in a few seconds on a busy machine.
      for (let i = 0; i < asks.length; i += 8)
        await Promise.all(
          asks.slice(i, i + 8).map(async ([m, spelt]) => {
            const res = await pages[role].request(`/admin${spelt}`, {
              method: m,
              ...(m === 'GET' || m === 'DELETE'
                ? {}
                : { body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
            });
            await res.arrayBuffer();
            if (res.status !== 403) let_in.push(`${m} ${spelt} → ${res.status}`);
          }),
        );
      expect(let_in.sort()).toEqual([]);
    },
  );

  test('a cashier asking for the owner’s add-subscriber form in capitals gets the 403 page, not the form', async () => {
    for (const path of ['/admin/subscribers/new', '/admin/subscribers/NEW', '/admin/Subscribers/New/']) {
      const res = await pages.cashier.request(path);
      const html = await res.text();
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(html).toContain('Only the owner may use');
      expect(html).not.toContain('action="/admin/subscribers"');
    }
  });

  test('an address no row names is the owner’s: an unknown one is 403, not 404, for a cashier', async () => {
    const r = await api(h, 'GET', '/admin/api/some-later-feature', undefined, tokens.cashier);
    expect(r.status).toBe(403);
    const owner = await api(h, 'GET', '/admin/api/some-later-feature');
    expect(owner.status).toBe(404);
  });

  test('the owner still reaches them (the ADMIN_API_TOKEN acts as the owner)', async () => {
    expect((await api(h, 'GET', '/admin/api/profiles')).status).toBe(200);
    expect((await api(h, 'GET', '/admin/api/accounts')).status).toBe(200);
    expect((await api(h, 'GET', '/admin/api/audit?limit=5')).status).toBe(200);
  });
});
