import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../context';
import { formatBytes } from '../../../domain/units';
import { toAppError } from '../../../lib/error-reply';
import { CREDENTIALS_KEY_FILE } from '../../../services/business/sites/credentials';
import { VENDO_KEY_FILE } from '../../../services/shop/vendos/secrets';
import type { BackupFile, BackupService } from '../../../services/business/backup/types';
import { actorOf, flash, page } from './common';

/** What each format is, in the owner's words. */
const FORMAT_WORDS: Record<string, string> = {
  sqlite: "SQLite's own copy of the database",
  pgdump: "PostgreSQL's pg_dump",
  export: 'portable export (either database)',
};

/**
 * Streams one backup of the folder as a download (admin only, audited), for the page and the API alike. The
 * file is opened before the headers go out, so a backup removed meanwhile is a 404, not a broken download.
 */
export async function sendBackup(backups: BackupService, req: Request, res: Response, name: string) {
  const file: BackupFile = await backups.forDownload(name, actorOf(req));
  const handle = await fs.promises.open(file.file, 'r');
  const stream = handle.createReadStream();
  res
    .status(200)
    .set('Content-Type', 'application/octet-stream')
    .set('Content-Length', String(file.bytes))
    .set('Content-Disposition', `attachment; filename="${path.basename(file.name)}"`)
    // no-transform: sent as it is (the payload is compressed already), with its length, not gzipped again.
    .set('Cache-Control', 'no-store, no-transform');
  await pipeline(stream, res);
}

/** Backups: the last one, the schedule, Back up now, the kept files to download, what to keep beside them. */
export function backupRoutes(ctx: WebContext): Router {
  const router = Router();
  const { backups } = ctx.services;

  router.get('/backups', async (_req, res) => {
    const status = await backups.status();
    page(res, 'backups', 'settings', 'Backups', {
      status,
      newest: status.files.find((f) => f.madeAt !== undefined),
      formats: FORMAT_WORDS,
      keys: [
        { file: path.join(ctx.config.dataDir, CREDENTIALS_KEY_FILE), what: "the sites' router passwords" },
        { file: path.join(ctx.config.dataDir, VENDO_KEY_FILE), what: "the vendos' secrets" },
      ],
      credentialsKeyInEnv: ctx.config.credentialsKey !== undefined,
      engine: ctx.config.database.engine,
      now: ctx.clock.now(),
    });
  });

  router.post('/backups', async (req, res) => {
    try {
      const r = await backups.backupNow({ actor: actorOf(req) });
      flash(req, 'ok', `Backup made: ${path.basename(r.file)} (${formatBytes(r.bytes)}).`);
    } catch (err) {
      const why = toAppError(err).message.replace(/^the backup failed: /, '');
      flash(req, 'error', `The backup failed: ${why}`);
    }
    res.redirect(303, '/admin/backups');
  });

  router.get('/backups/:name/download', async (req, res) => sendBackup(backups, req, res, req.params.name));

  return router;
}
