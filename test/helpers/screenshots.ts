/**
 * Screenshots of pages for a person to look at (under test-output/, not committed). A screenshot asserts nothing,
 * and a full-page one costs about a second of a busy machine (the page drawn again at its whole height), so a
 * plain `npm test` takes none: `PISONET_SCREENSHOTS=1 npm test` (or a single file run that way) writes them all.
 * A test that reads pixels (a QR code, helpers/qr.ts) takes its own screenshot whatever this says.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

export const SCREENSHOTS_ON = process.env.PISONET_SCREENSHOTS === '1';

/** Where the browser tests put their screenshots. */
export const SHOTS_DIR = path.join(__dirname, '..', '..', 'test-output', 'screenshots');

/** `target.screenshot(options)`, when screenshots are asked for; the folder made first. */
export async function saveScreenshot(
  target: Page | Locator,
  options: { path: string; fullPage?: boolean },
): Promise<void> {
  if (!SCREENSHOTS_ON) return;
  fs.mkdirSync(path.dirname(options.path), { recursive: true });
  if ('goto' in target) await target.screenshot(options);
  else await target.screenshot({ path: options.path });
}
