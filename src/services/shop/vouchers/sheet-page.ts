/**
 * What views/sheets/batch.ejs (and the Card design page's preview, views/sheets/preview.ejs) needs to draw cards:
 * the design's lines, colours and wording, the page geometry for the paper (src/domain/card-layout.ts), the
 * cards with their code sizes, and the choices of the toolbar. Shared by the admin's print page and the CLI's file.
 */
import {
  CARD_DESIGN_LABELS,
  CARD_DESIGNS,
  codeFontSizeMm,
  SHEET_LAYOUT_LABELS,
  SHEET_LAYOUTS,
  type CardDesign,
  type SheetInclude,
  type SheetLayout,
} from '../../../domain/cards';
import { cardLines, sheetGeometry, type SheetGeometry } from '../../../domain/card-layout';
import { cardColours, type CardColours } from '../../../domain/card-template';
import type { CardLinkTarget } from './card-link';
import { translator, type Translator } from '../../../i18n';
import type { PrintableSheet } from './sheet';

export interface SheetChoice {
  /** The choices of a print: paper, which codes, card design, and the part of a long batch. */
  layout: SheetLayout;
  include: SheetInclude;
  design: CardDesign;
  from: number;
}

interface SheetPageOptions {
  /** The address of this sheet with other choices (the toolbar's links); unused when standalone. */
  hrefFor?: (c: SheetChoice) => string;
  /** Where "Back" goes (the batch page); empty = no back link. */
  backUrl?: string;
  /** Where "Edit card design" goes; empty = no link (the CLI's file). */
  editUrl?: string;
  /** A file saved by the CLI: no server behind it, so no toolbar links, and the script and styles inline. */
  standalone?: boolean;
  printScript?: string;
  cardStyles?: string;
}

/** What the customer is told to do, by where the QR code leads (or without one). */
function hintFor(target: CardLinkTarget, qr: boolean, t: Translator['t']): string {
  if (!qr) return t('card.hint_type');
  return target.kind === 'login' ? t('card.hint_scan') : t('card.hint_scan_or_type');
}

type CardsInput = Pick<PrintableSheet, 'cards' | 'template' | 'shop' | 'logo' | 'wifi' | 'target'>;

/** Lines, colours, geometry and code sizes for `cards` on `layout`, as the card partial draws them. */
export function cardLook(input: CardsInput, layout: SheetLayout) {
  const t = input.template;
  const headline = t.headline || (t.logo ? input.shop : '');
  const logo = t.logo ? input.logo : null;
  const { t: say } = translator(t.language);
  const hint = hintFor(input.target, t.qr, say);
  const words = input.cards.map((c) => {
    const plan = [t.show.plan ? c.profile : '', t.price === 'line' ? c.price : '']
      .filter(Boolean)
      .join(' · ');
    const facts = [
      t.show.validity ? c.validity : '',
      t.show.data && c.data ? say('card.data', { size: c.data }) : '',
    ]
      .filter(Boolean)
      .join(' · ');
    return { plan, facts, meta: [plan, facts].filter(Boolean).join(' · ') };
  });
  const longest = (k: 'meta' | 'facts') =>
    words.map((w) => w[k]).reduce((a, b) => (b.length > a.length ? b : a), '');
  const texts = {
    headline,
    logoImage: logo !== null,
    wifi: input.wifi,
    hint,
    longestCode: Math.max(1, ...input.cards.map((c) => c.printedCode.length)),
    password: input.cards.some((c) => c.password !== null),
    data: input.cards.some((c) => c.data !== null),
    meta: longest('meta'),
    facts: longest('facts'),
  };
  const geo = sheetGeometry(layout, t, texts);
  const colours = cardColours(t, layout);
  /** How every card of a sheet looks: views/sheets/_card.ejs reads it. */
  const look = {
    template: t,
    colours,
    lines: cardLines(t, texts),
    /** The header's words (the headline, else the shop's name when the logo is on; '' for none). */
    headline,
    /** The logo image (a safe data: URL) when the design prints it, else null. */
    logo,
    wifi: input.wifi,
    hint,
    footer: t.footer,
    /** The card's fixed words in its language: the labels before the WiFi name and the password. */
    words: { wifi: say('card.wifi'), password: say('card.password') },
    /** A4: the code under the QR code, the card's whole width (a long code). */
    codeWide: geo.codeWide,
    /** The CSS custom properties public/css/cards.css sizes and colours the cards with. */
    style: styleOf(geo, colours, t.background !== '#ffffff' && layout === 'a4'),
  };
  const cards = input.cards.map((c, i) => ({
    ...c,
    fontMm: codeFontSizeMm(c.printedCode.length, geo.codeWidth, geo.codeMaxFont),
    plan: words[i].plan,
    facts: words[i].facts,
  }));
  return { look, geo, cards };
}

