/**
 * The admin's vendo page offers Remove for a vendo that never took a coin (asks first; the service's rule) and,
 * for one that did, says why it stays and points to switching it off; a refusal (a window opened, no coin yet)
 * is shown on the page with nothing changed.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { addDevice } from '../portal/helpers';
import { makeVendo, Phone } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
let h: Harness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  h = await createHarness({ http: true });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await loginAdmin(page, h.app!.url);
}, 60000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('a vendo never used: Remove asks, then it is gone; one with coins: no Remove, and why', async () => {
  const spare = await makeVendo(h, { name: 'Spare box' });
  await page.goto(`${h.app!.url}/admin/vendos/${spare.id}`);
  for (const [label, width] of [
    ['phone', 390],
    ['desktop', 1280],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await saveScreenshot(page, { path: path.join(SHOTS, `vendos-remove-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  // Dismissing the question keeps it.
  page.once('dialog', (d) => {
    expect(d.message()).toBe('Remove the vendo Spare box?');
    void d.dismiss();
  });
  await page.click('[data-testid=vendo-remove]');
  expect(await h.core!.db('vendos').where({ id: spare.id })).toHaveLength(1);
  page.once('dialog', (d) => void d.accept());
  await Promise.all([page.waitForURL(/\/admin\/vendos$/), page.click('[data-testid=vendo-remove]')]);
  await expect(page.locator('body').textContent()).resolves.toContain('Vendo Spare box removed.');
  expect(await h.core!.db('vendos').where({ id: spare.id })).toHaveLength(0);

  const used = await makeVendo(h, { name: 'Counter box' });
  const phone = new Phone(h, addDevice(h, 1));
  await used.board.poll();
  expect((await phone.start(used.id)).status).toBe(200);
  await used.board.poll();
  expect((await used.board.insertCoin(5)).status).toBe(200);
  await page.goto(`${h.app!.url}/admin/vendos/${used.id}`);
  await expect(page.locator('[data-testid=vendo-remove]').count()).resolves.toBe(0);
  await expect(page.locator('[data-testid=vendo-keep]').textContent()).resolves.toContain(
    'Switch it off above to stop it selling.',
  );
  await saveScreenshot(page, { path: path.join(SHOTS, 'vendos-keep-desktop.png'), fullPage: true });

  // A window opened but no coin yet: the page offers Remove, the service refuses, the page says why.
  const opened = await makeVendo(h, { name: 'Door box' });
  await opened.board.poll();
  expect((await new Phone(h, addDevice(h, 2)).start(opened.id)).status).toBe(200);
  await page.goto(`${h.app!.url}/admin/vendos/${opened.id}`);
  page.once('dialog', (d) => void d.accept());
  await Promise.all([page.waitForURL(/#remove$/), page.click('[data-testid=vendo-remove]')]);
  await expect(page.locator('body').textContent()).resolves.toContain(
    'Vendo Door box has a history (1 coin window(s))',
  );
  expect(await h.core!.db('vendos').where({ id: opened.id })).toHaveLength(1);
  expect(pageErrors).toEqual([]);
}, 60000);
