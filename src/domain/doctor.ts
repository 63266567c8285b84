/**
 * `pisonet doctor`: what a shop's first hour needs, each check `ok`, `warn` or `fail` with its fix, decided from
 * plain facts gathered by the command (cli/commands/doctor.ts).
 */
import { wallClockFormat } from '../lib/clock';
import { timeFormatter } from '../lib/log-format';

type DoctorState = 'ok' | 'warn' | 'fail';

interface DoctorCheck {
  id: string;
  state: DoctorState;
  detail: string;
  fix: string;
}

export interface DoctorFacts {
  nodeVersion: string;
  database: { ok: boolean; error?: string };
  router: { connected: boolean; identity?: string; error?: string };
  /** The setup items not ok (ids), or null when the router could not be read. */
  setupNotOk: string[] | null;
  now: number;
  /** The shop's zone in effect, and whether the owner set it in Settings (else .env's TZ or the computer's). */
  timeZone: string;
  timeZoneInSettings?: boolean;
  timeZoneValid: boolean;
  freeBytes: number | null;
  dataDir: string;
  backups: { everySeconds: number; newestAt?: number; lastError?: string };
  /** The `.restoring` file a restore cut short left beside the SQLite database, and when; absent: none. */
  interruptedRestore?: InterruptedRestore;
}

export interface InterruptedRestore {
  file: string;
  at: number;
}

/** A restore cut short, in the words of the server's start (a warning) and of doctor's `restore` check. */
export function interruptedRestoreWords(r: InterruptedRestore, tz: string): { detail: string; fix: string } {
  let at: string;
  try {
    at = timeFormatter(tz)(r.at);
  } catch {
    at = new Date(r.at).toISOString(); // an unknown zone: the timezone check says so
  }
  return {
    detail: `a restore was interrupted at ${at} (the shop's database was left as it was)`,
    fix: `run \`pisonet restore\` again with the same backup to finish it, or delete ${r.file}`,
  };
}

const MIN_NODE: [number, number] = [20, 19];
const GB = 1024 ** 3;
const DAY = 86_400_000;

