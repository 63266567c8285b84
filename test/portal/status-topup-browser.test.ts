/**
 * A customer already online buys more time from the status page: "Enter another code" must open a login page
 * that knows the device (its address), so a code or coins top the voucher up. A phone that is online never
 * sees the router's login page again, so the status page is the only way in.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium } from '../helpers/browser';
import { addDevice, makeVouchers } from './helpers';
import { makeVendo } from '../vendos/helpers';
import { AdminClient } from '../admin/client';

let h: Harness;
let browser: Browser;
let admin: AdminClient;

beforeAll(async () => {
  h = await createHarness({ http: true });
  browser = await launchChromium();
  admin = new AdminClient(h.app!.url);
  expect((await admin.login()).status).toBe(303);
}, 60000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const words = {
  en: { another: 'Enter another code', added: 'Your code was added', cannot: 'We cannot see your device' },
  fil: {
    another: 'Maglagay ng ibang code',
    added: 'Naidagdag ang code mo',
    cannot: 'Hindi namin makita ang device mo',
  },
} as const;

async function phone(): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { context, page, errors };
}

async function typeCode(page: Page, code: string): Promise<void> {
  await page.fill('#code', code);
  await Promise.all([page.waitForURL(/\/portal\/status\?/), page.click('form.redeem button[type=submit]')]);
}

/** The status page as a phone opens it later: a bookmark or a notification, with no address in it. */
const bareStatus = (mac: string, lang: string) =>
  `${h.app!.url}/portal/status?mac=${encodeURIComponent(mac)}&lang=${lang}`;

describe.each(['en', 'fil'] as const)('in %s', (lang) => {
  test('with the device cookie: a second code from "Enter another code" adds time', async () => {
    const d = addDevice(h, lang === 'en' ? 1 : 2);
    const [first, second] = await makeVouchers(h, 'BASIC', 2);
    const { context, page, errors } = await phone();
    await page.goto(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}&lang=${lang}`);
    await typeCode(page, first);
    await page.goto(bareStatus(d.mac, lang));
    const link = page.getByRole('link', { name: words[lang].another });
    expect(await link.getAttribute('href')).toContain(`ip=${d.ip}`);
    await Promise.all([page.waitForURL(/\/portal\?/), link.click()]);
    // The login page knows the device: no "open this page from the WiFi login screen" warning.
    await expect(page.locator('.alert.warn').count()).resolves.toBe(0);
    await expect(page.locator('input[name=ip]').first().inputValue()).resolves.toBe(d.ip);
    await typeCode(page, second);
    await expect(page.locator('.alert.ok').textContent()).resolves.toContain(words[lang].added);
    const v = await h.core!.services.vouchers.get(first);
    expect(v.expiresAt! - v.activatedAt!).toBe(2 * 3600 * 1000);
    // The owner's list reads the second code as added to the first, not as a code that ran out unused.
    const list = await admin.html('/admin/vouchers');
    const row = list.slice(
      list.indexOf(`>${second}</a>`),
      list.indexOf('</tr>', list.indexOf(`>${second}</a>`)),
    );
    expect(row).toContain('<span class="status-pill st-added">added</span>');
    expect(row).not.toContain('st-expired');
    expect(errors).toEqual([]);
    await context.close();
  }, 60000);

  test('a status page that cannot tell the device asks for the code again', async () => {
    const d = addDevice(h, lang === 'en' ? 3 : 4);
    const [code] = await makeVouchers(h, 'BASIC', 1);
    await h.core!.services.selfService.redeem({ code, ...d }, { provenMac: null, peerIp: null });
    // Another browser, not on the device's address: it is told nothing about the voucher, and not "no voucher".
    const { context, page } = await phone();
    await page.goto(bareStatus(d.mac, lang));
    await expect(page.locator('h1').textContent()).resolves.toBe(words[lang].cannot);
    await expect(page.content()).resolves.not.toContain(code);
    const again = page.locator('a.button');
    await Promise.all([page.waitForURL(/\/portal\?/), again.click()]);
    await expect(page.locator('#code').isVisible()).resolves.toBe(true);
    await context.close();
  }, 60000);
});

test("without a cookie, from the device's own address (controller on the LAN): the link still carries it", async () => {
  // The test browser connects from 127.0.0.1: a device the hotspot sees at that address is the one asking.
  const d = { mac: '02:AA:00:00:01:27', ip: '127.0.0.1' };
  h.sim.addDevice(d);
  const [first, second] = await makeVouchers(h, 'BASIC', 2);
  await h.core!.services.selfService.redeem({ code: first, ...d }, { provenMac: null, peerIp: null });
  const { context, page } = await phone();
  await page.goto(bareStatus(d.mac, 'en'));
  const link = page.getByRole('link', { name: words.en.another });
  expect(await link.getAttribute('href')).toContain('ip=127.0.0.1');
  await Promise.all([page.waitForURL(/\/portal\?/), link.click()]);
  await typeCode(page, second);
  await expect(page.locator('.alert.ok').textContent()).resolves.toContain(words.en.added);
  await context.close();
}, 60000);

test('coins from the status page: the coin section shows and the coins add time', async () => {
  const { board } = await makeVendo(h);
  await board.poll();
  const d = addDevice(h, 5);
  const [first] = await makeVouchers(h, 'BASIC', 1);
  const { context, page, errors } = await phone();
  await page.goto(`${h.app!.url}/portal?mac=${d.mac}&ip=${d.ip}&lang=fil`);
  await typeCode(page, first);
  await page.goto(bareStatus(d.mac, 'fil'));
  await Promise.all([
    page.waitForURL(/\/portal\?/),
    page.getByRole('link', { name: words.fil.another }).click(),
  ]);
  await page.locator('#vendo').waitFor({ state: 'visible' });
  await page.click('#vendo-start');
  await page.locator('#vendo-window').waitFor({ state: 'visible' });
  await board.poll();
  await board.insertCoin(5);
  await page.locator('#vendo-credit', { hasText: '₱5' }).waitFor();
  await Promise.all([page.waitForURL(/\/portal\/status/), page.click('#vendo-done')]);
  const v = await h.core!.services.vouchers.get(first);
  expect(v.expiresAt! - v.activatedAt!).toBeGreaterThan(3600 * 1000);
  expect(errors).toEqual([]);
  await context.close();
}, 60000);
