/**
 * The adopt page in a browser, on a phone (390 px) and a desktop (1280 px): the router's secrets that are not ours
 * listed (with their own fixed addresses), two ticked with a mobile each, one plan and billing day for both, the
 * preview (nothing changed yet; a fixed address kept or taken off), then Adopt: they are subscribers and their
 * secrets ours.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { ownersSetUp, PROFILES } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

jest.setTimeout(90_000);
let h: Harness;
let browser: Browser;
const shots = path.join(SHOTS_DIR, 'adopt');

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  await h.router.add('/ppp/profile', { name: 'home10', 'rate-limit': '5M/10M' });
  // Fixed addresses: ana's is inside the PPPoE pool (taken off), carla's a free one (kept).
  const fixed: Record<string, string> = { ana: '10.10.0.40', carla: '10.99.0.7' };
  for (const n of ['ana', 'ben', 'carla'])
    await h.router.add('/ppp/secret', {
      name: n,
      password: `${n}-router-pw`,
      profile: 'home10',
      comment: `${n} old`,
      ...(fixed[n] ? { 'remote-address': fixed[n] } : {}),
    });
  await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:20:01', user: 'ben', password: 'ben-router-pw' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h.close();
});

describe('the adopt page', () => {
  for (const width of [390, 1280])
    it(`adopts two ticked secrets at ${width} px after showing the preview`, async () => {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await loginAdmin(page, h.app!.url);
      await page.goto(`${h.app!.url}/admin/subscribers`);
      await page.click('[data-testid=subscriber-adopt]');
      await page.waitForSelector('[data-testid=adoptable], [data-testid=adopt-none]');
      // The phone adopts ana and ben (ben online), then the desktop the one left, carla.
      const names = width === 390 ? ['ana', 'ben'] : ['carla'];
      expect(await page.locator('[data-testid=adoptable] tbody tr').count()).toBe(width === 390 ? 3 : 1);
      expect(await page.locator('[data-testid=adoptable]').innerText()).toContain('fixed 10.99.0.7');
      await saveScreenshot(page, { path: path.join(shots, `list-${width}.png`), fullPage: true });
      for (const [i, n] of names.entries()) {
        await page.check(`input[name=secret][value=${n}]`);
        await page.fill(`input[name="mobile:${n}"]`, `0917123000${i + 1}`);
      }
      await page.selectOption('select[name=plan]', 'HOME10');
      await page.fill('input[name=billing_day]', '5');
      await page.click('[data-testid=adopt-preview-button]');
      await page.waitForSelector('[data-testid=adopt-preview]');
      await saveScreenshot(page, { path: path.join(shots, `preview-${width}.png`), fullPage: true });
      const preview = await page.locator('[data-testid=adopt-preview]').innerText();
      expect(preview).toMatch(/pisonet-HOME10/);
      if (width === 390) expect(preview).toMatch(/kept online/); // ben runs at HOME10's speeds already
      expect(preview).toMatch(
        width === 390
          ? /its fixed address 10\.10\.0\.40 is taken off: 10\.10\.0\.40 is in the router's pool pppoe-pool/
          : /its fixed address 10\.99\.0\.7 is kept/,
      );
      const before = h.sim.rows('/ppp/secret').filter((r) => r.comment.includes('pisonet')).length;
      expect(before).toBe(width === 390 ? 0 : 2);
      await page.click('[data-testid=adopt-button]');
      await page.waitForURL(/\/admin\/subscribers$/);
      expect(await page.locator('[data-testid=subscribers] tbody tr').count()).toBe(width === 390 ? 2 : 3);
      await saveScreenshot(page, { path: path.join(shots, `done-${width}.png`), fullPage: true });
      const ours = h.sim.rows('/ppp/secret').filter((r) => r.comment.includes('pisonet'));
      expect(ours.map((r) => r.name).sort()).toEqual(
        width === 390 ? ['ana', 'ben'] : ['ana', 'ben', 'carla'],
      );
      await page.close();
    });
});
