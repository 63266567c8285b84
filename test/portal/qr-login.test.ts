import type { Browser, Page } from 'playwright-core';
import { SYSTEM } from '../../src/services/types';
import { launchChromium } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { startHotspotLoginPage, type HotspotLoginPage } from '../helpers/hotspot-login-page';
import { decodeFirstQr } from '../helpers/qr';
import { AUTH, device, voucherRow } from './helpers';

describe('a printed voucher scanned by a phone on the hotspot', () => {
  let browser: Browser;
  let h: Harness | undefined;
  let login: HotspotLoginPage | undefined;
  const phone = device(7);

  beforeAll(async () => {
    // The hotspot answers its name for the phones on it: here the name leads to the login page this test serves.
    browser = await launchChromium(['--host-resolver-rules=MAP wifi.shop 127.0.0.1']);
  });
  afterAll(async () => {
    await browser.close();
  });
  afterEach(async () => {
    await h?.close();
    await login?.close();
    h = undefined;
    login = undefined;
  });

  async function printPage(batchId: number, query = 'format=a4'): Promise<Page> {
    const admin = await browser.newContext({ extraHTTPHeaders: AUTH, deviceScaleFactor: 2 });
    const page = await admin.newPage();
    const res = await page.goto(`${h!.app!.url}/admin/vouchers/batches/${batchId}/print?${query}`);
    expect(res!.status()).toBe(200);
    return page;
  }

  it('opens the hotspot login page with the code, which forwards MAC and IP to the portal: online in one tap', async () => {
    login = await startHotspotLoginPage({ portalBase: () => h!.app!.url, device: () => phone });
    // As a shop writes it: the hotspot's name (an address of this computer would open nothing on a phone).
    const loginUrl = login.url.replace('127.0.0.1', 'wifi.shop');
    h = await createHarness({ http: true, env: { HOTSPOT_LOGIN_URL: loginUrl } });
    h.sim.addDevice(phone);
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 3 }, SYSTEM);
    const code = out.vouchers[0].code;

    const sheet = await printPage(out.batchId);
    const link = await decodeFirstQr(sheet);
    expect(link).toBe(`${loginUrl}?code=${code}`);
    expect(await sheet.getByTestId('login-warning').count()).toBe(0);
    await sheet.context().close();

    // The phone: a fresh browser with no admin session, opening what its camera read.
    const phoneContext = await browser.newContext();
    const tab = await phoneContext.newPage();
    await tab.goto(link);
    await tab.waitForURL(/\/portal\/status\?/, { timeout: 15_000 });
    expect(login.requests).toContain(`/login?code=${code}`);

    // The router holds the phone's session as the voucher's user, and its queue.
    const session = h.sim.rows('/ip/hotspot/active').find((r) => r.user === code);
    expect(session).toMatchObject({ 'mac-address': phone.mac, address: phone.ip });
    expect(h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${phone.mac}`)).toMatchObject({
      target: `${phone.ip}/32`,
      comment: code,
    });
    expect(await voucherRow(h, code)).toMatchObject({ status: 'active', bound_mac: phone.mac });
    // The other codes of the card sheet are untouched.
    expect((await voucherRow(h, out.vouchers[1].code)).status).toBe('unused');
    await phoneContext.close();
  });

  it('without HOTSPOT_LOGIN_URL uses the hotspot dns-name, and says in one line before printing when there is none', async () => {
    h = await createHarness({ http: true });
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 2 }, SYSTEM);
    const code = out.vouchers[0].code;
    const page = async (path: string) => (await fetch(`${h!.app!.url}${path}`, { headers: AUTH })).text();

    // A fresh hotspot setup leaves the server profile without a DNS name, and this admin is opened on
    // 127.0.0.1 without PORTAL_URL: the portal link on this computer, which the print page says in one line.
    let sheet = await printPage(out.batchId);
    expect(await decodeFirstQr(sheet)).toBe(`${h.app!.url}/portal?code=${code}`);
    const warning = sheet.getByTestId('login-warning');
    const line = await warning.innerText();
    expect(line).toContain(`QR codes will open ${h.app!.url}/portal?code=…`);
    expect(line).toContain('No hotspot DNS name on the router, and no phone can open 127.0.0.1');
    expect(line).not.toContain('/ip hotspot profile set'); // the fix is one click away, not on the page
    expect(await warning.getByRole('link', { name: 'Fix it' }).getAttribute('href')).toBe(
      '/admin/settings#printed-cards',
    );
    // Not a wall: at most two lines on a computer's screen.
    await sheet.setViewportSize({ width: 1280, height: 800 });
    const lines = (await sheet.evaluate(`(() => {
      const el = document.querySelector('[data-testid="login-warning"]');
      const css = getComputedStyle(el);
      return (el.clientHeight - parseFloat(css.paddingTop) - parseFloat(css.paddingBottom)) / parseFloat(css.lineHeight);
    })()`)) as number;
    expect(lines).toBeLessThan(2.5);
    await sheet.context().close();
    // The batch page says the same beside its Print buttons; the Vouchers list and a voucher's page say nothing.
    const batchPage = await page(`/admin/vouchers/batches/${out.batchId}`);
    expect(batchPage.match(/data-testid="login-warning"/g)).toHaveLength(1);
    expect(batchPage).toContain('href="/admin/settings#printed-cards"');
    for (const path of ['/admin/vouchers', `/admin/vouchers/${code}`])
      expect(await page(path)).not.toContain('data-testid="login-warning"');
    // The fix: what to set, on the Settings page.
    const settings = await page('/admin/settings');
    expect(settings).toContain('id="printed-cards"');
    expect(settings).toContain('/ip hotspot profile set [find name=hsprof1] dns-name=');
    expect(settings).toContain('name="portal_url"'); // the portal address, set right there

    // The owner names the hotspot on the router.
    const profiles = await h.router.print('/ip/hotspot/profile', { proplist: ['.id', 'name'] });
    const hsprof1 = profiles.find((p) => p.name === 'hsprof1')!;
    await h.router.set('/ip/hotspot/profile', hsprof1['.id'], { 'dns-name': 'wifi.shop' });

    sheet = await printPage(out.batchId, 'format=thermal58');
    expect(await decodeFirstQr(sheet)).toBe(`http://wifi.shop/login?code=${code}`);
    expect(await sheet.getByTestId('login-warning').count()).toBe(0);
    await sheet.context().close();
    const named = await page(`/admin/vouchers/batches/${out.batchId}`);
    expect(named).not.toContain('data-testid="login-warning"');
    expect(named).toContain('http://wifi.shop/login?code=…');
  });

  it('the portal sends its own form at once only with code, MAC and IP; opening the link redeems nothing by itself', async () => {
    h = await createHarness({ http: true });
    h.sim.addDevice(phone);
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const code = out.vouchers[0].code;
    const open = async (q: Record<string, string>) =>
      (await fetch(`${h!.app!.url}/portal?${new URLSearchParams(q).toString()}`)).text();
    const full = await open({ code, mac: phone.mac, ip: phone.ip });
    expect(full).toContain('data-auto-redeem');
    expect(full).toContain(`value="${code}"`);
    const partial: Record<string, string>[] = [
      { code },
      { code, mac: phone.mac },
      { mac: phone.mac, ip: phone.ip },
      { code, mac: phone.mac, ip: phone.ip, error: 'x' },
    ];
    for (const q of partial) expect(await open(q)).not.toContain('data-auto-redeem');
    // A GET (a link preview, a prefetch) never redeems: the code is still for sale.
    expect((await voucherRow(h, code)).status).toBe('unused');
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
  });
});
