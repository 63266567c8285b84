import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium } from '../helpers/browser';
import { addDevice, makeVouchers } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;

describe('portal in a phone-sized browser', () => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser.close();
  });
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('redeems a code at 390×844 and shows the status page', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    const page = await browser.newPage({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    try {
      const q = new URLSearchParams({ mac: d.mac, ip: d.ip, 'link-orig': 'http://example.com/' });
      await page.goto(`${h.app!.url}/portal?${q}`);
      await page.fill('#code', code.toLowerCase());
      // portal.js groups what was typed like the printed card.
      expect(await page.inputValue('#code')).toBe(`${code.slice(0, 4)}-${code.slice(4)}`);
      await Promise.all([page.waitForURL(/\/portal\/status/), page.click('button[type=submit]')]);
      expect(await page.textContent('h1')).toContain('You are connected');
      // A clock-time hour as a running clock (public/js/portal-status.js counts it down).
      expect(await page.textContent('#time-left')).toMatch(/^(1:00:00|0:59:\d\d)$/);
      // Nothing overflows the phone's width.
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await saveScreenshot(page, { path: path.join(SHOTS, 'portal-status.png'), fullPage: true });
    } finally {
      await page.close();
    }
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([code]);
  });
});
