import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import QRCode from 'qrcode';
import type { Core } from '../../src/core';
import { sheetCard } from '../../src/services/vouchers/sheet';

const VIEW = path.join(__dirname, '..', '..', 'views', 'sheets', 'batch.ejs');

/** Where the QR codes point: PORTAL_URL, else the server's own port on this box (say so in README). */
export function portalBase(core: Core): string {
  return core.config.portalUrl || `http://localhost:${core.config.port}`;
}

/**
 * The batch's printable sheet, from the same view and the same card data as the web admin's
 * /admin/vouchers/batches/:id/print (src/web/admin/sheets.ts).
 */
export async function renderSheet(
  core: Core,
  batchId: number,
  format: 'a4' | 'thermal' = 'a4',
): Promise<string> {
  const { vouchers, profiles, settings } = core.services;
  const { batch, vouchers: list } = await vouchers.batch(batchId);
  const profile = await profiles.get(batch.profile);
  const base = portalBase(core);
  const cards = await Promise.all(
    list.map(async (v) => {
      const card = sheetCard(v, profile.profile, base);
      const qr = await QRCode.toString(card.portalUrl, { type: 'svg', margin: 0, errorCorrectionLevel: 'M' });
      return { ...card, qr };
    }),
  );
  return ejs.renderFile(VIEW, { batch, cards, format, shop: await settings.get('shop.name', 'PisoNet') });
}

export async function renderSheetToFile(
  core: Core,
  batchId: number,
  file: string,
  format: 'a4' | 'thermal' = 'a4',
): Promise<void> {
  fs.writeFileSync(file, await renderSheet(core, batchId, format));
}
