/**
 * Where a template's lines go on paper: which lines a card has, how tall it is, how many fit on an A4 page and
 * how long a thermal card is. Pure and in millimetres; views/sheets/_card.ejs and public/css/cards.css draw what
 * this measures, and the browser tests check that nothing spills out of a card.
 */
import { codeFontSizeMm, type SheetLayout } from './cards';
import type { CardTemplate } from './card-template';

/** The lines of a card, top to bottom (the QR code sits beside them on A4, below them on a roll). */
export type CardLines = ReturnType<typeof cardLines>;

/** What the cards of one sheet print that changes their size (every card of a sheet gets the same size). */
export interface SheetTexts {
  /** The header's words: the template's headline, else the shop's name when the logo is on. */
  headline: string;
  /** A logo image is printed (the template asks for it and the shop has one). */
  logoImage: boolean;
  wifi: string;
  hint: string;
  /** Printed codes' longest length (in characters, with their spaces). */
  longestCode: number;
  /** Some card has a separate password. */
  password: boolean;
  /** The plan has a data allowance to print. */
  data: boolean;
  /**
   * The longest plan line: A4's "plan · time · data" (`meta`), a roll's "time · data" (`facts`). An online-time
   * plan's "3h online time, can pause" is long, so these lines wrap to two when they must (never cut off).
   */
  meta?: string;
  facts?: string;
}

export function cardLines(t: CardTemplate, texts: Pick<SheetTexts, 'headline' | 'password' | 'data'>) {
  return {
    band: t.logo || texts.headline !== '',
    price: t.price === 'big',
    wifi: t.show.wifi,
    code: true as const, // always
    password: texts.password,
    // The plan's name, and the price when it is printed on a line.
    plan: t.show.plan || t.price === 'line',
    facts: t.show.validity || (t.show.data && texts.data), // time and data
    speed: t.show.speed,
    hint: t.show.hint,
    footer: t.footer !== '',
    qr: t.qr,
  };
}

/** Font sizes (mm) and spacing per paper; the CSS reads them from the sheet's custom properties. */
const SIZES = {
  a4: {
    base: 2.5, // small lines (WiFi, plan, time, speed, footer)
    lineHeight: 1.2,
    gap: 0.35, // between lines
    bandFont: 2.8,
    logo: 4.6,
    price: 5.2,
    codeMax: 4.6,
    password: 2.9,
    hint: 2.1,
    qr: 21,
  },
  thermal58: {
    base: 2.9,
    lineHeight: 1.25,
    gap: 1,
    bandFont: 3.4,
    logo: 12,
    price: 8,
    codeMax: 5.5,
    password: 3.6,
    hint: 2.5,
    qr: 30,
  },
  thermal80: {
    base: 3.4,
    lineHeight: 1.25,
    gap: 1.2,
    bandFont: 4,
    logo: 14,
    price: 10,
    codeMax: 7,
    password: 4.2,
    hint: 2.9,
    qr: 36,
  },
};

/**
 * The widest a proportional glyph of the print fonts averages over mixed text, as a share of the font size:
 * regular and bold (the header and the last line are bold).
 */
const TEXT_ADVANCE = { regular: 0.6, bold: 0.68 };

/** Lines `text` takes at `fontMm` in `widthMm`, from 1 to `max` (the CSS clamps at the same count). */
export function wrappedLines(
  text: string,
  fontMm: number,
  widthMm: number,
  max: number,
  bold = false,
): number {
  const width = [...text].length * fontMm * TEXT_ADVANCE[bold ? 'bold' : 'regular'];
  return Math.min(max, Math.max(1, Math.ceil(width / widthMm)));
}

/**
 * Paper, card size and the size of each part, per layout (mm): the `@page` size (two lengths, never `auto`),
 * the cards per page (3 × `rows` on A4, one on a roll), the room inside a card (`padX`, `padY`), the lines
 * each text wraps to (the CSS clamps them there).
 */
export type SheetGeometry = ReturnType<typeof sheetGeometry>;

const HEADLINE_MAX_LINES = 2;
const FOOTER_MAX_LINES = 4;
/** A4: a code smaller than this beside the QR code gets the card's whole width under it instead. */
const A4_CODE_MIN_FONT = 3.2;

/** A4: 3 columns of 66 mm; rows of 35.4 mm (8 a page) unless a card needs more. */
const A4 = {
  width: 210,
  height: 297,
  columns: 3,
  cardWidth: 66,
  usable: 283.2,
  maxRows: 8,
  padX: 2.4,
  padY: 2.2,
};
const ROLL_MARGIN = { thermal58: 5.5, thermal80: 5 } as const;
const ROLL_TOP = 3;
const ROLL_BOTTOM = 3;
/** The dashed cut line under a roll card. */
const CUT = 1.8;

