/**
 * Printed voucher cards: which designs and paper layouts exist, and which codes a sheet holds. Pure: the
 * service (src/services/vouchers/sheet.ts) and the three faces (admin, API, CLI) share these names and checks.
 */
import { ValidationError } from './errors';

/** `compact`: code, QR and the plan's facts. `logo`: the same under the shop's logo and name, a card with a header. */
export const CARD_DESIGNS = ['compact', 'logo'] as const;
export type CardDesign = (typeof CARD_DESIGNS)[number];
export const DEFAULT_CARD_DESIGN: CardDesign = 'compact';

export const CARD_DESIGN_LABELS: Record<CardDesign, string> = {
  compact: 'Compact',
  logo: 'With shop logo',
};

/** A4: 24 cards, 3 × 8, on one page. Thermal: one card under the other on a 58 mm or 80 mm roll. */
export const SHEET_LAYOUTS = ['a4', 'thermal58', 'thermal80'] as const;
export type SheetLayout = (typeof SHEET_LAYOUTS)[number];

export const SHEET_LAYOUT_LABELS: Record<SheetLayout, string> = {
  a4: 'A4 sheet (24 per page)',
  thermal58: 'Thermal 58 mm',
  thermal80: 'Thermal 80 mm',
};

/** Which codes a sheet prints: only those that can still be sold, or every code of the batch. */
export const SHEET_INCLUDES = ['unused', 'all'] as const;
export type SheetInclude = (typeof SHEET_INCLUDES)[number];

/**
 * Cards in one printed sheet: 20 A4 pages (480 = 20 × 24). A batch of up to 10,000 codes prints in parts, so a
 * phone's browser never builds a page of thousands of QR codes.
 */
export const SHEET_MAX_CARDS = 480;

/** The first card of a part (`from`, 1-based, as a person counts), default 1. */
export function parseSheetFrom(value: unknown, field = 'from'): number {
  if (value === undefined || value === null || value === '') return 1;
  const s = typeof value === 'string' ? value.trim() : value;
  const n = typeof s === 'number' ? s : typeof s === 'string' && /^\d{1,6}$/.test(s) ? Number(s) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw ValidationError.invalid(field, value, 'a card number', 'use a whole number from 1 to 10000');
  return n;
}

/** The design as a person or a program sent it (any case, spaces trimmed); missing → undefined. */
export function parseCardDesign(value: unknown, field = 'design'): CardDesign | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const s = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof s === 'string' && (CARD_DESIGNS as readonly string[]).includes(s)) return s as CardDesign;
  throw ValidationError.invalid(field, value, 'a card design', `use one of ${CARD_DESIGNS.join(', ')}`);
}

/** `thermal` alone (older links and the CLI's `--format thermal`) means the 58 mm roll. */
export function parseSheetLayout(value: unknown, field = 'format'): SheetLayout {
  if (value === undefined || value === null || value === '') return 'a4';
  const s = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (s === 'thermal') return 'thermal58';
  if (typeof s === 'string' && (SHEET_LAYOUTS as readonly string[]).includes(s)) return s as SheetLayout;
  throw ValidationError.invalid(field, value, 'a sheet layout', `use one of ${SHEET_LAYOUTS.join(', ')}`);
}

export function parseSheetInclude(value: unknown, field = 'include'): SheetInclude {
  if (value === undefined || value === null || value === '') return 'unused';
  const s = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (typeof s === 'string' && (SHEET_INCLUDES as readonly string[]).includes(s)) return s as SheetInclude;
  throw ValidationError.invalid(field, value, 'a choice of codes', 'use unused or all');
}

/** The card's speed line, download first: `↓ 2 Mbps ↑ 1 Mbps`. */
export function speedLine(down: string, up: string): string {
  return `↓ ${down} ↑ ${up}`;
}

/** The widest a monospace glyph of the print fonts is, as a share of the font size (DejaVu Sans Mono: 0.602). */
const MONO_ADVANCE = 0.62;

/**
 * A font size (mm) at which `chars` monospace characters fit in `widthMm` on one line, at most `maxMm`: long
 * codes (a prefix plus 12 characters) shrink instead of wrapping.
 */
export function codeFontSizeMm(chars: number, widthMm: number, maxMm: number): number {
  const fit = widthMm / (Math.max(chars, 1) * MONO_ADVANCE);
  return Math.floor(Math.min(fit, maxMm) * 10) / 10;
}

/** Paper, card size and where the code goes, per layout and design (mm). */
export interface SheetGeometry {
  /** `@page` size: a valid CSS page size (two lengths), never `auto`. */
  pageWidth: number;
  pageHeight: number;
  /** Cards per page: 24 (3 × 8) on A4, one per page on a roll. */
  perPage: number;
  /** Width the code has on its line, and its largest size. */
  codeWidth: number;
  codeMaxFont: number;
  /** QR code side. */
  qr: number;
}

export function sheetGeometry(layout: SheetLayout, design: CardDesign): SheetGeometry {
  const logo = design === 'logo';
  switch (layout) {
    case 'a4':
      // 66 × 35.4 mm cards; the code shares the width with the QR code.
      return {
        pageWidth: 210,
        pageHeight: 297,
        perPage: 24,
        codeWidth: 38,
        codeMaxFont: 4.6,
        qr: logo ? 20 : 23,
      };
    case 'thermal58':
      // 58 mm paper, 48 mm printable: one card per page, cut after each.
      return {
        pageWidth: 58,
        pageHeight: logo ? 94 : 70,
        perPage: 1,
        codeWidth: 47,
        codeMaxFont: 5.5,
        qr: 30,
      };
    case 'thermal80':
      // 80 mm paper, 72 mm printable.
      return {
        pageWidth: 80,
        pageHeight: logo ? 104 : 80,
        perPage: 1,
        codeWidth: 70,
        codeMaxFont: 7,
        qr: 36,
      };
  }
}
