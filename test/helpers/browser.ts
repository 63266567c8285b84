import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args';

/**
 * A headless Debian chromium for a test file. Without `extraArgs`, a connection to this jest worker's shared
 * Chromium (started once for the run: browser-servers.ts); closing it closes the file's contexts and leaves the
 * browser to the next file. `extraArgs`: a Chromium of the file's own with more switches, e.g. a phone's view of
 * names only the hotspot answers (`--host-resolver-rules=MAP pisonet.wifi 127.0.0.1:8080`).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  const shared = process.env[`PISONET_CHROMIUM_WS_${process.env.JEST_WORKER_ID ?? '1'}`];
  if (shared && extraArgs.length === 0) return chromium.connect(shared);
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Signs the harness's admin (or another account: a cashier) in on the login page and waits for the dashboard. */
export async function loginAdmin(
  page: Page,
  baseUrl: string,
  who: { username: string; password: string } = { username: 'admin', password: 'correct horse battery' },
): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('#username', who.username);
  await page.fill('#password', who.password);
  await Promise.all([page.waitForURL(/\/admin\/?$/), page.click('button[type=submit]')]);
}

/**
 * Waits for what `wait` waits for (it is given a short timeout each try), moving the page's clock on by `stepMs`
 * between tries: a page that asks the server every few seconds is moved to its next ask instead of sitting it out.
 * The page's timers must be Playwright's clock (`page.clock.install()` before the page loads); its time also runs
 * on its own meanwhile, and the server's answers are real. Fails as `wait` does after `tries` tries.
 */
export async function waitMovingClock(
  page: Page,
  stepMs: number,
  wait: (timeout: number) => Promise<unknown>,
  tries = 30,
): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await wait(300);
      return;
    } catch (e) {
      if (i >= tries) throw e;
    }
    await page.clock.runFor(stepMs);
  }
}
