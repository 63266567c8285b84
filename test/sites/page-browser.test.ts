/**
 * The Sites page as the owner uses it in a browser: the service's messages under the fields, an added router
 * showing live (identity, devices online), an edit that keeps the password, a removal after the confirm.
 */
import type { Browser, Page } from 'playwright-core';
import type { RouterSimulator } from '../../src/simulator';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { createHarness, type Harness } from '../helpers/harness';
import { startRouter } from './helpers';

const PASSWORD = 'Br0wser-router-pw';

let h: Harness;
let browser: Browser;
let page: Page;
let other: { sim: RouterSimulator; port: number };

beforeAll(async () => {
  h = await createHarness({ http: true });
  other = await startRouter({ identity: 'Branch-3', password: PASSWORD, devices: 2 });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  await loginAdmin(page, h.app!.url);
}, 60000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
  await other?.sim.stop();
});

test('add with mistakes, then right; the router shows live; edit keeps the password; remove asks first', async () => {
  await page.goto(`${h.app!.url}/admin/sites`);
  await page.fill('#f-name', 'branch 3');
  await page.fill('#f-host', '10.0.0.300');
  await page.fill('#f-port', '70000');
  await page.fill('#f-user', 'pisonet');
  await page.fill('#f-password', PASSWORD);
  await page.click('#add button[type=submit]');
  expect(await page.locator('.flash-error').textContent()).toContain('Please correct the fields');
  expect(await page.locator('#f-name-err').textContent()).toContain('letters, digits, - or _');
  expect(await page.locator('#f-host-err').textContent()).toContain('IPv4');
  expect(await page.locator('#f-port-err').textContent()).toContain('1 to 65535');
  // What was typed stays, except the password.
  expect(await page.inputValue('#f-user')).toBe('pisonet');
  expect(await page.inputValue('#f-password')).toBe('');
  expect(await page.content()).not.toContain(PASSWORD);

  await page.fill('#f-name', 'branch-3');
  await page.fill('#f-host', '127.0.0.1');
  await page.fill('#f-port', String(other.port));
  await page.fill('#f-password', PASSWORD);
  await Promise.all([page.waitForURL(/\/admin\/sites$/), page.click('#add button[type=submit]')]);
  expect(await page.locator('.flash-ok').textContent()).toContain('Site branch-3 added');

  while (!(await h.core!.services.sites.get('branch-3')).status.connected)
    await new Promise((r) => setTimeout(r, 50));
  await h.core!.siteMonitor!.refreshAll();
  await page.reload();
  const row = page.locator('tr[data-site="branch-3"]');
  expect(await row.locator('.status-ok').textContent()).toContain('online');
  expect(await row.locator('td[data-label=Identity]').textContent()).toBe('Branch-3');
  expect((await row.locator('td[data-label=Online]').textContent())?.trim()).toBe('2');

  const stored = (await h.core!.db('sites').where({ name: 'branch-3' }).first()).password_enc;
  await row.getByRole('link', { name: 'Edit branch-3' }).click();
  await page.fill('#f-tz', 'Asia/Manila');
  await Promise.all([page.waitForURL(/\/admin\/sites$/), page.click('form.form-grid button[type=submit]')]);
  expect(await page.locator('.flash-ok').textContent()).toContain('Site branch-3 saved');
  const after = await h.core!.db('sites').where({ name: 'branch-3' }).first();
  expect(after).toMatchObject({ tz: 'Asia/Manila', password_enc: stored });

  // The confirm: dismissed, nothing happens; accepted, the site is gone.
  await page.locator('tr[data-site="branch-3"]').getByRole('link', { name: 'Edit branch-3' }).click();
  page.once('dialog', (d) => void d.dismiss());
  await page.click('.danger-zone button[type=submit]');
  expect(await h.core!.db('sites').where({ name: 'branch-3' }).first()).toBeDefined();
  page.once('dialog', (d) => {
    expect(d.message()).toContain('Remove the site branch-3');
    void d.accept();
  });
  await Promise.all([page.waitForURL(/\/admin\/sites$/), page.click('.danger-zone button[type=submit]')]);
  expect(await page.locator('.flash-ok').textContent()).toContain('Site branch-3 removed');
  expect(await page.locator('tr[data-site="branch-3"]').count()).toBe(0);
}, 60000);
