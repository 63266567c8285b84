/**
 * The owner's card designs printed to PDF by Chromium at A4, 58 mm and 80 mm: the page size the printer gets,
 * every card's code readable and inside its card, and every QR code read from the rendered pixels (as a phone's
 * camera would) to the card's own login link. The PDFs and their pages as PNGs land in test-output/cards/ to be
 * looked at.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext } from 'playwright-core';
import { PNG } from 'pngjs';
import { formatCodeForPrint } from '../../src/domain/codes';
import { projectPath } from '../../src/lib/paths';
import { SYSTEM, type VoucherView } from '../../src/services/types';
import { launchChromium } from '../helpers/browser';
import { createHarness, Harness } from '../helpers/harness';
import { decodeQrAt, measureCards, pdfInfo, readPng, renderPdf } from '../helpers/pdf-cards';
import { AUTH } from '../portal/helpers';

jest.setTimeout(120_000);

const OUT = projectPath('test-output', 'cards');
const LOGIN = 'http://wifi.shop/login';
/** A thermal printer's resolution (203 dpi, 8 dots a millimetre); A4 at an office printer's draft 150. */
const DPI = { a4: 150, thermal58: 203, thermal80: 203 } as const;

/** A round orange logo with a white arc: a PNG like a shop's, with transparent corners. */
function shopLogo(): string {
  const png = new PNG({ width: 96, height: 96 });
  for (let y = 0; y < 96; y++)
    for (let x = 0; x < 96; x++) {
      const i = (y * 96 + x) * 4;
      const d = Math.hypot(x - 48, y - 48);
      const arc = d > 26 && d < 34 && y < 52;
      png.data.set(d < 44 ? (arc ? [255, 255, 255, 255] : [230, 120, 20, 255]) : [255, 255, 255, 0], i);
    }
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

describe('card designs printed to PDF', () => {
  let h: Harness;
  let browser: Browser;
  let admin: BrowserContext;

  beforeAll(async () => {
    fs.rmSync(OUT, { recursive: true, force: true });
    fs.mkdirSync(OUT, { recursive: true });
    h = await createHarness({ http: true, env: { HOTSPOT_LOGIN_URL: LOGIN, WIFI_NAME: 'AlingNena-WiFi' } });
    const s = h.core!.services;
    await s.settings.set('shop.name', 'Aling Nena Store', SYSTEM);
    await s.settings.set('shop.logo', shopLogo(), SYSTEM);
    await s.cards.save(
      { kind: 'shop' },
      {
        headline: 'Aling Nena WiFi',
        footer: 'Salamat po! Balik po kayo.',
        accent: '#b3261e',
        background: '#fff8e1',
      },
      SYSTEM,
    );
    // A profile of its own colours: white text on a dark card, the price in yellow.
    await s.cards.save(
      { kind: 'profile', profile: 'STANDARD' },
      { accent: '#ffd54f', background: '#1a237e' },
      SYSTEM,
    );
    browser = await launchChromium();
    admin = await browser.newContext({ extraHTTPHeaders: AUTH });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /**
   * Prints `batchId` on `format` to PDF and checks it as a printer and a phone would: the page size, every card's
   * text inside its card, and every card's QR code read from the page's pixels to its own login link.
   */
  async function printAndScan(
    batchId: number,
    vouchers: VoucherView[],
    format: keyof typeof DPI,
    name: string,
  ) {
    const page = await admin.newPage();
    const res = await page.goto(`${h.app!.url}/admin/vouchers/batches/${batchId}/print?format=${format}`);
    expect(res!.status()).toBe(200);
    const file = path.join(OUT, `${name}.pdf`);
    await page.pdf({ path: file, preferCSSPageSize: true, printBackground: true });
    const cards = await measureCards(page);
    await page.close();

    const info = pdfInfo(file);
    const width = { a4: 210, thermal58: 58, thermal80: 80 }[format];
    expect(Math.abs(info.widthMm - width)).toBeLessThan(0.5); // Chromium rounds to its pixel grid
    if (format === 'a4') expect(Math.abs(info.heightMm - 297)).toBeLessThan(0.5);
    else expect(info.pages).toBe(vouchers.length);

    const pngs = renderPdf(file, DPI[format], path.join(OUT, name));
    expect(pngs).toHaveLength(info.pages);
    const pages = pngs.map(readPng);
    expect(cards).toHaveLength(vouchers.length);
    cards.forEach((card, i) => {
      const v = vouchers[i];
      expect(card.text).toContain(formatCodeForPrint(v.code));
      if (v.password) expect(card.text).toMatch(new RegExp(`Password:\\s*${v.password}`));
      expect({ code: v.code, fits: card.fits, codeFits: card.codeFits, cut: card.cut }).toEqual({
        code: v.code,
        fits: true,
        codeFits: true,
        cut: [],
      });
      expect(card.qr!.size).toBeGreaterThanOrEqual(format === 'a4' ? 18 : 28); // mm: a phone reads it at arm's length
      const link = decodeQrAt(pages[card.pageIndex], card.qr!, DPI[format]);
      expect(link).not.toBeNull();
      const url = new URL(link!);
      expect(`${url.origin}${url.pathname}`).toBe(LOGIN);
      expect(url.searchParams.get('code')).toBe(v.code);
      if (url.searchParams.has('password')) expect(url.searchParams.get('password')).toBe(v.password);
    });
    return { info, cards, file };
  }

  it('A4: the shop’s design (logo, headline, colours, last line) on every card, every QR code scanned', async () => {
    const s = h.core!.services;
    const { batchId, vouchers } = await s.vouchers.generate({ profile: 'BASIC', count: 26 }, SYSTEM);
    const { info, cards } = await printAndScan(batchId, vouchers, 'a4', 'a4-shop-design');
    expect(info.pages).toBe(Math.ceil(26 / cards.filter((c) => c.pageIndex === 0).length));
    for (const c of cards) {
      expect(c.text).toContain('Aling Nena WiFi');
      expect(c.text).toContain('Salamat po! Balik po kayo.');
      expect(c.text).toContain('₱5.00');
      expect(c.text).toContain('AlingNena-WiFi');
    }
  });

  it('A4: a profile’s dark card with white text, its QR codes on a white frame, all scanned', async () => {
    const s = h.core!.services;
    const { batchId, vouchers } = await s.vouchers.generate({ profile: 'STANDARD', count: 6 }, SYSTEM);
    await printAndScan(batchId, vouchers, 'a4', 'a4-dark-profile');
  });

  it('58 mm: one card a page, the owner’s wording, every QR code scanned at the printer’s resolution', async () => {
    const s = h.core!.services;
    const { batchId, vouchers } = await s.vouchers.generate({ profile: 'BASIC', count: 4 }, SYSTEM);
    const { cards } = await printAndScan(batchId, vouchers, 'thermal58', 'thermal58-shop-design');
    for (const c of cards) expect(c.text).toMatch(/Aling Nena WiFi[\s\S]*Salamat po! Balik po kayo\./);
  });

  it('58 and 80 mm and A4: the longest codes with a password and the longest wording stay inside their cards', async () => {
    const s = h.core!.services;
    await s.cards.save(
      { kind: 'profile', profile: 'PREMIUM' },
      {
        headline: 'Aling Nena Sari-Sari Store & Computer WiFi'.slice(0, 40),
        footer: 'Salamat po! Balik po kayo. Bawal mag-download ng malalaking file tuwing gabi po.'.slice(
          0,
          80,
        ),
      },
      SYSTEM,
    );
    const { batchId, vouchers } = await s.vouchers.generate(
      {
        profile: 'PREMIUM',
        count: 3,
        prefix: 'PISONET8',
        length: 16,
        passwordAlphabet: 'digits',
        passwordLength: 8,
      },
      SYSTEM,
    );
    expect(vouchers[0].password).toMatch(/^\d{8}$/);
    for (const format of ['thermal58', 'thermal80', 'a4'] as const)
      await printAndScan(batchId, vouchers, format, `${format}-longest`);
  });
});
