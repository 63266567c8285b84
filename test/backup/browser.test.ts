/**
 * The Backups page and the Settings card in Chromium at 390 and 1280 px: no sideways scrolling, tap targets of
 * 44 px, no serious or critical axe-core violations, screenshots under test-output/screens; Back up now and
 * the download work from the page as an owner uses them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { createHarness, type Harness } from '../helpers/harness';
import {
  axeProblems,
  DESKTOP,
  MAIN_TARGETS,
  PHONE,
  PHONE_TARGETS,
  screenshot,
  SHOTS,
  sidewaysOverflow,
  smallTargets,
} from '../web/page-checks';
import { saveScreenshot } from '../helpers/screenshots';

let h: Harness;
let browser: Browser;
let tab: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  h = await createHarness({ http: true, env: { BACKUP_EVERY: '1d' } });
  browser = await launchChromium();
  tab = await browser.newPage({ viewport: DESKTOP, acceptDownloads: true });
  tab.on('pageerror', (e) => pageErrors.push(e.message));
  tab.setDefaultTimeout(8000);
  await loginAdmin(tab, h.app!.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

async function checkPage(name: string, url: string, anchor?: string): Promise<void> {
  const problems: string[] = [];
  for (const [label, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await tab.setViewportSize(viewport);
    const res = await tab.goto(h.app!.url + url);
    expect(res?.status()).toBe(200);
    const wide = label === 'desktop';
    if (!wide) {
      const over = await sidewaysOverflow(tab);
      if (over > 0) problems.push(`${label}: the page scrolls sideways by ${over}px`);
    }
    for (const p of await smallTargets(tab, wide ? MAIN_TARGETS : PHONE_TARGETS))
      problems.push(`${label}: tap target under 44px: ${p}`);
    for (const p of await axeProblems(tab)) problems.push(`${label}: ${p}`);
    await screenshot(tab, `${name}-${label}`);
    // The section itself, as the owner finds it on a long page.
    if (anchor)
      await saveScreenshot(tab.locator(anchor), { path: path.join(SHOTS, `${name}-section-${label}.png`) });
  }
  expect(problems).toEqual([]);
}

test('with no backup yet, and after Back up now, the page reads well at both widths', async () => {
  await checkPage('backups-empty', '/admin/backups');
  await tab.goto(`${h.app!.url}/admin/backups`);
  await expect(tab.locator('[data-testid=backup-none]').innerText()).resolves.toMatch(/No backup yet/);
  await Promise.all([tab.waitForURL(/\/admin\/backups$/), tab.click('[data-testid=backup-now]')]);
  await expect(tab.locator('.flash-ok').innerText()).resolves.toMatch(/Backup made: pisonet-.*\.backup \(/);
  h.clock.advance(3600_000);
  await h.core!.services.backups.backupNow();
  await checkPage('backups', '/admin/backups');
  await checkPage('settings-backups', '/admin/settings', '#backups');
}, 120_000);

test('the newest backup downloads from the page as the file itself', async () => {
  await tab.goto(`${h.app!.url}/admin/backups`);
  const [download] = await Promise.all([
    tab.waitForEvent('download'),
    tab.click('[data-testid=backup-download]'),
  ]);
  const newest = (await h.core!.services.backups.list())[0];
  expect(download.suggestedFilename()).toBe(newest.name);
  // Saved where the test says (a shared browser is connected to, so it has no local path of its own to give).
  const saved = path.join(h.dir, 'downloaded-backup');
  await download.saveAs(saved);
  expect(fs.readFileSync(saved).equals(fs.readFileSync(newest.file))).toBe(true);
}, 60_000);
