/**
 * The server's scheduled backups. A calendar job looks every minute (every second when BACKUP_EVERY is under
 * a minute) on the passed-in clock whether a backup is due: the newest in the folder is BACKUP_EVERY old
 * (files.ts `nextDueAt`), so a restart neither skips nor repeats one. The backup runs on its own, off the poll:
 * a failure (disk full, pg_dump) is logged and shown on the Backups page, and tried again later.
 */
import { CalendarJob } from '../../../jobs/calendar';
import type { Logger } from '../../../lib/logger';
import type { BackupService } from './types';

export function backupSchedule(
  backups: BackupService,
  o: { everySeconds: number; tz: () => string; now: () => number; log: Logger },
): CalendarJob | undefined {
  if (o.everySeconds <= 0) return undefined;
  return new CalendarJob('backup', {
    pattern: o.everySeconds < 60 ? '* * * * * *' : '* * * * *',
    tz: o.tz,
    now: o.now,
    log: o.log,
    async work() {
      if (!(await backups.due())) return;
      // Failures are the service's to log and show; the job only keeps its cadence.
      await backups.backupNow().catch(() => undefined);
    },
  });
}
