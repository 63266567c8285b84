/**
 * Who is online, in a real browser on a phone (390 px) and a desktop (1280 px): the subscribers list's Online
 * column, the subscriber's Session line and the dashboard's Online now tile (phones and subscribers apart), each
 * without sideways scrolling and without serious or critical axe-core problems. Screenshots go to
 * /tmp/i61online-shots.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, loginAdmin } from '../helpers/browser';
import { createHarness, type Harness } from '../helpers/harness';
import { axeProblems, DESKTOP, PHONE, sidewaysOverflow } from '../web/page-checks';
import { addSubscriber, ownersSetUp, PROFILES } from './helpers';
import { saveScreenshot, SHOTS_DIR } from '../helpers/screenshots';

const SHOTS = SHOTS_DIR;
const MB = 1_000_000;
let h: Harness;
let browser: Browser;
let page: Page;
let id: number;

async function check(name: string): Promise<void> {
  for (const [label, vp] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    await page.setViewportSize(vp);
    expect({ name, label, overflow: await sidewaysOverflow(page) }).toEqual({ name, label, overflow: 0 });
    expect(await axeProblems(page)).toEqual([]);
    await saveScreenshot(page, { path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  id = (await addSubscriber(h, { password: 'Juan-pass-1' })).id;
  await addSubscriber(h, { username: 'maria', name: 'Maria Santos', mobile: '09181234567' });
  const until = Date.now() + 10_000;
  while (!h.sim.rows('/ppp/secret').some((r) => r.name === 'juan.dc') && Date.now() < until)
    await new Promise((r) => setTimeout(r, 20));
  await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:03:01', user: 'juan.dc', password: 'Juan-pass-1' });
  await h.core!.services.usage.runCycle();
  h.sim.pppoe.addTraffic('juan.dc', { up: 3 * MB, down: 45 * MB }, 60);
  h.clock.advance(60_000);
  await h.core!.services.usage.runCycle();
  browser = await launchChromium();
  page = await browser.newPage();
  await loginAdmin(page, h.app!.url);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

test('the subscribers list, the subscriber page and the dashboard say who is online', async () => {
  await page.goto(`${h.app!.url}/admin/subscribers`);
  const online = page.locator('[data-subscriber="S-000001"] [data-testid="subscriber-online"]');
  await expect(online.textContent()).resolves.toMatch(/online\s+10\.10\.0\.\d+\s+6 Mbps ↓ \/ 400 kbps ↑/);
  await expect(
    page.locator('[data-subscriber="S-000002"] [data-testid="subscriber-online"]').textContent(),
  ).resolves.toMatch(/offline/);
  await check('subscribers');
  await page.goto(`${h.app!.url}/admin/subscribers/${id}`);
  await expect(page.locator('[data-testid="subscriber-session"]').textContent()).resolves.toMatch(
    /online\s+10\.10\.0\.\d+ · up 1m/,
  );
  await check('subscriber');
  await page.goto(`${h.app!.url}/admin`);
  await expect(page.locator('[data-testid="online-subscribers"]').textContent()).resolves.toMatch(
    /1 subscriber on PPPoE/,
  );
  await check('dashboard');
}, 120_000);
