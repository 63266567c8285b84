/**
 * Fixed addresses in the admin: the .env router's site page holds its static pool (saved, refused with the
 * reason) and the addresses held; the subscriber form's "Fixed address" takes auto, the pages show it.
 */
import { AdminClient } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';
import { PROFILES } from './helpers';

let h: Harness;
let owner: AdminClient;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  owner = new AdminClient(h.app!.url);
  await owner.login();
});
afterAll(async () => {
  await h.close();
});

test("the default site's page sets its static pool, and refuses a bad one saying why", async () => {
  const page = await owner.html('/admin/sites/1');
  expect(page).toContain('Fixed addresses');
  expect(page).toContain('name="static_pool"');
  // Its connection is .env's: no settings form, no removal.
  expect(page).not.toContain('action="/admin/sites/1/remove"');
  const token = await owner.token('/admin/sites/1');
  const bad = await owner.post('/admin/sites/1/static-pool', { static_pool: '10.20.0.9-10.20.0.1' }, token);
  expect(bad.status).toBe(400);
  expect(await bad.text()).toContain('ends before it starts');
  const ok = await owner.post('/admin/sites/1/static-pool', { static_pool: '10.20.0.8/29' }, token);
  expect(ok.status).toBe(303);
  const after = await owner.html('/admin/sites/1');
  expect(after).toContain('value="10.20.0.8/29"');
  expect(after).toMatch(/<strong>0<\/strong> used, <strong>6<\/strong> free/);
});

test('the subscriber form takes auto; the pages show the address it got', async () => {
  const form = await owner.html('/admin/subscribers/new');
  expect(form).toContain('Fixed address');
  const token = await owner.token('/admin/subscribers/new');
  const res = await owner.post(
    '/admin/subscribers',
    {
      name: 'Cam Shop',
      mobile: '09171234567',
      profile: 'HOME10',
      billing_day: '5',
      username: 'cam.shop',
      language: 'en',
      static_ip: 'auto',
    },
    token,
  );
  expect(res.status).toBe(303);
  const detail = await owner.html(res.headers.get('location')!.replace(h.app!.url, ''));
  expect(detail).toMatch(/data-testid="subscriber-static-ip"><span class="mono">10.20.0.9</);
  expect(await owner.html('/admin/subscribers')).toContain('10.20.0.9');
  const site = await owner.html('/admin/sites/1');
  expect(site).toMatch(
    /10\.20\.0\.9<\/td><td data-label="Subscriber"><a href="\/admin\/subscribers\/\d+">Cam Shop/,
  );
  expect(site).toMatch(/<strong>1<\/strong> used, <strong>5<\/strong> free/);
});
