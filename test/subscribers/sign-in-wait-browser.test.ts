/**
 * The subscriber's page when wrong passwords hold its portal sign-in back, in a real browser on a phone (390 px)
 * and a desktop (1280 px): the line says how many and how long, and the owner's button lifts it. Screenshots go
 * to /tmp/i60auth-shots.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createHarness, type Harness } from '../helpers/harness';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { axeProblems, DESKTOP, PHONE, sidewaysOverflow } from '../web/page-checks';
import { BUDGETS } from '../../src/services/business/login-delays';
import { addSubscriber, PROFILES } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

jest.setTimeout(90000);

const SHOTS = SHOTS_DIR;
let h: Harness;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: PHONE });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('the wait on the subscriber’s page fits a phone and a desktop, and its button lifts it', async () => {
  const s = await addSubscriber(h, { password: 'sikreto-123' });
  for (let i = 0; i <= BUDGETS.subscriber.free; i++)
    await h
      .core!.services.subscribers.signIn('juan.dc', `guess-${i}`, { peerIp: `10.7.0.${i + 1}` })
      .catch(() => undefined);
  await loginAdmin(page, h.app!.url);
  await page.goto(`${h.app!.url}/admin/subscribers/${s.id}`);
  const notice = page.getByTestId('sign-in-wait');
  await expect(notice.textContent()).resolves.toContain('11 wrong passwords lately');
  for (const [label, vp] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(vp);
    expect({ label, overflow: await sidewaysOverflow(page) }).toEqual({ label, overflow: 0 });
    expect(await axeProblems(page)).toEqual([]);
    await saveScreenshot(page, { path: path.join(SHOTS, `subscriber-wait-${label}.png`), fullPage: true });
  }
  await Promise.all([page.waitForLoadState(), page.getByTestId('subscriber-unlock').click()]);
  await page.getByText('may sign in on the portal again at once').waitFor();
  expect(await page.getByTestId('sign-in-wait').count()).toBe(0);
  await saveScreenshot(page, {
    path: path.join(SHOTS, 'subscriber-wait-lifted-desktop.png'),
    fullPage: true,
  });
});
