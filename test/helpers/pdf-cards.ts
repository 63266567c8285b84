/**
 * Printed cards as a printer gets them: a print page saved as PDF by Chromium (its CSS page size), the PDF's
 * pages rendered to pixels by pdftoppm, and every card's QR code read from those pixels like a phone's camera.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';

export const PT_PER_MM = 72 / 25.4;

export function pdfInfo(file: string): { pages: number; widthMm: number; heightMm: number } {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)![1]);
  const [, w, h] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!;
  return { pages, widthMm: Number(w) / PT_PER_MM, heightMm: Number(h) / PT_PER_MM };
}

/** Where a card's QR code and code are on its PDF page (mm from the page's top left), and what it prints. */
export interface PrintedCard {
  pageIndex: number;
  qr: { x: number; y: number; size: number } | null;
  text: string;
  /** The card's content fits its box (nothing cut at its edges). */
  fits: boolean;
  /** The code's line fits its box, on one line. */
  codeFits: boolean;
  /** Lines shortened to fit (a clamped header or last line, an ellipsis): their class names. */
  cut: string[];
}

/**
 * The cards of a print page laid out as for printing (print media), measured in mm from their page's corner:
 * each `.page` section is one PDF page at margin 0.
 */
export async function measureCards(page: Page): Promise<PrintedCard[]> {
  await page.emulateMedia({ media: 'print' });
  const cards = (await page.evaluate(`(() => {
    const MM = 25.4 / 96;
    const out = [];
    document.querySelectorAll('.page').forEach((p, pageIndex) => {
      const o = p.getBoundingClientRect();
      p.querySelectorAll('.card').forEach((c) => {
        const q = c.querySelector('.qr');
        const r = q && q.getBoundingClientRect();
        const code = c.querySelector('.code');
        const cut = [];
        c.querySelectorAll('.headline, .footer, .hint').forEach((el) => {
          if (el.scrollHeight > el.clientHeight + 1) cut.push(el.className);
        });
        c.querySelectorAll('.wifi, .meta, .password, .price').forEach((el) => {
          if (el.scrollWidth > el.clientWidth + 1) cut.push(el.className);
        });
        const lines = code.getBoundingClientRect().height / parseFloat(getComputedStyle(code).fontSize);
        out.push({
          pageIndex,
          qr: r ? { x: (r.left - o.left) * MM, y: (r.top - o.top) * MM, size: r.width * MM } : null,
          text: c.innerText,
          fits: c.scrollHeight <= c.clientHeight + 1 && c.scrollWidth <= c.clientWidth + 1,
          codeFits: code.scrollWidth <= code.clientWidth + 1 && lines < 1.6,
          cut,
        });
      });
    });
    return out;
  })()`)) as PrintedCard[];
  await page.emulateMedia({ media: 'screen' });
  return cards;
}

/** Renders every page of `pdf` at `dpi` (pdftoppm); returns the PNG files in page order. */
export function renderPdf(pdf: string, dpi: number, prefix: string): string[] {
  execFileSync('pdftoppm', ['-png', '-r', String(dpi), pdf, prefix]);
  const dir = path.dirname(prefix);
  const base = path.basename(prefix);
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(`${base}-`) && f.endsWith('.png'))
    .sort((a, b) => Number(/-(\d+)\.png$/.exec(a)![1]) - Number(/-(\d+)\.png$/.exec(b)![1]))
    .map((f) => path.join(dir, f));
}

/** Reads the QR code inside `box` (mm, with a margin around it) of a page rendered at `dpi`. */
export function decodeQrAt(
  png: PNG,
  box: { x: number; y: number; size: number },
  dpi: number,
): string | null {
  const px = (mm: number) => Math.round((mm * dpi) / 25.4);
  const margin = 2.5;
  const x0 = Math.max(0, px(box.x - margin));
  const y0 = Math.max(0, px(box.y - margin));
  const w = Math.min(png.width - x0, px(box.size + 2 * margin));
  const h = Math.min(png.height - y0, px(box.size + 2 * margin));
  const data = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * png.width + x0) * 4;
    data.set(png.data.subarray(from, from + w * 4), y * w * 4);
  }
  return jsQR(data, w, h)?.data ?? null;
}

export const readPng = (file: string): PNG => PNG.sync.read(fs.readFileSync(file));