function nodeOk(v: string): boolean {
  const [major = 0, minor = 0] = v.replace(/^v/, '').split('.').map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

/** `2026-11-25 00:40:00 +09:00 (Asia/Tokyo)`: a moment as the shop's clock shows it, its offset beside it. */
function shopClockText(ms: number, tz: string): string {
  let p: Record<string, string>;
  try {
    p = Object.fromEntries(
      wallClockFormat(tz, { timeZoneName: 'longOffset' })
        .formatToParts(ms)
        .map((x) => [x.type, x.value]),
    );
  } catch {
    return new Date(ms).toISOString(); // an unknown zone: the timezone check says so
  }
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.replace('GMT', '');
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${offset} (${tz})`;
}

export function doctorChecks(f: DoctorFacts): DoctorCheck[] {
  return [
    nodeCheck(f),
    databaseCheck(f),
    routerCheck(f),
    setupCheck(f),
    clockCheck(f),
    timeZoneCheck(f),
    diskCheck(f),
    backupCheck(f),
    ...(f.interruptedRestore ? [restoreCheck(f.interruptedRestore, f.timeZone)] : []),
  ];
}

/** One check; its fix is shown only when it is not ok. */
const c = (id: string, state: DoctorState, detail: string, fix = ''): DoctorCheck => ({
  id,
  state,
  detail,
  fix: state === 'ok' ? '' : fix,
});

const nodeCheck = (f: DoctorFacts): DoctorCheck =>
  nodeOk(f.nodeVersion)
    ? c('node', 'ok', `Node.js ${f.nodeVersion}`)
    : c(
        'node',
        'fail',
        `Node.js ${f.nodeVersion} is too old (20.19 or later needed)`,
        'install Node.js 20 LTS or later (https://nodejs.org, or NodeSource for Debian)',
      );

const databaseCheck = (f: DoctorFacts): DoctorCheck =>
  f.database.ok
    ? c('database', 'ok', 'the database answers')
    : c(
        'database',
        'fail',
        `the database does not answer: ${f.database.error ?? '?'}`,
        'check DATABASE_URL in .env and that PostgreSQL runs (or the data folder is writable)',
      );

const routerCheck = (f: DoctorFacts): DoctorCheck =>
  f.router.connected
    ? c('router', 'ok', `router ${f.router.identity ?? '?'} is reachable`)
    : c(
        'router',
        'fail',
        `the router is not reachable: ${f.router.error ?? 'no answer'}`,
        'npx pisonet router test (it names the cause: address, password, API service)',
      );

function setupCheck(f: DoctorFacts): DoctorCheck {
  if (f.setupNotOk === null)
    return c('setup', 'warn', 'the router setup could not be read', 'npx pisonet router setup --check');
  return f.setupNotOk.length
    ? c(
        'setup',
        'fail',
        `router setup items to fix: ${f.setupNotOk.join(', ')}`,
        'npx pisonet router setup --apply',
      )
    : c('setup', 'ok', 'the router has everything the product needs');
}

const clockCheck = (f: DoctorFacts): DoctorCheck =>
  new Date(f.now).getUTCFullYear() < 2025
    ? c(
        'clock',
        'fail',
        `this computer's clock says ${shopClockText(f.now, f.timeZone)}`,
        'sudo timedatectl set-ntp true (or set the date: sudo date -s "YYYY-MM-DD HH:MM")',
      )
    : c('clock', 'ok', `the clock says ${shopClockText(f.now, f.timeZone)}`);

const timeZoneCheck = (f: DoctorFacts): DoctorCheck =>
  f.timeZoneValid
    ? c(
        'timezone',
        'ok',
        `time zone ${f.timeZone}, ${f.timeZoneInSettings ? 'set in Settings' : 'from TZ in .env (or this computer)'}`,
      )
    : c(
        'timezone',
        'fail',
        `time zone ${JSON.stringify(f.timeZone)} is not a known zone`,
        'set TZ=Asia/Manila (or your zone) in .env',
      );

function diskCheck(f: DoctorFacts): DoctorCheck {
  if (f.freeBytes === null)
    return c('disk', 'warn', `free space in ${f.dataDir} could not be read`, `df -h ${f.dataDir}`);
  const gb = (f.freeBytes / GB).toFixed(1);
  if (f.freeBytes < 0.2 * GB)
    return c(
      'disk',
      'fail',
      `only ${gb} GB free in ${f.dataDir}`,
      'free space: old backups (BACKUP_KEEP), logs (journalctl --vacuum-size=100M)',
    );
  if (f.freeBytes < GB)
    return c(
      'disk',
      'warn',
      `${gb} GB free in ${f.dataDir}`,
      'keep at least 1 GB free for backups and updates',
    );
  return c('disk', 'ok', `${gb} GB free in ${f.dataDir}`);
}

function backupCheck(f: DoctorFacts): DoctorCheck {
  const b = f.backups;
  if (b.everySeconds === 0)
    return c('backup', 'fail', 'backups are off (BACKUP_EVERY=0)', 'set BACKUP_EVERY=1d in .env and restart');
  if (b.lastError)
    return c('backup', 'fail', `the last backup failed: ${b.lastError}`, 'npx pisonet backup (it says why)');
  if (b.newestAt === undefined)
    return c(
      'backup',
      'warn',
      'no backup yet',
      'npx pisonet backup (the server makes one by itself on its schedule)',
    );
  const age = f.now - b.newestAt;
  const limit = Math.max(2 * b.everySeconds * 1000, DAY);
  return age > limit
    ? c(
        'backup',
        'fail',
        `the newest backup is ${Math.round(age / DAY)} day(s) old`,
        'check the server runs (systemctl status pisonet); npx pisonet backup',
      )
    : c('backup', 'ok', `the newest backup is from ${shopClockText(b.newestAt, f.timeZone)}`);
}

/** Only when a restore was cut short: the shop runs on its old database until the restore is run again. */
function restoreCheck(r: InterruptedRestore, tz: string): DoctorCheck {
  const words = interruptedRestoreWords(r, tz);
  return c('restore', 'warn', words.detail, words.fix);
}
