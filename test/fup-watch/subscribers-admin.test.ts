/**
 * How soon fair use acts, as the site's page says it: within the watch's read interval where the controller reads
 * the router between polls, and at RADIUS interim updates on a RADIUS site the controller has no API access to
 * (screenshots at phone and desktop widths in test-output/screenshots).
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { api } from '../sites/helpers';
import { describePostgresOnly } from '../helpers/engine-describe';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
const VIEWPORTS = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

let h: Harness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await createHarness({ http: true, env: { FUP_WATCH: 'on' } });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: VIEWPORTS.desktop });
  await loginAdmin(page, h.app!.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const bound = async () =>
  ((await page.getByTestId('fair-use-bound').textContent()) ?? '').replace(/\s+/g, ' ');

// A RADIUS site needs PostgreSQL (FreeRADIUS reads the shop's database).
describePostgresOnly('a RADIUS site', () => {
  test("a RADIUS site without API access: fair use acts at the router's interim updates, and the page says so", async () => {
    const res = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '10.9.0.1',
      radius_secret: 'Branch-R-secret-1',
    });
    expect(res.status).toBe(201);
    for (const [label, viewport] of Object.entries(VIEWPORTS)) {
      await page.setViewportSize(viewport);
      await page.goto(`${h.app!.url}/admin/sites/${res.json.site.id}`);
      await saveScreenshot(page, {
        path: path.join(SHOTS, `site-fair-use-radius-${label}.png`),
        fullPage: true,
      });
      // Nothing wider than the screen.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(viewport.width);
    }
    expect(await bound()).toContain('acts at RADIUS interim updates here, every 60 s');
    expect(await bound()).toContain('up to 90 s');
    expect(await bound()).toContain('no API access');
  });
});

test('an API site: fair use acts within the watch interval; with FUP_WATCH=off, at each poll', async () => {
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.goto(`${h.app!.url}/admin/sites/1`);
  await saveScreenshot(page, { path: path.join(SHOTS, 'site-fair-use-api-desktop.png'), fullPage: true });
  expect(await bound()).toContain('acts within 1 s of a threshold crossed');
  h.core!.config.fupWatch.enabled = false;
  try {
    await page.reload();
    expect(await bound()).toContain('acts at each usage poll, every 30 s');
  } finally {
    h.core!.config.fupWatch.enabled = true;
  }
});
