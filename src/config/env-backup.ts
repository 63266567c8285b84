/**
 * The backup variables of `.env` (src/services/business/backup), read beside the rest of the environment (env.ts).
 */
import { formatDurationHuman, parseDuration } from '../domain/durations';

/**
 * Backups: the folder (BACKUP_DIR, default `<dataDir>/backups`), how often the server makes one (seconds; 0 =
 * never), how many of its files it keeps, and `export` to always write the product's own portable file instead
 * of the engine's copy.
 */
export interface BackupConfig {
  dir: string;
  everySeconds: number;
  keep: number;
  format: 'auto' | 'export';
}

/** BACKUP_EVERY: a duration from 10 s to 366 days, whole seconds, or off (0). */
export function backupEverySeconds(v: string, problems: string[]): number {
  if (['off', 'never', '0'].includes(v.toLowerCase())) return 0;
  try {
    const s = parseDuration(v, 'BACKUP_EVERY');
    if (s >= 10 && s <= 366 * 86400) return s;
  } catch {
    // worded below
  }
  problems.push(
    `BACKUP_EVERY must be a duration from 10s to 366d like 12h, 1d or 1w, whole seconds like 30, or off (got "${v}")`,
  );
  return 86400;
}

export function describeBackupConfig(b: BackupConfig): Record<string, string> {
  return {
    BACKUP_DIR: b.dir,
    BACKUP_EVERY: b.everySeconds ? formatDurationHuman(b.everySeconds) : 'off',
    BACKUP_KEEP: String(b.keep),
    BACKUP_FORMAT: b.format,
  };
}
