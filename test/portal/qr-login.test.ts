import type { Browser, Page } from 'playwright-core';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { SYSTEM } from '../../src/services/types';
import { launchChromium } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { startHotspotLoginPage, type HotspotLoginPage } from '../helpers/hotspot-login-page';
import { AUTH, device, voucherRow } from './helpers';

/** What the first card's QR code on a print page holds, read from pixels like a phone's camera. */
async function decodeFirstQr(page: Page): Promise<string> {
  const box = (await page.locator('.card .qr').first().boundingBox())!;
  // A white margin around the code, as the card's paper gives it.
  const png = await page.screenshot({
    clip: { x: box.x - 12, y: box.y - 12, width: box.width + 24, height: box.height + 24 },
  });
  const img = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
  if (!found) throw new Error('no QR code found in the screenshot');
  return found.data;
}

describe('a printed voucher scanned by a phone on the hotspot', () => {
  let browser: Browser;
  let h: Harness | undefined;
  let login: HotspotLoginPage | undefined;
  const phone = device(7);

  beforeAll(async () => {
    browser = await launchChromium();
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
    h = await createHarness({ http: true, env: { HOTSPOT_LOGIN_URL: login.url } });
    h.sim.addDevice(phone);
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 3 }, SYSTEM);
    const code = out.vouchers[0].code;

    const sheet = await printPage(out.batchId);
    const link = await decodeFirstQr(sheet);
    expect(link).toBe(`${login.url}?code=${code}`);
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

  it('without HOTSPOT_LOGIN_URL uses the hotspot dns-name, and warns with what to set when there is none', async () => {
    h = await createHarness({ http: true });
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 2 }, SYSTEM);
    const code = out.vouchers[0].code;

    // A fresh hotspot setup leaves the server profile without a DNS name: the portal link, and a warning.
    let sheet = await printPage(out.batchId);
    expect(await decodeFirstQr(sheet)).toBe(`${h.app!.url}/portal?code=${code}`);
    const warning = await sheet.getByTestId('login-warning').innerText();
    expect(warning).toContain('HOTSPOT_LOGIN_URL');
    expect(warning).toContain('dns-name');
    await sheet.context().close();
    for (const path of [`/admin/vouchers/batches/${out.batchId}`, '/admin/vouchers']) {
      const html = await (await fetch(`${h.app!.url}${path}`, { headers: AUTH })).text();
      expect(html).toContain('data-testid="login-warning"');
      expect(html).toContain('HOTSPOT_LOGIN_URL');
    }

    // The owner names the hotspot on the router.
    const profiles = await h.router.print('/ip/hotspot/profile', { proplist: ['.id', 'name'] });
    const hsprof1 = profiles.find((p) => p.name === 'hsprof1')!;
    await h.router.set('/ip/hotspot/profile', hsprof1['.id'], { 'dns-name': 'wifi.shop' });

    sheet = await printPage(out.batchId, 'format=thermal58');
    expect(await decodeFirstQr(sheet)).toBe(`http://wifi.shop/login?code=${code}`);
    expect(await sheet.getByTestId('login-warning').count()).toBe(0);
    await sheet.context().close();
    const batchPage = await (
      await fetch(`${h.app!.url}/admin/vouchers/batches/${out.batchId}`, { headers: AUTH })
    ).text();
    expect(batchPage).not.toContain('data-testid="login-warning"');
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
