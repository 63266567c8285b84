import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectPath } from '../../src/lib/paths';

/**
 * Debian's chromium, headless, with background networking off (this network is closed: Chromium's own
 * connections would be refused, many at a time).
 */
export function launchChromium(): Promise<Browser> {
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
    ],
  });
}

export const SCREENSHOTS = projectPath('test-output', 'screenshots');

/** Saves a full-page screenshot under test-output/screenshots and prints its path into the test output. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = `${SCREENSHOTS}/${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
  return file;
}
