import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';

/** What the first card's QR code on a print page holds, read from pixels like a phone's camera. */
export async function decodeFirstQr(page: Page): Promise<string> {
  const box = (await page.locator('.card .qr').first().boundingBox())!;
  // A white margin around the code, as the card's paper gives it.
  const png = await page.screenshot({
    clip: { x: box.x - 12, y: box.y - 12, width: box.width + 24, height: box.height + 24 },
  });
  const img = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(img.data), img.width, img.height);
  if (!found) throw new Error('no QR code found in the screenshot');
  return found.data;
}
