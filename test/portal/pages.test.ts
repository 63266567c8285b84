import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers, openForm } from './helpers';
import { pickLanguage, registerMessages, translator } from '../../src/i18n';
import en from '../../src/i18n/en.json';
import fil from '../../src/i18n/fil.json';
import { SYSTEM } from '../../src/services/types';

const PNG_LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

describe('portal pages without JavaScript', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('a device cookie that is not valid percent-encoding is no proof, not an error', async () => {
    const d = addDevice(h, 1);
    const url = `${h.app!.url}/portal/status?${new URLSearchParams({ mac: d.mac, ip: d.ip })}`;
    const plain = await fetch(url, { redirect: 'manual' });
    const odd = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: 'pisonet_device=%; pisonet_browser=%E0%A4%A; pisonet_vendo=%zz' },
    });
    expect(plain.status).toBeLessThan(500);
    expect(odd.status).toBe(plain.status);
  });

  it('shows the form with the hotspot variables, posts it and lands on the status page', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    const q = new URLSearchParams({
      mac: d.mac,
      ip: d.ip,
      'link-orig': 'http://example.com/news',
      'link-login-only': 'http://10.5.50.1/login',
    });
    const { page, cookie, token } = await openForm(`${h.app!.url}/portal?${q}`);
    expect(cookie).toMatch(/(^|; )pisonet_portal=/);
    expect(page).toContain('name="mac" value="' + d.mac + '"');
    expect(page).toContain('value="http://example.com/news"');
    expect(page).toContain('Enter the code printed on your voucher.');

    const form = new URLSearchParams({
      code: code.toLowerCase(),
      mac: d.mac,
      ip: d.ip,
      'link-orig': 'http://example.com/news',
      lang: 'en',
      _csrf: token,
    });
    const res = await fetch(`${h.app!.url}/portal/redeem`, {
      method: 'POST',
      body: form,
      headers: { cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/portal\/status\?/);
    // The redemption left this browser a signed device cookie: its status page shows the voucher.
    const device = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('pisonet_device='))!
      .split(';')[0];
    const status = await (await fetch(`${h.app!.url}${location}`, { headers: { cookie: device } })).text();
    expect(status).toContain('You are connected');
    // A clock-time voucher's time left as a running clock, which portal-status.js counts down.
    expect(status).toContain('data-countdown="3600">1:00:00<');
    expect(status).not.toContain('http-equiv="refresh"');
    expect(status).toContain('1 Mbps down / 512 kbps up');
    expect(status).toContain('href="http://example.com/news"');
  });

  it('re-renders the form with the error in Filipino, and ignores non-http links', async () => {
    const d = addDevice(h, 1);
    const { cookie, token } = await openForm(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}&lang=fil`);
    const form = new URLSearchParams({
      code: 'BADCODE99',
      mac: d.mac,
      ip: d.ip,
      'link-orig': 'javascript:alert(1)',
      lang: 'fil',
      _csrf: token,
    });
    const res = await fetch(`${h.app!.url}/portal/redeem`, {
      method: 'POST',
      body: form,
      headers: { cookie },
    });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('Hindi tama ang code na iyan.');
    expect(html).not.toContain('javascript:alert');
    expect(html).toContain('lang="fil"');
  });

  it('refuses a form post that did not come from the portal page, and consumes nothing', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    const { cookie, token } = await openForm(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}`);
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      fetch(`${h.app!.url}/portal/redeem`, {
        method: 'POST',
        body: new URLSearchParams(body),
        headers,
        redirect: 'manual',
      });
    const base = { code, mac: d.mac, ip: d.ip, lang: 'en' };
    for (const res of [
      await post(base), // a cross-site form: no cookie, no token
      await post({ ...base, _csrf: token }), // token without its cookie
      await post({ ...base, _csrf: 'x'.repeat(32) }, { cookie }), // cookie with a wrong token
    ]) {
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('This page expired');
    }
    expect((await h.core!.services.vouchers.get(code)).status).toBe('unused');
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
    expect((await post({ ...base, _csrf: token }, { cookie })).status).toBe(303);
  });

  it('shows the shop logo in the header of the login and status pages only when it is a safe image', async () => {
    const d = addDevice(h, 1);
    const pages = async () =>
      Promise.all(
        [`/portal?mac=${d.mac}&ip=${d.ip}`, `/portal/status?mac=${d.mac}`].map(async (path) => {
          const res = await fetch(`${h.app!.url}${path}`);
          expect(res.status).toBe(200);
          return res.text();
        }),
      );
    for (const html of await pages()) expect(html).not.toContain('<img');

    await h.core!.services.settings.set('shop.name', 'Aling Nena WiFi', SYSTEM);
    await h.core!.services.settings.set('shop.logo', PNG_LOGO, SYSTEM);
    for (const html of await pages()) {
      expect(html).toContain(`<img class="logo" src="${PNG_LOGO}" alt="" height="32">Aling Nena WiFi`);
      expect(html.split('<img').length - 1).toBe(1);
    }

    for (const bad of [
      'javascript:alert(1)',
      'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
      'data:image/png;base64,AAAA"><script>alert(1)</script>',
    ]) {
      await h.core!.services.settings.set('shop.logo', bad, SYSTEM);
      for (const html of await pages()) {
        expect(html).not.toContain('<img');
        expect(html).not.toMatch(/javascript:|text\/html|<script>alert/);
      }
    }
  });

  it('picks the language from ?lang= or Accept-Language and links to the other one', async () => {
    const fil1 = await (
      await fetch(`${h.app!.url}/portal`, { headers: { 'accept-language': 'tl-PH,tl;q=0.9,en;q=0.5' } })
    ).text();
    expect(fil1).toContain('Ilagay ang code');
    expect(fil1).toMatch(/href="\/portal\?[^"]*lang=en"/);
    const en1 = await (
      await fetch(`${h.app!.url}/portal?lang=en`, { headers: { 'accept-language': 'fil' } })
    ).text();
    expect(en1).toContain('Enter the code');
  });
});

describe('i18n', () => {
  it('has every English key in Filipino', () => {
    expect(Object.keys(fil).sort()).toEqual(Object.keys(en).sort());
  });
  it('fills slots, falls back to English and can be extended', () => {
    const fil = translator('fil');
    expect(fil.t('error.RATE_LIMITED', { wait: fil.t('time.seconds', { n: 30 }) })).toContain('30 segundo');
    expect(translator('en').t('error.RATE_LIMITED', { wait: translator('en').t('time.second') })).toContain(
      'wait 1 second and',
    );
    registerMessages('en', { 'admin.test': 'Hello {who}' });
    expect(translator('fil').t('admin.test', { who: 'Nena' })).toBe('Hello Nena');
    expect(pickLanguage(undefined, 'de-DE,fil;q=0.8')).toBe('fil');
    expect(pickLanguage('xx', undefined)).toBe('en');
  });
});
