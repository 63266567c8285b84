import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * Debian's chromium, headless, with background networking off (this network is closed: Chromium's own
 * connections would be refused, many at a time). `extraArgs`: more switches, e.g. a phone's view of names only
 * the hotspot answers (`--host-resolver-rules=MAP pisonet.wifi 127.0.0.1:8080`).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/** Signs the harness's admin in on the login page and waits for the dashboard. */
export async function loginAdmin(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/login`);
  await page.fill('#username', 'admin');
  await page.fill('#password', 'correct horse battery');
  await Promise.all([page.waitForURL(/\/admin$/), page.click('button[type=submit]')]);
}
