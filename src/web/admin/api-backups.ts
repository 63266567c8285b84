/**
 * Backups for scripts (mounted at /admin/api behind requireAdmin + CSRF; the API token works too), so a
 * backup can be fetched off the shop's computer:
 *  - `GET /backups`: the folder, the schedule and the backups kept, newest first;
 *  - `POST /backups`: makes one now (audited) and answers what it made;
 *  - `GET /backups/:name`: that backup as a download (audited).
 */
import path from 'node:path';
import { Router } from 'express';
import type { BackupFile } from '../../services/business/backup/types';
import type { WebContext } from '../context';
import { actorOf } from './pages/common';
import { sendBackup } from './pages/backups';

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

function fileJson(f: BackupFile) {
  return {
    name: f.name,
    bytes: f.bytes,
    made_at: iso(f.madeAt),
    format: f.format ?? null,
    engine: f.engine ?? null,
    version: f.version ?? null,
    damaged: f.madeAt === undefined,
  };
}

export function backupApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { backups } = ctx.services;

  r.get('/backups', async (_req, res) => {
    const s = await backups.status();
    res.set('Cache-Control', 'no-store').json({
      success: true,
      dir: s.dir,
      every_seconds: s.everySeconds,
      keep: s.keep,
      format: s.format,
      next_due_at: iso(s.nextDueAt),
      running: s.running,
      last_error: s.lastError ? { at: iso(s.lastError.at), message: s.lastError.message } : null,
      backups: s.files.map(fileJson),
    });
  });

  r.post('/backups', async (req, res) => {
    const made = await backups.backupNow({ actor: actorOf(req) });
    res.status(201).json({
      success: true,
      name: path.basename(made.file),
      bytes: made.bytes,
      made_at: iso(made.manifest.made_at),
      format: made.manifest.format,
      migration: made.manifest.migration,
      sha256: made.manifest.payload.sha256,
      pruned: made.pruned,
    });
  });

  r.get('/backups/:name', async (req, res) => sendBackup(backups, req, res, req.params.name));

  return r;
}