/** What every layout measures the same way: widths, wrapped lines, and the height of each part. */
function measure(layout: SheetLayout, t: CardTemplate, texts: SheetTexts) {
  const s = SIZES[layout];
  const lines = cardLines(t, texts);
  const small = s.base * s.lineHeight;
  const qr = lines.qr ? s.qr : 0; // the QR code's side
  const a4 = layout === 'a4';
  const cardWidth = a4 ? A4.cardWidth : layout === 'thermal58' ? 58 : 80;
  const padX = a4 ? A4.padX : ROLL_MARGIN[layout];
  const inner = cardWidth - 2 * padX - (a4 ? 0.4 : 0); // A4: the dashed border
  // The text beside (A4) or above (roll) the QR code; the code's line too, unless a long code would be small
  // there and gets the card's whole width under it.
  const textWidth = a4 && qr ? inner - qr - 2 : inner;
  const codeWide = a4 && qr > 0 && codeFontSizeMm(texts.longestCode, textWidth, s.codeMax) < A4_CODE_MIN_FONT;
  const codeWidth = codeWide ? inner : textWidth;
  const logoBeside = texts.logoImage && a4 ? 18 : 0;
  const headlineLines = wrappedLines(
    texts.headline,
    s.bandFont,
    inner - logoBeside,
    HEADLINE_MAX_LINES,
    true,
  );
  const footerLines = wrappedLines(t.footer, s.base, inner, FOOTER_MAX_LINES, true);
  // A4: the hint runs under the text and the QR code, the card's whole width; on a roll, under the QR code.
  const hintLines = wrappedLines(texts.hint, s.hint, a4 ? inner : textWidth, 2);
  // A4 joins the plan, its time and its data beside the QR code: up to three lines; a roll, time and data: two.
  const metaLines = wrappedLines((a4 ? texts.meta : texts.facts) ?? '', s.base, textWidth, a4 ? 3 : 2);
  const heights = {
    band: !lines.band
      ? 0
      : a4
        ? Math.max(texts.logoImage ? s.logo : 0, headlineLines * s.bandFont * 1.15) + 0.8
        : (texts.logoImage ? s.logo + s.gap : 0) +
          (texts.headline ? headlineLines * s.bandFont * 1.2 : 0) +
          0.8,
    price: lines.price ? s.price * 1.15 : 0,
    wifi: lines.wifi ? small : 0,
    code: codeFontSizeMm(texts.longestCode, codeWidth, s.codeMax) * 1.2,
    password: lines.password ? s.password * 1.2 : 0,
    // A4: the plan and its time and data share a line (two when they must).
    plan: lines.plan || (a4 && lines.facts) ? small * (a4 ? metaLines : 1) : 0,
    facts: !a4 && lines.facts ? small * metaLines : 0,
    speed: lines.speed ? small : 0,
    hint: lines.hint ? hintLines * s.hint * 1.2 : 0,
    footer: lines.footer ? footerLines * small : 0,
  };
  const common = { cardWidth, padX, textWidth, codeWidth, codeWide, codeMaxFont: s.codeMax, qr, sizes: s };
  return { ...common, heights, headlineLines, footerLines, hintLines, metaLines };
}

/** Heights stacked one under the other with the paper's gap between them. */
function stack(heights: number[], gap: number): number {
  const shown = heights.filter((h) => h > 0);
  return shown.reduce((a, b) => a + b, 0) + gap * Math.max(0, shown.length - 1);
}

export function sheetGeometry(layout: SheetLayout, t: CardTemplate, texts: SheetTexts) {
  const m = measure(layout, t, texts);
  const h = m.heights;
  const band = h.band;
  const gap = m.sizes.gap;
  const { heights: _h, ...geo } = m;
  if (layout === 'a4') {
    // Beside the QR code: the text; under both, the whole width: a long code, the hint, the last line.
    const beside = stack([h.price, h.wifi, m.codeWide ? 0 : h.code, h.password, h.plan, h.speed], gap);
    const under = stack([m.codeWide ? h.code : 0, h.hint, h.footer], gap);
    const needed =
      2 * A4.padY + 0.4 + band + (band ? gap : 0) + Math.max(beside, m.qr) + (under ? under + gap : 0);
    const rows = Math.max(1, Math.min(A4.maxRows, Math.floor(A4.usable / needed)));
    return {
      ...geo,
      pageWidth: A4.width,
      pageHeight: A4.height,
      perPage: A4.columns * rows,
      rows,
      cardHeight: Math.floor((A4.usable / rows) * 10) / 10,
      padY: A4.padY,
    };
  }
  // A roll: everything in one column, the QR code under the text and above the hint, the cut line last.
  const column = stack(
    [
      band,
      h.price,
      h.wifi,
      h.code,
      h.password,
      h.plan,
      h.facts,
      h.speed,
      m.qr ? m.qr + 2 : 0,
      h.hint,
      h.footer,
    ],
    gap,
  );
  const pageHeight = Math.ceil(ROLL_TOP + column + gap + CUT + ROLL_BOTTOM);
  return {
    ...geo,
    pageWidth: m.cardWidth,
    pageHeight,
    perPage: 1,
    rows: 1,
    cardHeight: pageHeight,
    padY: ROLL_TOP,
  };
}
