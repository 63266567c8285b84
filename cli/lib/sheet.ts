import fs from 'node:fs';
import { writeOperatorFile } from './files';
import ejs from 'ejs';
import type { Core } from '../../src/core';
import type { CardDesign, SheetInclude, SheetLayout } from '../../src/domain/cards';
import { projectPath } from '../../src/lib/paths';
import {
  cardLinkTarget,
  cardRoutersFor,
  type CardLinkTarget,
} from '../../src/services/shop/vouchers/card-link';
import { openSiteRouter, type SiteRouter } from './site-router';
import type { PrintableSheet } from '../../src/services/shop/vouchers/sheet';
import { sheetPageLocals } from '../../src/services/shop/vouchers/sheet-page';

const VIEW = projectPath('views', 'sheets', 'batch.ejs');
const PRINT_SCRIPT = projectPath('public', 'js', 'sheet.js');
const CARD_STYLES = projectPath('public', 'css', 'cards.css');

/** Where the QR codes point when no login page is known: PORTAL_URL, else the server's own port on this box. */
function portalBase(core: Core): string {
  return core.config.portalUrl || `http://localhost:${core.config.port}`;
}

/**
 * Where the batch's QR codes point: through the login page of the router(s) its cards are used on. The terminal
 * connects to a branch's router (every router for a roaming batch) just long enough to read its hotspot name.
 */
async function batchCardTarget(core: Core, batchId: number): Promise<CardLinkTarget> {
  const opened: SiteRouter[] = [];
  try {
    const routers = await cardRoutersFor(core, { batchId }, async (id) => {
      try {
        const s = await openSiteRouter(core, String(id));
        opened.push(s);
        return s.router;
      } catch {
        return undefined; // not reachable: the warning says its name cannot be read
      }
    });
    return await cardLinkTarget(core, portalBase(core), routers);
  } finally {
    for (const s of opened) await s.close();
  }
}

interface SheetFileOptions {
  /** Default: the card design's own paper. */
  layout?: SheetLayout;
  include?: SheetInclude;
  /** Overrides the batch's design. */
  design?: CardDesign;
  /** The first card of this part (1-based); a part holds at most SHEET_MAX_CARDS cards. */
  from?: number;
}

interface SheetFileResult {
  target: CardLinkTarget;
  /** The paper it was laid out for. */
  layout: SheetLayout;
  cards: number;
  part: PrintableSheet['part'];
}

/**
 * The batch's printable sheet as one standalone HTML file, from the same view and the same card data as the
 * web admin's /admin/vouchers/batches/:id/print (src/web/admin/sheets.ts). `target` says where the QR codes
 * point (its warning is shown on screen, not printed).
 */
export async function renderSheet(
  core: Core,
  batchId: number,
  opts: SheetFileOptions = {},
): Promise<SheetFileResult & { html: string }> {
  const target = await batchCardTarget(core, batchId);
  // The QR drawing (qrcode, pngjs) is loaded when a sheet is drawn, not by every command of this module.
  const { buildSheet } =
    require('../../src/services/shop/vouchers/sheet') as typeof import('../../src/services/shop/vouchers/sheet');
  const sheet = await buildSheet(core.services, batchId, {
    target,
    include: opts.include,
    design: opts.design,
    wifiName: core.config.wifiName,
    from: opts.from,
  });
  const layout = opts.layout ?? sheet.template.paper;
  const locals = sheetPageLocals(sheet, layout, {
    standalone: true,
    printScript: fs.readFileSync(PRINT_SCRIPT, 'utf8'),
    cardStyles: fs.readFileSync(CARD_STYLES, 'utf8'),
  });
  return {
    html: await ejs.renderFile(VIEW, locals),
    target,
    cards: sheet.cards.length,
    part: sheet.part,
    layout,
  };
}

export async function renderSheetToFile(
  core: Core,
  batchId: number,
  file: string,
  opts: SheetFileOptions = {},
): Promise<SheetFileResult> {
  const { html, ...result } = await renderSheet(core, batchId, opts);
  writeOperatorFile(file, html);
  return result;
}

/**
 * What to say after the file: "Cards 1–480 of 1,200: …" when a batch is longer than one part
 * (`command` makes the next), and where the QR codes cannot point as they should.
 */
export function sheetNotes(r: SheetFileResult, command: string): string[] {
  const { from, to, chosen } = r.part;
  const n = (x: number) => x.toLocaleString('en-US');
  const rest = to < chosen ? ` For the next part: ${command} --from ${to + 1}` : '';
  const notes =
    chosen <= r.part.size && from === 1
      ? []
      : [`Cards ${n(from)}–${n(Math.max(to, from - 1))} of ${n(chosen)}.${rest}`];
  return r.target.warning ? [...notes, r.target.warning] : notes;
}
