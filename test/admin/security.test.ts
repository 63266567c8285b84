import { createHarness, Harness } from '../helpers/harness';
import { AdminClient, bearer } from './client';
import { safeNext } from '../../src/web/admin/login';

const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];

/** The raw payload must not appear; its escaped form must. */
function expectInert(html: string, payload: string) {
  expect(html).not.toContain(payload);
  expect(html).not.toMatch(/<script>alert|<img src=x/i);
  const escaped = payload
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;');
  expect(html).toContain(escaped);
}

describe('admin security', () => {
  let h: Harness;
  let admin: AdminClient;
  beforeAll(async () => {
    h = await createHarness({ http: true });
    admin = new AdminClient(h.app!.url);
    expect((await admin.login()).status).toBe(303);
  });
  afterAll(async () => {
    await h.close();
  });

  test('pages redirect to the login form; the admin API answers 401 JSON', async () => {
    const anon = new AdminClient(h.app!.url);
    const page = await anon.get('/admin/vouchers?status=unused');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/admin/login?next=%2Fadmin%2Fvouchers%3Fstatus%3Dunused');
    for (const path of ['/admin/api/user-traffic', '/admin/api/vouchers', '/admin/api/queues']) {
      const res = await anon.get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(await res.json()).toMatchObject({ success: false, code: 'UNAUTHENTICATED' });
    }
    const post = await anon.postJson('/admin/api/set-bandwidth', {
      mac: '02:50:00:00:00:01',
      upload: '1M',
      download: '1M',
    });
    expect(post.status).toBe(401);
  });

  test('CSRF: form posts without or with a wrong token are refused; the bearer API is exempt', async () => {
    const before = (await h.core!.services.vouchers.batches(100)).length;
    const none = await admin.post('/admin/vouchers/generate', { profile: 'BASIC', count: '1' });
    expect(none.status).toBe(403);
    const wrong = await admin.post(
      '/admin/vouchers/generate',
      { profile: 'BASIC', count: '1' },
      'not-the-token',
    );
    expect(wrong.status).toBe(403);
    for (const path of ['/admin/api/remove-bandwidth', '/admin/api/reset-bandwidth']) {
      const json = await admin.postJson(path, { mac: '02:50:00:00:00:01' });
      expect(json.status).toBe(403);
      expect(await json.json()).toMatchObject({ code: 'CSRF' });
    }
    const logout = await admin.post('/admin/logout', {});
    expect(logout.status).toBe(403);
    expect((await admin.get('/admin')).status).toBe(200); // still logged in
    expect((await h.core!.services.vouchers.batches(100)).length).toBe(before);
    // Same request with the right token works.
    const ok = await admin.post(
      '/admin/vouchers/generate',
      { profile: 'BASIC', count: '1' },
      await admin.token('/admin/vouchers'),
    );
    expect(ok.status).toBe(303);
    // Bearer token: no cookies, no CSRF token needed.
    const api = await fetch(`${h.app!.url}/admin/api/vouchers`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: 'BASIC', count: 1 }),
    });
    expect(api.status).toBeLessThan(300);
    expect((await h.core!.services.vouchers.batches(100)).length).toBe(before + 2);
  });

  test('XSS payloads in every free-text field are rendered inert', async () => {
    for (const payload of XSS) {
      const token = await admin.token('/admin/profiles/new');
      // Profile description: saved, then shown on the list and the edit form.
      const name = `X${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
      const saved = await admin.post(
        '/admin/profiles',
        {
          name,
          price: '5',
          validity: '1h',
          users: '1',
          rate_up: '1M',
          rate_down: '2M',
          time_mode: 'wallclock',
          cap_policy: '',
          description: payload,
        },
        token,
      );
      expect(saved.status).toBe(303);
      expectInert(await admin.html('/admin/profiles'), payload);
      expectInert(await admin.html(`/admin/profiles/${name}/edit`), payload);
      // Invalid profile: the typed values come back in the form.
      const bad = await admin.post(
        '/admin/profiles',
        {
          name: payload,
          price: payload,
          validity: '1h',
          users: '1',
          rate_up: payload,
          rate_down: '2M',
          description: payload,
        },
        token,
      );
      expect(bad.status).toBe(400);
      expectInert(await bad.text(), payload);
      // Batch note: on the batch page and the recent batches list.
      const gen = await admin.post(
        '/admin/vouchers/generate',
        { profile: 'BASIC', count: '1', note: payload },
        token,
      );
      expect(gen.status).toBe(303);
      expectInert(await admin.html(gen.headers.get('location')!), payload);
      expectInert(await admin.html('/admin/vouchers'), payload);
      const badGen = await admin.post(
        '/admin/vouchers/generate',
        { profile: 'BASIC', count: 'lots', prefix: payload, note: payload },
        token,
      );
      expect(badGen.status).toBe(400);
      expectInert(await badGen.text(), payload);
      // Voucher search.
      expectInert(await admin.html(`/admin/vouchers?q=${encodeURIComponent(payload)}`), payload);
      // Shop name: shown in every page's header.
      const shop = await admin.post(
        '/admin/settings/general',
        { shop_name: payload, poll_seconds: '30', code_length: '8', code_prefix: '' },
        token,
      );
      expect(shop.status).toBe(303);
      expectInert(await admin.html('/admin'), payload);
      expectInert(await admin.html('/admin/settings'), payload);
      // Audit log shows the values that were set.
      expectInert(await admin.html('/admin/audit'), payload);
      // Login username is echoed back after a failed login.
      const anon = new AdminClient(h.app!.url);
      const failed = await anon.post(
        '/admin/login',
        { username: payload, password: 'nope' },
        await anon.token(),
      );
      expect(failed.status).toBe(401);
      expectInert(await failed.text(), payload);
    }
  });

  test('pages carry a CSP without inline scripts', async () => {
    const res = await admin.get('/admin/bandwidth');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i); // every script has a src
    expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i); // no inline event handlers in any tag
    expect(html).not.toMatch(/(?:href|src|action)="javascript:/i);
  });

  test('session fixation: login issues a new session id; logout ends the session', async () => {
    const c = new AdminClient(h.app!.url);
    const token = await c.token('/admin/login');
    const before = c.sid;
    expect(before).toBeDefined();
    const res = await c.post('/admin/login', { username: 'admin', password: 'correct horse battery' }, token);
    expect(res.status).toBe(303);
    expect(c.sid).toBeDefined();
    expect(c.sid).not.toBe(before);
    // The old id (as an attacker who planted it would hold it) is not logged in.
    const attacker = new AdminClient(h.app!.url);
    attacker.cookies.set('pisonet.sid', before!);
    expect((await attacker.get('/admin')).status).toBe(303);
    expect((await c.get('/admin')).status).toBe(200);
    const sid = c.sid!;
    const out = await c.post('/admin/logout', {}, await c.token('/admin'));
    expect(out.status).toBe(303);
    const replay = new AdminClient(h.app!.url);
    replay.cookies.set('pisonet.sid', sid);
    expect((await replay.get('/admin')).status).toBe(303);
  });

  test('?next= only leads to local admin pages', async () => {
    expect(safeNext('/admin/vouchers?status=unused')).toBe('/admin/vouchers?status=unused');
    for (const bad of [
      'https://evil.example/',
      '//evil.example/admin',
      '/admin//evil',
      '/\\evil',
      '/portal',
      '/admin/login',
      'javascript:alert(1)',
      '/administrator',
    ]) {
      expect(safeNext(bad)).toBe('/admin');
    }
    const c = new AdminClient(h.app!.url);
    const token = await c.token('/admin/login?next=https://evil.example/');
    const res = await c.post(
      '/admin/login',
      { username: 'admin', password: 'correct horse battery', next: 'https://evil.example/' },
      token,
    );
    expect(res.headers.get('location')).toBe('/admin');
    const c2 = new AdminClient(h.app!.url);
    const res2 = await c2.post(
      '/admin/login',
      { username: 'admin', password: 'correct horse battery', next: '/admin/reports' },
      await c2.token(),
    );
    expect(res2.headers.get('location')).toBe('/admin/reports');
  });

  test('login delays: three wrong passwords free, then 429 with Retry-After, even for the right password', async () => {
    const c = new AdminClient(h.app!.url);
    const token = await c.token();
    for (let i = 0; i < 3; i++) {
      const res = await c.post('/admin/login', { username: 'admin', password: `guess-${i}` }, token);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('Wrong username or password');
    }
    const fourth = await c.post('/admin/login', { username: 'admin', password: 'guess-3' }, token);
    expect(fourth.status).toBe(429);
    expect(fourth.headers.get('retry-after')).toBe('1');
    const blocked = await c.post(
      '/admin/login',
      { username: 'admin', password: 'correct horse battery' },
      token,
    );
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('1');
    expect(await blocked.text()).toContain('Too many wrong passwords. Wait 1 second');
    expect(c.cookies.has('pisonet.sid')).toBe(true);
    expect((await c.get('/admin')).status).toBe(303); // not logged in
    // The wait passes (the app's clock is the harness's fake clock): the right password works again.
    h.clock.advance(1000);
    const again = await c.post(
      '/admin/login',
      { username: 'admin', password: 'correct horse battery' },
      token,
    );
    expect(again.status).toBe(303);
    expect((await c.get('/admin')).status).toBe(200);
  });
});

describe('ADMIN_ALLOW', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true, env: { ADMIN_ALLOW: '10.0.0.0/8' } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('requests from 127.0.0.1 get 403 for /admin, the portal still works', async () => {
    const c = new AdminClient(h.app!.url);
    for (const path of ['/admin', '/admin/login', '/admin/vouchers']) {
      const res = await c.get(path);
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('not available from this network');
    }
    const api = await fetch(`${h.app!.url}/admin/api/user-traffic`, { headers: bearer });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ code: 'FORBIDDEN_NETWORK' });
    const login = await c.post('/admin/login', { username: 'admin', password: 'correct horse battery' });
    expect(login.status).toBe(403);
    expect((await fetch(`${h.app!.url}/portal`)).status).toBe(200);
  });
});

describe('no admin password set (not demo mode)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true, env: { ADMIN_PASSWORD: '' } });
  });
  afterAll(async () => {
    await h.close();
  });

  test('the login page says how to set one, and nobody can log in', async () => {
    const c = new AdminClient(h.app!.url);
    const html = await c.html('/admin/login');
    expect(html).toContain('npm run cli -- admin set-password');
    const res = await c.post('/admin/login', { username: 'admin', password: '' }, await c.token());
    expect(res.status).toBe(401);
    await h.core!.services.admins.setPassword('admin', 'set from the cli!', { name: 'owner', via: 'cli' });
    expect(await c.html('/admin/login')).not.toContain('set-password');
    const ok = await c.post(
      '/admin/login',
      { username: 'admin', password: 'set from the cli!' },
      await c.token(),
    );
    expect(ok.status).toBe(303);
  });
});
