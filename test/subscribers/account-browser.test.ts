/**
 * A subscriber's own page on the portal, in a real browser on a phone (390 px) and a desktop (1280 px), in
 * Filipino and English: a wrong sign-in gets one generic answer, the right one the page (plan, speeds, status,
 * cycle, usage, what is owed), a suspension says why and what brings it back, sign-out ends it. Plus, over plain
 * HTTP: Accept-Language picks Filipino, a form without its CSRF token is refused, the cookie is scoped and
 * httpOnly, and wrong tries are held back. Screenshots go to /tmp/i55shots.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium } from '../helpers/browser';
import { axeProblems, DESKTOP, PHONE, sidewaysOverflow } from '../web/page-checks';
import { AdminClient } from '../admin/client';
import { addSubscriber, PROFILES } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
let h: Harness;
let browser: Browser;
let page: Page;

async function check(name: string): Promise<void> {
  for (const [label, vp] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(vp);
    expect({ name, label, overflow: await sidewaysOverflow(page) }).toEqual({ name, label, overflow: 0 });
    expect(await axeProblems(page)).toEqual([]);
    await saveScreenshot(page, { path: path.join(SHOTS, `account-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(PHONE);
}

async function signIn(username: string, password: string) {
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState(), page.click('#account-sign-in')]);
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await addSubscriber(h, { password: 'sikreto-123' });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('sign in wrong, then right, in Filipino and English; suspended; sign out', async () => {
  const base = h.app!.url;
  await page.goto(`${base}/portal/account?lang=fil`);
  await expect(page.locator('h1').textContent()).resolves.toBe('Aking account');
  await check('login-fil');
  await signIn('juan.dc', 'not-the-one');
  const wrongPassword = await page.locator('#account-error').textContent();
  expect(wrongPassword).toBe('Mali ang username o password.');
  await expect(page.inputValue('#username')).resolves.toBe('juan.dc');
  await signIn('pedro.x', 'sikreto-123');
  await expect(page.locator('#account-error').textContent()).resolves.toBe(wrongPassword);
  await check('login-wrong-fil');

  await signIn('juan.dc', 'sikreto-123');
  expect(page.url()).toMatch(/\/portal\/account\?lang=fil$/);
  await expect(page.locator('#account-status').textContent()).resolves.toBe('Aktibo');
  await expect(page.locator('#account-plan').textContent()).resolves.toBe('HOME10 · ₱999.00 kada buwan');
  await expect(page.locator('#account-speed').textContent()).resolves.toBe('10 Mbps ↓ / 5 Mbps ↑');
  await expect(page.locator('#account-cycle').textContent()).resolves.toBe('2026-11-21 – 2026-12-04');
  await expect(page.locator('#account-usage').textContent()).resolves.toBe('0 B sa 100.0 GB');
  await expect(page.locator('#account-owed').textContent()).resolves.toBe('₱466.20'); // its first invoice, 14 of 30 days of ₱999;
  // Which bill that is, and by when: the date that decides a suspension.
  await expect(page.locator('#account-bills li').allTextContents()).resolves.toEqual([
    'INV-000001 (2026-11-21 – 2026-12-04): ₱466.20, due sa 2026-11-28',
  ]);
  await check('page-fil');
  const cookie = (await page.context().cookies()).find((c) => c.name === 'pisonet_account');
  expect(cookie).toMatchObject({ httpOnly: true, path: '/portal/account', sameSite: 'Lax' });

  await h.core!.services.subscribers.suspend('juan.dc', 'hindi pa bayad ang Nobyembre', SYSTEM);
  await page.goto(`${base}/portal/account?lang=en`);
  await expect(page.locator('#account-status').textContent()).resolves.toBe('Suspended');
  await expect(page.locator('#account-suspended').textContent()).resolves.toBe(
    'Your service is suspended. Reason: hindi pa bayad ang Nobyembre',
  );
  // Suspended by hand: paying does not bring it back, and the page does not say it would.
  await expect(page.locator('#account-suspended-help').textContent()).resolves.toMatch(
    /the shop will restore it; paying does not end this suspension/,
  );
  await expect(page.locator('#account-usage').textContent()).resolves.toBe('0 B of 100.0 GB');
  // A week on (signed in again: the sign-in lasts 12 hours), the bill is past its due date.
  h.clock.advance(8 * 86_400_000);
  await page.reload();
  await signIn('juan.dc', 'sikreto-123');
  await expect(page.locator('#account-bills li').allTextContents()).resolves.toEqual([
    'INV-000001 (2026-11-21 – 2026-12-04): ₱466.20, due 2026-11-28 · past due',
  ]);
  await check('page-suspended-en');

  await Promise.all([page.waitForLoadState(), page.click('#account-sign-out')]);
  await expect(page.locator('#account-sign-in').isVisible()).resolves.toBe(true);
  expect((await page.context().cookies()).find((c) => c.name === 'pisonet_account')).toBeUndefined();
}, 60000);

test('Accept-Language picks Filipino; a sign-in without its CSRF token is refused and sets nothing', async () => {
  const c = new AdminClient(h.app!.url);
  const fil = await c.request('/portal/account', { headers: { 'accept-language': 'fil-PH,en;q=0.5' } });
  expect(await fil.text()).toContain('Mag-sign in');
  const res = await c.post('/portal/account', { username: 'juan.dc', password: 'sikreto-123' });
  expect(res.status).toBe(403);
  expect(c.cookies.has('pisonet_account')).toBe(false);
  const forged = new AdminClient(h.app!.url);
  forged.cookies.set('pisonet_account', `1.${h.clock.now() + 3600_000}.${'A'.repeat(43)}`);
  expect(await forged.html('/portal/account')).toContain('id="account-sign-in"');
});

test('wrong tries are held back like wrong voucher codes (429), the right password too', async () => {
  const c = new AdminClient(h.app!.url);
  const token = await c.token('/portal/account');
  let status = 0;
  for (let i = 0; i < 10 && status !== 429; i++)
    status = (await c.post('/portal/account', { username: 'juan.dc', password: `wrong-${i}-x` }, token))
      .status;
  expect(status).toBe(429);
  const right = await c.post('/portal/account', { username: 'juan.dc', password: 'sikreto-123' }, token);
  expect(right.status).toBe(429);
  expect(await right.text()).toMatch(/Too many wrong tries/);
});
