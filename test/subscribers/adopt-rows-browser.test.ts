/**
 * The adopt page's rows in a browser, on a phone (390 px) and a desktop (1280 px): a secret's comment starts as its
 * customer's name; a secret that can never be adopted as it is says why, without a box to tick; a problem marks
 * only the box it is about (a problem of the secret itself: its row); an amount owed that looks like a typo asks
 * for the box saying it is right, then is brought forward.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { ownersSetUp, PROFILES } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

jest.setTimeout(90_000);
let h: Harness;
let browser: Browser;
const shots = path.join(SHOTS_DIR, 'adopt-rows');

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  await h.router.add('/ppp/secret', { name: 'niño', password: 'Nino-pass-1', profile: 'default' });
  await h.router.add('/ppp/secret', { name: 'shortpw', password: '1234', profile: 'default' });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h.close();
});

const invalid = (page: Page, box: string) => page.getAttribute(`input[name="${box}"]`, 'aria-invalid');

/** Ticks the two secrets, with one plan and day for both, then Preview. */
async function preview(page: Page, names: string[], boxes: Record<string, string>): Promise<void> {
  for (const n of names) await page.check(`input[name=secret][value="${n}"]`);
  for (const [box, value] of Object.entries(boxes)) await page.fill(`input[name="${box}"]`, value);
  await page.selectOption('select[name=plan]', 'HOME10');
  await page.fill('input[name=billing_day]', '5');
  await page.click('[data-testid=adopt-preview-button]');
  await page.waitForLoadState('load');
}

describe('the adopt page, row by row', () => {
  for (const width of [390, 1280])
    it(`marks only the box a problem is about, and asks about a typo owed, at ${width} px`, async () => {
      const [maria, rosa] = [`maria${width}`, `rosa${width}`];
      await h.router.add('/ppp/secret', {
        name: maria,
        password: 'Maria-pass-1',
        profile: 'default',
        comment: 'Maria, Purok 3',
      });
      await h.router.add('/ppp/secret', { name: rosa, password: 'Rosa-pass-12', profile: 'default' });
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await loginAdmin(page, h.app!.url);
      await page.goto(`${h.app!.url}/admin/subscribers/adopt`);
      // The comment is the customer's name to start with; no comment: the box is empty (the secret's name).
      expect(await page.inputValue(`input[name="customer:${maria}"]`)).toBe('Maria, Purok 3');
      expect(await page.inputValue(`input[name="customer:${rosa}"]`)).toBe('');
      // Secrets that can never be adopted as they are: why, and no box to tick.
      const nino = page.locator('tr[data-secret="niño"]');
      expect(await nino.innerText()).toMatch(/Cannot be adopted as it is: "niño" is not a username/);
      expect(await page.isDisabled('input[name=secret][value="niño"]')).toBe(true);
      expect(await nino.locator('input[type=text]').count()).toBe(0);
      expect(await page.locator('tr[data-secret=shortpw]').innerText()).toMatch(
        /Cannot be adopted as it is: the router's password is not one a subscriber can have/,
      );
      expect(await page.isDisabled('input[name=secret][value=shortpw]')).toBe(true);
      await saveScreenshot(page, { path: path.join(shots, `list-${width}.png`), fullPage: true });

      // A bad mobile marks the mobile box alone; a secret's own problem (niño ticked anyway) its row alone.
      await page
        .locator('input[name=secret][value="niño"]')
        .evaluate((e) => ((e as unknown as { disabled: boolean }).disabled = false));
      await preview(page, [maria, rosa, 'niño'], { [`mobile:${maria}`]: '555', [`owes:${rosa}`]: '99900' });
      expect(await invalid(page, `mobile:${maria}`)).toBe('true');
      expect(await page.locator(`tr[data-secret="${maria}"]`).innerText()).toMatch(/not a Philippine mobile/);
      expect(await invalid(page, `customer:${maria}`)).toBeNull();
      expect(await nino.locator('[data-testid=adopt-row-error]').innerText()).toMatch(/not a username/);
      expect(await nino.locator('[aria-invalid=true]').count()).toBe(0);
      await saveScreenshot(page, { path: path.join(shots, `errors-${width}.png`), fullPage: true });

      // The mobile right: the amount owed looks like a typo, its box marked and the box to say it is right shown.
      await page.fill(`input[name="mobile:${maria}"]`, '09171230001');
      await page.uncheck('input[name=secret][value="niño"]');
      await page.click('[data-testid=adopt-preview-button]');
      await page.waitForLoadState('load');
      expect(await page.innerText('.flash-error')).toMatch(/look like a typo/);
      expect(await invalid(page, `owes:${rosa}`)).toBe('true');
      expect(await invalid(page, `customer:${rosa}`)).toBeNull();
      expect(await page.locator(`tr[data-secret="${rosa}"]`).innerText()).toMatch(
        /₱99,900\.00 brought forward is 100 months of HOME10/,
      );
      await saveScreenshot(page, { path: path.join(shots, `typo-${width}.png`), fullPage: true });
      await page.check('#adopt-confirm');
      await page.click('[data-testid=adopt-preview-button]');
      await page.waitForSelector('[data-testid=adopt-preview]');
      await page.click('[data-testid=adopt-button]');
      await page.waitForURL(/\/admin\/subscribers$/);
      const adopted = await h
        .core!.db('subscribers')
        .whereIn('username', [maria, rosa])
        .orderBy('username')
        .select('username', 'name', 'opening_balance');
      expect(
        adopted.map((r) => ({ ...r, opening_balance: r.opening_balance && Number(r.opening_balance) })),
      ).toEqual([
        { username: maria, name: 'Maria, Purok 3', opening_balance: null },
        { username: rosa, name: rosa, opening_balance: 99900_00 },
      ]);
      await page.close();
    });
});
