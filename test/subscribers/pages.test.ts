/**
 * The Subscribers pages' gate and forms over plain HTTP: a cashier lists and looks (never the password, no
 * changes), a reseller gets no page, a form sent without its CSRF token is refused and writes nothing.
 */
import { SYSTEM } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { makeAccount } from '../accounts/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
let id: number;
let password: string;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  const s = await addSubscriber(h);
  id = s.id;
  password = s.password;
  await makeAccount(h, { username: 'cashier1', role: 'cashier' });
  await makeAccount(h, { username: 'reseller1', role: 'reseller', profiles: ['BASIC'] });
});
afterAll(async () => {
  await h.close();
});

async function as(username: string): Promise<AdminClient> {
  const c = new AdminClient(h.app!.url);
  const res = await c.login(username, 'counter-pass-123');
  expect(res.status).toBe(303);
  return c;
}

test('the owner sees the menu entry and the password; a cashier lists and looks without it', async () => {
  const owner = new AdminClient(h.app!.url);
  await owner.login();
  expect(await owner.html('/admin')).toContain('href="/admin/subscribers"');
  expect(await owner.html(`/admin/subscribers/${id}`)).toContain(password);

  const cashier = await as('cashier1');
  expect(await cashier.html('/admin')).toContain('href="/admin/subscribers"');
  expect(await cashier.html('/admin/subscribers')).toContain('S-000001');
  const detail = await cashier.html(`/admin/subscribers/${id}`);
  expect(detail).toContain('Juan dela Cruz');
  expect(detail).not.toContain(password);
  expect(detail).not.toContain('subscriber-suspend');
  expect((await cashier.get('/admin/subscribers/new')).status).toBe(403);
  expect((await cashier.get(`/admin/subscribers/${id}/edit`)).status).toBe(403);
  const token = await cashier.token('/admin/subscribers');
  expect((await cashier.post(`/admin/subscribers/${id}/suspend`, { reason: 'x' }, token)).status).toBe(403);
  expect((await cashier.post(`/admin/subscribers/${id}/end`, {}, token)).status).toBe(403);
  expect((await h.core!.services.subscribers.get(id)).status).toBe('active');
});

test('a reseller gets no Subscribers page and no menu entry', async () => {
  const reseller = await as('reseller1');
  expect(await reseller.html('/admin')).not.toContain('href="/admin/subscribers"');
  expect((await reseller.get('/admin/subscribers')).status).toBe(403);
  expect((await reseller.get(`/admin/subscribers/${id}`)).status).toBe(403);
});

test('a form sent without its CSRF token is refused and changes nothing', async () => {
  const owner = new AdminClient(h.app!.url);
  await owner.login();
  expect((await owner.post(`/admin/subscribers/${id}/suspend`, { reason: 'unpaid' })).status).toBe(403);
  expect((await owner.post(`/admin/subscribers/${id}/end`, {})).status).toBe(403);
  const add = await owner.post('/admin/subscribers', {
    name: 'Maria',
    mobile: '09181234567',
    profile: 'HOME10',
    billing_day: '1',
    username: 'maria',
  });
  expect(add.status).toBe(403);
  const all = await h.core!.services.subscribers.list();
  expect(all.map((s) => [s.username, s.status])).toEqual([['juan.dc', 'active']]);
});

test('the edit form saves through the service and keeps the password when left empty', async () => {
  const owner = new AdminClient(h.app!.url);
  await owner.login();
  const token = await owner.token(`/admin/subscribers/${id}/edit`);
  const bad = await owner.post(
    `/admin/subscribers/${id}`,
    { name: 'Juan', mobile: 'nope', billing_day: '5', profile: 'HOME10', language: 'en' },
    token,
  );
  expect(bad.status).toBe(400);
  const html = await bad.text();
  expect(html).toMatch(/id="f-mobile-err"[^>]*>[^<]*Philippine mobile number/);
  expect(html).toContain('value="Juan"');
  await h.core!.services.subscribers.update(id, { address: 'Purok 3' }, SYSTEM);
  const ok = await owner.post(
    `/admin/subscribers/${id}`,
    {
      name: 'Juan D. Cruz',
      mobile: '09171234567',
      billing_day: '5',
      profile: 'HOME25',
      language: 'fil',
      password: '',
      address: '',
    },
    token,
  );
  expect(ok.status).toBe(303);
  const s = await h.core!.services.subscribers.get(id);
  expect([s.name, s.profile, s.language, s.password]).toEqual(['Juan D. Cruz', 'HOME25', 'fil', password]);
  // The address emptied in the form is cleared.
  expect(s.address).toBeNull();
});

test("a subscriber's page names who suspended it, not who suspended another", async () => {
  const owner = new AdminClient(h.app!.url);
  await owner.login();
  const other = await addSubscriber(h, { username: 'maria.s', mobile: '09181234567' });
  const token = await owner.token(`/admin/subscribers/${id}`);
  expect((await owner.post(`/admin/subscribers/${id}/suspend`, { reason: 'unpaid' }, token)).status).toBe(
    303,
  );
  await h.core!.services.subscribers.suspend(other.id, 'moved away', { name: 'cashier-x', via: 'cli' });
  const html = await owner.html(`/admin/subscribers/${id}`);
  expect(html).toMatch(/Suspended: unpaid <span class="small muted">\(by admin/);
  expect(html).not.toContain('cashier-x');
  expect(await owner.html(`/admin/subscribers/${other.id}`)).toMatch(
    /Suspended: moved away[\s\S]*by cashier-x/,
  );
});

test("the owner's words are shown as text, never as markup, on both faces", async () => {
  const made = await addSubscriber(h, {
    username: 'pedro.x',
    mobile: '09191234567',
    password: 'pedro-pass-1',
  });
  await h.core!.services.subscribers.suspend(made.id, '<b>unpaid</b>', SYSTEM);
  const owner = new AdminClient(h.app!.url);
  await owner.login();
  expect(await owner.html(`/admin/subscribers/${made.id}`)).toContain('Suspended: &lt;b&gt;unpaid&lt;/b&gt;');
  const phone = new AdminClient(h.app!.url);
  const token = await phone.token('/portal/account');
  const signed = await phone.post(
    '/portal/account',
    { username: 'pedro.x', password: 'pedro-pass-1' },
    token,
  );
  expect(signed.status).toBe(303);
  const page = await phone.html('/portal/account?lang=en');
  expect(page).toContain('Your service is suspended. Reason: &lt;b&gt;unpaid&lt;/b&gt;');
  expect(page).not.toContain('<b>unpaid</b>');
});

test('an opening balance that looks like a typo is asked about on the form; ticked, the subscriber is added', async () => {
  const owner = new AdminClient(h.app!.url);
  await owner.login();
  const token = await owner.token('/admin/subscribers/new');
  const form = {
    name: 'Melchora',
    mobile: '09181234568',
    profile: 'HOME10',
    billing_day: '5',
    username: 'tandang.sora',
    opening_balance: '50000',
  };
  const asked = await owner.post('/admin/subscribers', form, token);
  expect(asked.status).toBe(409);
  const html = await asked.text();
  expect(html).toContain('₱50,000.00 brought forward is 50 months of HOME10');
  expect(html).toMatch(/name="confirm" value="true"/);
  expect(html).toContain('value="50000"');
  expect((await h.core!.services.subscribers.list()).map((s) => s.username)).not.toContain('tandang.sora');
  const yes = await owner.post('/admin/subscribers', { ...form, confirm: 'true' }, token);
  expect(yes.status).toBe(303);
  expect((await h.core!.services.subscribers.list()).map((s) => s.username)).toContain('tandang.sora');
});
