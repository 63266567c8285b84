/**
 * The server's scheduled backups on the fake clock: one when the newest in the folder is BACKUP_EVERY old
 * (so a restart neither skips nor repeats one), the newest BACKUP_KEEP kept and no other file touched, and a
 * failing backup logged and shown while the polls go on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createBackupService } from '../../src/services/business/backup';
import { backupSchedule } from '../../src/services/business/backup/schedule';
import type { CalendarJob } from '../../src/jobs/calendar';
import { advance, capturingLogger, usageHarness, type Harness } from '../usage/helpers';

let h: Harness;
let dir: string;
const captured = capturingLogger();

beforeAll(async () => {
  h = await usageHarness({
    http: true,
    log: captured.log,
    env: { BACKUP_EVERY: '30', BACKUP_KEEP: '3' },
  });
  dir = h.config.backup.dir;
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const names = () =>
  fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.backup'))
    .sort();

/**
 * A look after the clock moved, as the job's timer would make it. The timer also looks every second of real time:
 * a look of its own still running from before the move would have this one skipped ("still running at the next
 * time"), so that run is waited for first; no timer can fire between it and this look.
 */
async function lookNow(job: CalendarJob): Promise<void> {
  await job.settled();
  await job.look();
  await job.settled();
}

/** A backup service of another process on the same folder and database (a restarted server, the terminal). */
const anotherService = () =>
  createBackupService({
    config: h.config,
    db: h.core!.db,
    clock: h.clock,
    log: captured.log,
    audit: h.core!.services.audit,
  });

/** Moves the fake clock and lets the server's job look. */
async function tick(seconds: number): Promise<void> {
  advance(h, seconds);
  await lookNow(h.app!.backupJob!);
}

test('a backup is made when the newest is BACKUP_EVERY old; the newest BACKUP_KEEP are kept; other files never touched', async () => {
  expect(h.app!.backupJob).toBeDefined();
  await tick(1); // none yet: the first is due at once
  expect(names()).toHaveLength(1);
  await tick(10);
  await tick(10);
  expect(names()).toHaveLength(1); // 21 s old: not yet
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'the owner’s own file');
  fs.writeFileSync(path.join(dir, 'pisonet-manual-copy.sqlite'), 'not one of ours');
  await tick(10); // 31 s: due
  expect(names()).toHaveLength(2);
  for (let i = 0; i < 4; i++) await tick(31);
  const kept = names();
  expect(kept).toHaveLength(3);
  expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
  expect(fs.existsSync(path.join(dir, 'pisonet-manual-copy.sqlite'))).toBe(true);
  // The newest three, by their headers' times.
  const list = await h.core!.services.backups.list();
  expect(list.map((f) => f.name).sort()).toEqual(kept);
  expect(list[0].madeAt).toBe(h.clock.now());
}, 60_000);

test('a restart neither repeats nor skips the next one: the folder says when the last was made', async () => {
  // The process before the restart is gone: the server's own job stops (it follows the same clock, so at the due
  // second it made a backup beside this one's, and the test looked while that one was still being written).
  const server = h.app!.backupJob!;
  await server.stop();
  const before = names();
  // A second service and job on the same folder, as after a restart.
  const restarted = anotherService();
  const job = backupSchedule(restarted, {
    everySeconds: 30,
    tz: () => h.config.tz,
    now: () => h.clock.now(),
    log: captured.log,
  })!;
  job.start();
  try {
    advance(h, 5);
    await lookNow(job);
    expect(names()).toEqual(before);
    advance(h, 26);
    await lookNow(job);
    expect(names()).not.toEqual(before);
    expect(names()).toHaveLength(3);
  } finally {
    await job.stop();
    server.start();
  }
}, 60_000);

test('a failing backup is logged and shown, the polls go on, and it is tried again later', async () => {
  const { services } = h.core!;
  // The folder replaced by a file: the backup cannot be written (as on a full or read-only disk).
  fs.renameSync(dir, `${dir}.moved`);
  fs.writeFileSync(dir, 'in the way');
  try {
    await tick(31);
    const status = await services.backups.status();
    expect(status.lastError?.message).toMatch(/is not a folder; move that file away or set BACKUP_DIR/);
    expect(captured.lines.some((l) => l.msg === 'backup failed' && l.level === 50)).toBe(true);
    // The poll is not held up or broken by it.
    const cycle = await services.usage.runCycle();
    expect(cycle).toBeDefined();
    // Not tried again every second or minute: it waits (here BACKUP_EVERY, under 15 minutes).
    await tick(10);
    expect((await services.backups.status()).lastError?.at).toBe(status.lastError!.at);
  } finally {
    fs.rmSync(dir);
    fs.renameSync(`${dir}.moved`, dir);
  }
  await tick(31);
  const after = await services.backups.status();
  expect(after.lastError).toBeUndefined();
  expect(after.files[0].madeAt).toBe(h.clock.now());
}, 60_000);

test('two backups in the same second (the schedule and `pisonet backup`) are both made, under two names', async () => {
  const server = h.app!.backupJob!;
  await server.stop();
  try {
    // The terminal's own service on the same folder, as `pisonet backup` makes it.
    const terminal = anotherService();
    advance(h, 31);
    const before = new Set(names());
    const made = await Promise.all([h.core!.services.backups.backupNow(), terminal.backupNow()]);
    const files = made.map((m) => path.basename(m.file));
    expect(new Set(files).size).toBe(2);
    expect(files.every((f) => !before.has(f))).toBe(true);
    // Both whole: their headers read back, and no claim or snapshot is left beside them.
    const listed = await h.core!.services.backups.list();
    for (const f of files) expect(listed.find((l) => l.name === f)?.madeAt).toBe(h.clock.now());
    expect(fs.readdirSync(dir).filter((n) => /\.(partial|snapshot)$/.test(n))).toEqual([]);
  } finally {
    server.start();
  }
}, 60_000);

test('servers sharing one folder make one scheduled backup between them, not one each', async () => {
  const server = h.app!.backupJob!;
  await server.stop();
  try {
    advance(h, 31);
    const turns = await Promise.all([anotherService().due(), anotherService().due()]);
    expect(turns.filter(Boolean)).toHaveLength(1);
    // The turn's mark is all that is left of earlier turns; the next turn is free again.
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.scheduled-'))).toHaveLength(1);
    advance(h, 1);
    expect(await anotherService().due()).toBe(true);
  } finally {
    server.start();
  }
});

test('what a backup cut short left behind (a power cut) is removed once it is an hour old; a fresh one stays', async () => {
  const old = path.join(dir, 'pisonet-20261101-020000+0800.sqlite.backup.snapshot');
  const oldPartial = path.join(dir, 'pisonet-20261101-020000+0800.sqlite.backup.partial');
  const fresh = path.join(dir, 'pisonet-20261128-020000+0800.sqlite.backup.partial');
  const mine = path.join(dir, 'notes.snapshot');
  for (const f of [old, oldPartial, fresh, mine]) fs.writeFileSync(f, 'x');
  const hourAgo = (Date.now() - 61 * 60_000) / 1000;
  for (const f of [old, oldPartial, mine]) fs.utimesSync(f, hourAgo, hourAgo);
  const made = await h.core!.services.backups.backupNow();
  expect(made.pruned).toEqual(expect.arrayContaining([path.basename(old), path.basename(oldPartial)]));
  expect([old, oldPartial].filter((f) => fs.existsSync(f))).toEqual([]);
  expect([fresh, mine].filter((f) => fs.existsSync(f))).toEqual([fresh, mine]);
  fs.rmSync(fresh);
  fs.rmSync(mine);
});
