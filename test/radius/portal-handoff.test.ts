/**
 * The portal at a RADIUS site this controller has no API access to: a code is checked as on any site (a wrong one
 * refused and counted, another site's refused), then the phone is handed to the router's own login page
 * (`link-login-only`) with the code as user and password, as an external captive portal does; nothing is used
 * until FreeRADIUS accepts the login. Runs on PostgreSQL (a RADIUS site needs it); no FreeRADIUS is involved here.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { describePostgresOnly } from '../helpers/engine-describe';
import { api } from '../sites/helpers';
import { openForm } from '../portal/helpers';

const LOGIN = 'http://10.5.50.1/login';

describePostgresOnly('the portal hands a RADIUS site’s phone to the router’s login page', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true, sites: { sitePolls: false } });
    const site = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '10.40.0.1',
      radius_secret: 'Handoff-secret-1',
    });
    expect(site.status).toBe(201);
    // The site is running on this server (its accounting poll, its portal redemptions).
    for (let i = 0; i < 50 && !h.core!.siteStacks.get(site.json.site.id); i++)
      await new Promise((r) => setTimeout(r, 20));
  });
  afterAll(async () => {
    await h.close();
  });

  const redeemApi = (body: Record<string, unknown>) =>
    fetch(`${h.app!.url}/api/portal/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const device = { mac: '02:00:00:00:8A:01', ip: '10.5.50.91' };

  it('the JSON API answers the login to hand over; the code stays unused until the router accepts it', async () => {
    const made = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1, site: 'branch-r' });
    const code = made.json.vouchers[0].code as string;
    const res = await redeemApi({ code, ...device, site: 'branch-r' });
    const json = await res.json();
    expect(res.status).toBe(200);
    expect(json).toMatchObject({ success: true, code, login: { username: code, password: code } });
    expect((await api(h, 'GET', `/vouchers/${code}`)).json.voucher.status).toBe('unused');
    const wrong = await redeemApi({
      code: code.slice(0, -1) + (code.endsWith('1') ? '2' : '1'),
      ...device,
      site: 'branch-r',
    });
    expect(wrong.status).toBe(404);
    // A code of another site is refused here as anywhere.
    const other = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1 });
    const elsewhere = await redeemApi({ code: other.json.vouchers[0].code, ...device, site: 'branch-r' });
    expect(elsewhere.status).toBe(409);
  });

  it('the page posts the code to the router’s own login page, with where the customer was going', async () => {
    const made = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 1, site: 'branch-r' });
    const code = made.json.vouchers[0].code as string;
    const q = new URLSearchParams({
      ...device,
      site: 'branch-r',
      'link-login-only': LOGIN,
      'link-orig': 'http://example.com/',
    });
    const form = await openForm(`${h.app!.url}/portal?${q}`);
    const res = await fetch(`${h.app!.url}/portal/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
      body: new URLSearchParams({
        _csrf: form.token,
        code,
        ...device,
        site: 'branch-r',
        'link-login-only': LOGIN,
        'link-orig': 'http://example.com/',
      }).toString(),
      redirect: 'manual',
    });
    const page = await res.text();
    expect(res.status).toBe(200);
    expect(page).toContain(`action="${LOGIN}"`);
    expect(page).toContain(`name="username" value="${code}"`);
    expect(page).toContain(`name="password" value="${code}"`);
    expect(page).toContain('name="dst" value="http://example.com/"');
    expect(page).toContain('/public/js/portal-handoff.js');
  });
});
