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
  /** The three choices of a print: paper, which codes, card design. */
  layout: SheetLayout;
  include: SheetInclude;
  design: CardDesign;
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
  const now: SheetChoice = { layout, include: sheet.include, design: sheet.design };
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
      link('unused', 'Unused only', { include: 'unused' }, sheet.include === 'unused'),
      link('all', 'All codes', { include: 'all' }, sheet.include === 'all'),
    ],
    designs: CARD_DESIGNS.map((d) => link(d, CARD_DESIGN_LABELS[d], { design: d }, d === sheet.design)),
  };
}
