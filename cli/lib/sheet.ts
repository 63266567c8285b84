import { writeOperatorFile } from './files';
import ejs from 'ejs';
import type { Core } from '../../src/core';
import { projectPath } from '../../src/lib/paths';
import { buildSheet } from '../../src/services/vouchers/sheet';

const VIEW = projectPath('views', 'sheets', 'batch.ejs');

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
  const sheet = await buildSheet(core.services, batchId, portalBase(core));
  return ejs.renderFile(VIEW, { ...sheet, format });
}

export async function renderSheetToFile(
  core: Core,
  batchId: number,
  file: string,
  format: 'a4' | 'thermal' = 'a4',
): Promise<void> {
  writeOperatorFile(file, await renderSheet(core, batchId, format));
}
