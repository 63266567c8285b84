import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { formatCodeForPrint } from '../../src/domain/codes';
import { projectPath } from '../../src/lib/paths';
import { SYSTEM } from '../../src/services/types';
import { launchChromium } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { AUTH, addDevice, redeemApi } from '../portal/helpers';
import { saveScreenshot } from '../helpers/screenshots';

/** PDFs and screenshots land here for a person to look at (test-output/ is not committed). */
const OUT = projectPath('test-output', 'sheets');
const MM = 72 / 25.4;

function pdfInfo(file: string): { pages: number; width: number; height: number } {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
  const [, w, h] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!;
  return { pages, width: Number(w), height: Number(h) };
}

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });

describe('printed sheets as PDF (Chromium, the CSS page size)', () => {
  let h: Harness;
  let browser: Browser;
  let admin: BrowserContext;
  let unused: string[];
  let used: string;
  let revoked: string;
  let batchId: number;

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    browser = await launchChromium();
    h = await createHarness({
      http: true,
      env: { HOTSPOT_LOGIN_URL: 'http://wifi.shop/login', WIFI_NAME: 'AlingNena-WiFi' },
    });
    await h.core!.services.settings.set('shop.name', 'Aling Nena Store', SYSTEM);
    // 26 codes: one sold and used, one revoked, 24 still for sale.
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 26 }, SYSTEM);
    batchId = out.batchId;
    const codes = out.vouchers.map((v) => v.code);
    used = codes[3];
    revoked = codes[10];
    const d = addDevice(h, 1);
    expect((await redeemApi(h, { code: used, ...d })).status).toBe(200);
    await h.core!.services.vouchers.revoke(revoked, SYSTEM);
    unused = codes.filter((c) => c !== used && c !== revoked);
    admin = await browser.newContext({ extraHTTPHeaders: AUTH });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function printPdf(query: string, name: string): Promise<string> {
    const page = await admin.newPage();
    const res = await page.goto(`${h.app!.url}/admin/vouchers/batches/${batchId}/print?${query}`);
    expect(res!.status()).toBe(200);
    const file = path.join(OUT, `${name}.pdf`);
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    await page.close();
    return file;
  }

  it('A4: the 24 unused cards on exactly one A4 page; used and revoked codes left out', async () => {
    const file = await printPdf('format=a4&design=compact', 'a4-unused');
    const info = pdfInfo(file);
    expect(info.pages).toBe(1);
    expect(Math.abs(info.width - 210 * MM)).toBeLessThan(1);
    expect(Math.abs(info.height - 297 * MM)).toBeLessThan(1);
    const text = pdfText(file);
    for (const c of unused) expect(text).toContain(formatCodeForPrint(c));
    expect(text).not.toContain(formatCodeForPrint(used));
    expect(text).not.toContain(formatCodeForPrint(revoked));
    expect(text).toContain('AlingNena-WiFi');
    expect(text).toContain('₱5.00');
    expect(text).toMatch(/↓ 1 Mbps ↑ 512 kbps/);
    // The design with the shop's name on each card keeps the same grid.
    expect(pdfInfo(await printPdf('format=a4&design=logo', 'a4-logo')).pages).toBe(1);
    expect(text).not.toContain('Back to batch');
    expect(text).not.toContain('Print');
  });

  it('A4 with every code: 26 cards, used and revoked included, over two pages', async () => {
    const file = await printPdf('format=a4&include=all', 'a4-all');
    expect(pdfInfo(file).pages).toBe(2);
    const text = pdfText(file);
    expect(text).toContain(formatCodeForPrint(used));
    expect(text).toContain(formatCodeForPrint(revoked));
  });

  it.each([
    ['thermal58', 58],
    ['thermal80', 80],
  ])('%s: a roll %d mm wide, one card per page, unused codes only', async (format, width) => {
    const file = await printPdf(`format=${format}&design=compact`, `${format}-unused`);
    const info = pdfInfo(file);
    expect(Math.abs(info.width - width * MM)).toBeLessThan(1); // Chromium rounds to its pixel grid
    expect(info.pages).toBe(24);
    const text = pdfText(file);
    expect(text).not.toContain(formatCodeForPrint(used));
    for (const c of unused) expect(text).toContain(formatCodeForPrint(c));
    // The logo design is a longer card: a page of its own size.
    const logo = pdfInfo(await printPdf(`format=${format}&design=logo`, `${format}-logo`));
    expect(Math.abs(logo.width - width * MM)).toBeLessThan(1);
    expect(logo.height).toBeGreaterThan(info.height);
    expect(logo.pages).toBe(24);
  });

  it('the longest codes stay on one line on every layout; the toolbar fits a phone', async () => {
    const long = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 3, prefix: 'PISONET8', length: 16, design: 'logo' },
      SYSTEM,
    );
    for (const [format, width] of [
      ['a4', 1280],
      ['thermal58', 1280],
      ['thermal80', 390],
      ['a4', 390],
    ] as const) {
      const page = await admin.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.app!.url}/admin/vouchers/batches/${long.batchId}/print?format=${format}`);
      // Each code's text, whether it fits its box, and its height in lines of its own font size.
      const codes = (await page.evaluate(`[...document.querySelectorAll('.code')].map((el) => ({
        text: el.textContent,
        fits: el.scrollWidth <= el.clientWidth + 1,
        lines: el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).fontSize),
      }))`)) as { text: string; fits: boolean; lines: number }[];
      expect(codes).toHaveLength(3);
      for (const c of codes) {
        expect(c.text).toHaveLength(29);
        expect(c.fits).toBe(true);
        expect(c.lines).toBeLessThan(1.6);
      }
      // Print and Back are on screen, and nothing makes the page scroll sideways.
      expect(await page.getByTestId('print').isVisible()).toBe(true);
      expect(await page.getByTestId('back').getAttribute('href')).toBe(
        `/admin/vouchers/batches/${long.batchId}`,
      );
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await saveScreenshot(page, {
        path: path.join(OUT, `long-${format}-${width}.png`),
        fullPage: width === 390,
      });
      await page.close();
    }
  });

  it('screens at 390 and 1280 px, and the Print button opens the print dialog', async () => {
    for (const width of [390, 1280]) {
      const page = await admin.newPage();
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.app!.url}/admin/vouchers/batches/${batchId}/print?format=a4`);
      await saveScreenshot(page, { path: path.join(OUT, `a4-${width}.png`) });
      await page.goto(`${h.app!.url}/admin/vouchers/batches/${batchId}/print?format=thermal58&design=logo`);
      await saveScreenshot(page, { path: path.join(OUT, `thermal58-${width}.png`) });
      await page.evaluate('window.printed = 0; window.print = () => { window.printed += 1; };');
      await page.getByTestId('print').click();
      expect(await page.evaluate('window.printed')).toBe(1);
      await page.close();
    }
  });
});
