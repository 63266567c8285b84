/**
 * What views/sheets/batch.ejs needs to draw a sheet: the cards with their code sizes, the page geometry for the
 * layout and design, and the choices of the toolbar. Shared by the admin's print page and the CLI's file.
 */
import {
  CARD_DESIGN_LABELS,
  CARD_DESIGNS,
  codeFontSizeMm,
  sheetGeometry,
  SHEET_LAYOUT_LABELS,
  SHEET_LAYOUTS,
  type CardDesign,
  type SheetInclude,
  type SheetLayout,
} from '../../domain/cards';
import type { PrintableSheet } from './sheet';

export interface SheetChoice {
  /** The choices of a print: paper, which codes, card design, and the part of a long batch. */
  layout: SheetLayout;
  include: SheetInclude;
  design: CardDesign;
  from: number;
}

interface ToolbarLink {
  value: string;
  label: string;
  href: string;
  current: boolean;
}

export interface SheetPageOptions {
  /** The address of this sheet with other choices (the toolbar's links); unused when standalone. */
  hrefFor?: (c: SheetChoice) => string;
  /** Where "Back" goes (the batch page); empty = no back link. */
  backUrl?: string;
  /** A file saved by the CLI: no server behind it, so no toolbar links and the Print script inline. */
  standalone?: boolean;
  printScript?: string;
}

export function sheetPageLocals(sheet: PrintableSheet, layout: SheetLayout, opts: SheetPageOptions = {}) {
  const geo = sheetGeometry(layout, sheet.design);
  const now: SheetChoice = { layout, include: sheet.include, design: sheet.design, from: sheet.part.from };
  const { part } = sheet;
  const href = (c: Partial<SheetChoice>) => (opts.hrefFor ? opts.hrefFor({ ...now, ...c }) : '');
  const link = (value: string, label: string, c: Partial<SheetChoice>, current: boolean): ToolbarLink => ({
    value,
    label,
    href: href(c),
    current,
  });
  return {
    ...sheet,
    cards: sheet.cards.map((c) => ({
      ...c,
      fontMm: codeFontSizeMm(c.printedCode.length, geo.codeWidth, geo.codeMaxFont),
    })),
    layout,
    geo,
    backUrl: opts.backUrl ?? '',
    standalone: opts.standalone === true,
    printScript: opts.printScript ?? '',
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
