/**
 * Printed voucher cards: which designs and paper layouts exist, and which codes a sheet holds. Pure: the
 * service (src/services/shop/vouchers/sheet.ts) and the three faces (admin, API, CLI) share these names and checks.
 */
import { ValidationError } from './errors';
import { parseOneOf, parseWholeNumber } from './quantities';

/**
 * `custom`: the owner's card design (Card design page: the batch's own, else its profile's, else the shop's; see
 * card-template.ts). `compact`: code, QR and the plan's facts in black. `logo`: the same under the shop's logo and
 * name. The last two are fixed designs, kept for batches printed with them.
 */
export const CARD_DESIGNS = ['custom', 'compact', 'logo'] as const;
export type CardDesign = (typeof CARD_DESIGNS)[number];
export const DEFAULT_CARD_DESIGN: CardDesign = 'custom';

export const CARD_DESIGN_LABELS: Record<CardDesign, string> = {
  custom: 'Your card design',
  compact: 'Compact',
  logo: 'With shop logo',
};

/** A4: 3 cards a row, up to 8 rows (24) a page. Thermal: one card under the other on a 58 mm or 80 mm roll. */
export const SHEET_LAYOUTS = ['a4', 'thermal58', 'thermal80'] as const;
export type SheetLayout = (typeof SHEET_LAYOUTS)[number];

export const SHEET_LAYOUT_LABELS: Record<SheetLayout, string> = {
  a4: 'A4 sheet',
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
  return parseWholeNumber(value, field, [1, 10_000], 'a card number', undefined, 6);
}

/** The design as a person or a program sent it (any case, spaces trimmed); missing → undefined. */
export function parseCardDesign(value: unknown, field = 'design'): CardDesign | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return parseOneOf(value, field, CARD_DESIGNS, 'a card design');
}

/** `thermal` alone (older links and the CLI's `--format thermal`) means the 58 mm roll. */
export function parseSheetLayout(value: unknown, field = 'format'): SheetLayout {
  if (value === undefined || value === null || value === '') return 'a4';
  if (typeof value === 'string' && value.trim().toLowerCase() === 'thermal') return 'thermal58';
  return parseOneOf(value, field, SHEET_LAYOUTS, 'a sheet layout');
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

/** Quick print (the dashboard, `pisonet vouchers print`): one card by default, at most this many at a time. */
export const QUICK_PRINT_MAX = 50;

export function parseQuickCount(value: unknown, field = 'count'): number {
  if (value === undefined || value === null || value === '') return 1;
  return parseWholeNumber(value, field, [1, QUICK_PRINT_MAX], 'a number of cards', undefined, 3);
}

/** Quick print goes to the thermal printer: the design's own roll, else 58 mm. */
export function quickPrintPaper(designPaper: SheetLayout): SheetLayout {
  return designPaper === 'a4' ? 'thermal58' : designPaper;
}
