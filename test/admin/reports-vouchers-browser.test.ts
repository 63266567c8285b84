/**
 * Two admin pages in Chromium: the Reports page's "By profile" table stays inside its card on a phone (its rows
 * become cards there, as the page's other wide tables do), and the Vouchers page's generate form and filter each
 * label their own Profile control (no id twice on the page).
 */
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { addDevice, makeVouchers, redeemApi } from '../portal/helpers';
import { SYSTEM } from '../../src/services/types';
import { axeProblems, DESKTOP, PHONE, screenshot, sidewaysOverflow } from '../web/page-checks';

const PROFILES = ['BASIC', 'STANDARD', 'PREMIUM-WEEKEND', 'FAMILY-MONTHLY'].map((name, i) => ({
  name,
  price: [5, 10, 25, 300][i],
  validity: '1d',
  users: 1,
  rate_up: '1M',
  rate_down: '2M',
}));

/** The browser globals used here (the tests compile without the DOM library). */
type Doc = { document: { activeElement: unknown; querySelectorAll(s: string): { id: string }[] } };

let h: Harness;
let browser: Browser;
let page: Page;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  // A sale in each profile, many of the dearest, and a paid move (a Charges column).
  let n = 0;
  for (const p of PROFILES)
    for (const code of await makeVouchers(h, p.name, p.name === 'FAMILY-MONTHLY' ? 40 : 1))
      expect((await redeemApi(h, { code, ...addDevice(h, ++n) })).status).toBe(200);
  const [basic] = await makeVouchers(h, 'BASIC', 1);
  expect((await redeemApi(h, { code: basic, ...addDevice(h, ++n) })).status).toBe(200);
  await h.core!.services.vouchers.changeProfile(basic, 'STANDARD', SYSTEM);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE });
  await loginAdmin(page, h.app!.url);
}, 120000);
afterAll(() => Promise.all([browser?.close(), h?.close()]));

test('Reports: the By profile table stays inside its card at both widths', async () => {
  for (const [label, viewport] of [['phone', PHONE] as const, ['desktop', DESKTOP] as const]) {
    await page.setViewportSize(viewport);
    await page.goto(`${h.app!.url}/admin/reports`);
    const table = page.locator('section.card:has(h2:text-is("By profile")) table');
    await expect(table.locator('tbody tr').count()).resolves.toBe(4);
    await expect(table.textContent()).resolves.toContain('₱12,000.00');
    expect(await sidewaysOverflow(page)).toBe(0);
    // Every cell inside the card that holds the table.
    type Box = { left: number; right: number; width: number };
    type Node = {
      closest(s: string): Node;
      getBoundingClientRect(): Box;
      querySelectorAll(s: string): Node[];
    };
    const outside = await table.evaluate((el) => {
      const t = el as unknown as Node;
      const card = t.closest('.card').getBoundingClientRect();
      return Array.from(t.querySelectorAll('td, th'))
        .map((c) => c.getBoundingClientRect())
        .filter((r) => r.width > 0 && (r.right > card.right + 0.5 || r.left < card.left - 0.5)).length;
    });
    expect(outside).toBe(0);
    expect(await axeProblems(page)).toEqual([]);
    await screenshot(page, `reports-by-profile-${label}`);
  }
}, 60000);

test('Vouchers: the filter’s Profile label points at the filter’s own select; no id is on the page twice', async () => {
  await page.setViewportSize(PHONE);
  await page.goto(`${h.app!.url}/admin/vouchers`);
  const ids = await page.evaluate(() =>
    Array.from((globalThis as unknown as Doc).document.querySelectorAll('[id]')).map((e) => e.id),
  );
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  const filterSelect = page.locator('form.filters select[name=profile]');
  const filterId = await filterSelect.getAttribute('id');
  await expect(page.locator(`form.filters label[for="${filterId}"]`).textContent()).resolves.toBe('Profile');
  // Tapping the filter's label focuses the filter's select, not the generate form's.
  await page.locator(`form.filters label[for="${filterId}"]`).click();
  await expect(
    filterSelect.evaluate((e) => e === (globalThis as unknown as Doc).document.activeElement),
  ).resolves.toBe(true);
  // axe-core: nothing serious, and no duplicate-id finding of any impact.
  expect(await axeProblems(page)).toEqual([]);
  const duplicates = await page.evaluate(async () => {
    const w = globalThis as unknown as Doc & {
      axe: { run(c: unknown, o: unknown): Promise<{ violations: { id: string }[] }> };
    };
    const r = await w.axe.run(w.document, {
      runOnly: ['duplicate-id', 'duplicate-id-aria', 'duplicate-id-active'],
    });
    return r.violations.map((v) => v.id);
  });
  expect(duplicates).toEqual([]);
}, 60000);
