/**
 * The owner's view of a shared plan: the profile form's "Shared line and priority" section, and the bandwidth
 * page's queues with the shared limit, at phone and desktop widths (screenshots in test-output/screenshots).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { loginOnRouter, seedVoucher } from '../usage/helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let h: Harness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await createHarness({ http: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORTS.desktop });
  await loginAdmin(page, h.app!.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('a shared profile made in the admin form shares one limit among eight phones on the bandwidth page', async () => {
  await page.goto(`${h.app!.url}/admin/profiles/new`);
  await page.fill('#f-name', 'PISO5');
  await page.fill('#f-price', '5');
  await page.fill('#f-validity', '1h');
  await page.fill('#f-users', '1');
  await page.fill('#f-rate_down', '2M');
  await page.fill('#f-rate_up', '1M');
  await page.fill('#f-contention_ratio', '1:4');
  await page.selectOption('#f-priority', '2');
  await page.setViewportSize(VIEWPORTS.phone);
  await saveScreenshot(page.locator('#sharing'), { path: path.join(SHOTS, 'profile-sharing-phone.png') });
  await page.setViewportSize(VIEWPORTS.desktop);
  await Promise.all([page.waitForURL(/\/admin\/profiles$/), page.click('#profile-form button[type=submit]')]);
  const p = await h.core!.services.profiles.get('PISO5');
  expect([p.profile.contentionRatio, p.profile.priority]).toEqual([4, 2]);

  for (let n = 1; n <= 8; n++) {
    const code = await seedVoucher(h, 'PISO5');
    await loginOnRouter(h, code, `02:00:00:00:02:0${n}`, `10.5.50.${40 + n}`);
  }
  await h.core!.services.usage.runCycle();

  for (const [label, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await page.goto(`${h.app!.url}/admin/bandwidth?tab=queues`);
    await saveScreenshot(page, { path: path.join(SHOTS, `bandwidth-shared-${label}.png`), fullPage: true });
  }
  const text = (await page.locator('#queue-table').textContent()) ?? '';
  expect(text).toContain('pisonet-plan-PISO5');
  expect(text).toContain('shared limit of 8 device(s)');
  expect(text).toContain('shares pisonet-plan-PISO5');
  expect(text).toContain('priority 2');
}, 60000);
