/**
 * The batch form's code style in a real browser: the figures of the chosen style before generating (from the
 * server's domain function, live as fields change; correct without JavaScript after "Show the figures"), a
 * style under the floor refused under its field, at phone and desktop widths with no serious axe violations.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { axeProblems, DESKTOP, PHONE, SHOTS, sidewaysOverflow } from '../web/page-checks';
import { saveScreenshot } from '../helpers/screenshots';

let h: Harness;
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  h = await createHarness({ http: true, fakeClock: false });
});
afterEach(async () => {
  await h.close();
});

const figures = (page: Page) => page.textContent('[data-figures]');

async function openVouchers(size: { width: number; height: number }, javaScript = true): Promise<Page> {
  const page = await browser.newPage({ viewport: size, javaScriptEnabled: javaScript });
  await loginAdmin(page, h.app!.url);
  await page.goto(`${h.app!.url}/admin/vouchers`);
  return page;
}

for (const [name, size] of [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const) {
  test(`the batch form shows a style's figures as it changes, and refuses one under the floor (${name})`, async () => {
    const page = await openVouchers(size);
    // The shop's style (8 capitals) when the page opens.
    expect(await figures(page)).toBe(
      "8 capital letters and numbers: 853 billion possible codes (39.6 bits); at the portal's limit of 5 wrong " +
        'codes a minute, a guesser has a 1% chance of finding one of 1,000 unused codes after 3.3 years.',
    );
    expect(await page.isHidden('[data-figures-problem]')).toBe(true);
    // Numbers only, still 8 long: the figures follow, with why it is too short.
    await page.selectOption('#f-alphabet', 'digits');
    await page.waitForFunction(() =>
      (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } } }).document
        .querySelector('[data-figures]')
        .textContent.startsWith('8 digits'),
    );
    expect(await figures(page)).toMatch(
      /^8 digits: 100 million possible codes \(26.6 bits\); .* after 3 hours\.$/,
    );
    expect(await page.textContent('[data-figures-problem]')).toMatch(/Use at least 12 digits/);
    await saveScreenshot(page, {
      path: path.join(SHOTS, `code-style-${name}-too-short.png`),
      fullPage: true,
    });
    expect(await axeProblems(page)).toEqual([]);
    expect(await sidewaysOverflow(page)).toBe(0);

    // Generating anyway: refused under the length field, the form kept, nothing made.
    await page.selectOption('#f-profile', 'BASIC');
    await Promise.all([page.waitForLoadState('load'), page.click('#generate button.primary')]);
    expect(await page.textContent('#f-length-err')).toMatch(
      /^8 digits is 100 million possible codes: .*Use at least 12 digits/,
    );
    expect(await page.getAttribute('#f-length', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#f-alphabet')).toBe('digits');
    expect(await h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 0 }]);
    expect(await axeProblems(page)).toEqual([]);

    // 6 digits with a separate 6-digit password: a trillion, as many as 12 digits.
    await page.fill('#f-length', '6');
    await page.selectOption('#f-password_alphabet', 'digits');
    await page.fill('#f-password_length', '6');
    await page.waitForFunction(() =>
      (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } } }).document
        .querySelector('[data-figures]')
        .textContent.includes('password: 1 trillion'),
    );
    expect(await figures(page)).toMatch(
      /^6 digits with a separate 6-digit password: 1 trillion possible codes \(39.9 bits\)/,
    );
    expect(await page.isHidden('[data-figures-problem]')).toBe(true);
    // The refusal under the length was about the style before: it goes with it.
    expect(await page.isHidden('#f-length-err')).toBe(true);
    expect(await page.getAttribute('#f-length', 'aria-invalid')).toBeNull();
    // A password length the server cannot take is marked under its own field.
    await page.fill('#f-password_length', '3');
    await page.waitForSelector('#f-password_length-err:not([hidden])');
    expect(await page.textContent('#f-password_length-err')).toMatch(/use 4 to 16 characters/);
    await page.fill('#f-password_length', '6');
    await page.waitForSelector('#f-password_length-err', { state: 'hidden' });
    await saveScreenshot(page, { path: path.join(SHOTS, `code-style-${name}-password.png`), fullPage: true });
    await Promise.all([
      page.waitForURL(/\/admin\/vouchers\/batches\/\d+$/),
      page.click('#generate button.primary'),
    ]);
    const rows = await h.core!.db('vouchers').select('code', 'password');
    expect(rows).toHaveLength(10);
    for (const r of rows) {
      expect(r.code).toMatch(/^\d{6}$/);
      expect(r.password).toMatch(/^\d{6}$/);
    }
    await page.close();
  });
}

test('without JavaScript the figures are the submitted style’s after "Show the figures"', async () => {
  const page = await openVouchers(PHONE, false);
  expect(await figures(page)).toMatch(/^8 capital letters and numbers: 853 billion/);
  await page.selectOption('#f-alphabet', 'lowercase');
  await page.fill('#f-length', '10');
  await Promise.all([page.waitForLoadState('load'), page.click('button[name=preview]')]);
  expect(await figures(page)).toMatch(
    /^10 small letters and numbers: 820 trillion possible codes \(49.5 bits\)/,
  );
  expect(await page.inputValue('#f-alphabet')).toBe('lowercase');
  expect(await h.core!.db('vouchers').count({ n: '*' })).toEqual([{ n: 0 }]);
  // (axe needs scripts in the page: the same form with JavaScript is checked above.)
  await page.close();
});
