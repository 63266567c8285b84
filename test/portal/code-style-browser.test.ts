/**
 * A shop with numbers-only codes and separate passwords, in a phone's browser: the printed card's QR code logs
 * the phone in through the hotspot's login page (the password rides along), the login form asks for both with
 * the number pad, and the pages pass axe at phone and desktop widths.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { SYSTEM } from '../../src/services/types';
import { saveShopCodeStyle } from '../../src/services/shop/vouchers/code-style';
import { DEFAULT_CODE_STYLE } from '../../src/domain/code-style';
import { launchChromium } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { startHotspotLoginPage, type HotspotLoginPage } from '../helpers/hotspot-login-page';
import { decodeFirstQr } from '../helpers/qr';
import { axeProblems, DESKTOP, PHONE, SHOTS, sidewaysOverflow } from '../web/page-checks';
import { AUTH, device, voucherRow } from './helpers';
import { saveScreenshot } from '../helpers/screenshots';

let browser: Browser;
let h: Harness | undefined;
let login: HotspotLoginPage | undefined;
const phone = device(7);

beforeAll(async () => {
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

async function shopWithPasswords(env: Record<string, string> = {}): Promise<Harness> {
  const harness = await createHarness({ http: true, env });
  await saveShopCodeStyle(
    harness.core!.services.settings,
    { ...DEFAULT_CODE_STYLE, alphabet: 'digits', length: 6, password: { alphabet: 'digits', length: 6 } },
    SYSTEM,
  );
  harness.sim.addDevice(phone);
  return harness;
}

test('a card with a separate password: its QR code logs the phone in through the hotspot login page', async () => {
  login = await startHotspotLoginPage({ portalBase: () => h!.app!.url, device: () => phone });
  const loginUrl = login.url.replace('127.0.0.1', 'wifi.shop');
  h = await shopWithPasswords({ HOTSPOT_LOGIN_URL: loginUrl });
  const out = await h.core!.services.vouchers.generate(
    { profile: 'BASIC', count: 2, design: 'compact' },
    SYSTEM,
  );
  const v = out.vouchers[0];

  const admin = await browser.newContext({ extraHTTPHeaders: AUTH, deviceScaleFactor: 2 });
  const sheet = await admin.newPage();
  await sheet.goto(`${h.app!.url}/admin/vouchers/batches/${out.batchId}/print?format=a4`);
  expect(await decodeFirstQr(sheet)).toBe(`${loginUrl}?code=${v.code}&password=${v.password}`);
  // The card prints the password, labelled, beside the code.
  expect(await sheet.locator('.card').first().innerText()).toMatch(new RegExp(`Password:?\\s+${v.password}`));
  await admin.close();

  const phoneContext = await browser.newContext({ viewport: PHONE });
  const tab = await phoneContext.newPage();
  await tab.goto(`${loginUrl}?code=${v.code}&password=${v.password}`);
  await tab.waitForURL(/\/portal\/status\?/, { timeout: 15_000 });
  expect(h.sim.rows('/ip/hotspot/active').find((r) => r.user === v.code)).toMatchObject({
    'mac-address': phone.mac,
  });
  expect(await voucherRow(h, v.code)).toMatchObject({ status: 'active' });
  await phoneContext.close();
});

for (const [name, size] of [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const) {
  test(`the login form asks for the code and the password on the number pad (${name})`, async () => {
    h = await shopWithPasswords();
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM);
    const v = out.vouchers[0];
    const context = await browser.newContext({ viewport: size });
    const tab = await context.newPage();
    await tab.goto(`${h.app!.url}/portal?${new URLSearchParams({ ...phone, lang: 'fil' })}`);
    expect(await tab.getAttribute('#code', 'inputmode')).toBe('numeric');
    expect(await tab.getAttribute('#password', 'inputmode')).toBe('numeric');
    expect(await tab.textContent('label[for=password]')).toBe('Password');
    await tab.fill('#code', v.code);
    expect(await tab.inputValue('#code')).toBe(`${v.code.slice(0, 4)}-${v.code.slice(4)}`);
    // A wrong password first: refused in the page's language, the code kept.
    await tab.fill('#password', v.password === '000000' ? '111111' : '000000');
    await Promise.all([tab.waitForLoadState('load'), tab.click('button[type=submit]')]);
    expect(await tab.textContent('.alert.error')).toContain('Hindi tama ang code o password na iyan.');
    await saveScreenshot(tab, { path: path.join(SHOTS, `portal-password-${name}.png`), fullPage: true });
    expect(await axeProblems(tab)).toEqual([]);
    expect(await sidewaysOverflow(tab)).toBe(0);
    await tab.fill('#password', v.password!);
    await Promise.all([tab.waitForURL(/\/portal\/status\?/), tab.click('button[type=submit]')]);
    expect(await voucherRow(h, v.code)).toMatchObject({ status: 'active' });
    await context.close();
  });
}