/** The sheet's custom properties (mm and colours), one `style` attribute. */
function styleOf(geo: SheetGeometry, colours: CardColours, qrBox: boolean): string {
  const s = geo.sizes;
  const mm = (n: number) => `${Math.round(n * 100) / 100}mm`;
  const vars: Record<string, string> = {
    '--page-w': mm(geo.pageWidth),
    '--page-h': mm(geo.pageHeight),
    '--card-w': mm(geo.cardWidth),
    '--card-h': mm(geo.cardHeight),
    '--rows': String(geo.rows),
    '--pad-x': mm(geo.padX),
    '--pad-y': mm(geo.padY),
    '--qr': mm(geo.qr),
    // A white frame around the QR code on a coloured card: scanners need a light margin around the code.
    '--qr-pad': qrBox ? '1.2mm' : '0mm',
    '--base': mm(s.base),
    '--lh': String(s.lineHeight),
    '--gap': mm(s.gap),
    '--band-font': mm(s.bandFont),
    '--logo': mm(s.logo),
    '--price': mm(s.price),
    '--password': mm(s.password),
    '--hint': mm(s.hint),
    '--headline-lines': String(geo.headlineLines),
    '--footer-lines': String(geo.footerLines),
    '--hint-lines': String(geo.hintLines),
    '--meta-lines': String(geo.metaLines),
    '--accent': colours.accent,
    '--bg': colours.background,
    '--ink': colours.ink,
    '--accent-ink': colours.accentInk,
  };
  return Object.entries(vars)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
}

export function sheetPageLocals(sheet: PrintableSheet, layout: SheetLayout, opts: SheetPageOptions = {}) {
  const { look, geo, cards } = cardLook(sheet, layout);
  const now: SheetChoice = { layout, include: sheet.include, design: sheet.design, from: sheet.part.from };
  const { part } = sheet;
  const href = (c: Partial<SheetChoice>) => (opts.hrefFor ? opts.hrefFor({ ...now, ...c }) : '');
  const link = (value: string, label: string, c: Partial<SheetChoice>, current: boolean) => ({
    value,
    label,
    href: href(c),
    current,
  });
  // `include` would hide EJS's include() from the view: the choice of codes is `codes` there.
  const { include, ...rest } = sheet;
  return {
    ...rest,
    codes: include,
    cards,
    look,
    layout,
    geo,
    backUrl: opts.backUrl ?? '',
    editUrl: opts.editUrl ?? '',
    standalone: opts.standalone === true,
    printScript: opts.printScript ?? '',
    cardStyles: opts.cardStyles ?? '',
    layouts: SHEET_LAYOUTS.map((l) => link(l, SHEET_LAYOUT_LABELS[l], { layout: l }, l === layout)),
    includes: [
      link('unused', 'Unused only', { include: 'unused', from: 1 }, sheet.include === 'unused'),
      link('all', 'All codes', { include: 'all', from: 1 }, sheet.include === 'all'),
    ],
    // A batch longer than one part: links to the part before and after this one.
    parts: {
      previous: part.from > 1 ? href({ from: Math.max(1, part.from - part.size) }) : '',
      next: part.to < part.chosen ? href({ from: part.to + 1 }) : '',
    },
    designs: CARD_DESIGNS.map((d) => link(d, CARD_DESIGN_LABELS[d], { design: d }, d === sheet.design)),
  };
}
