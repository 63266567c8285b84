/**
 * The backup folder's rules and the settings that drive them, without I/O: names, which files are the
 * product's, which are kept, when the next is due; BACKUP_* in .env with every problem named.
 */
import { loadConfig } from '../../src/config/env';
import { ConfigError } from '../../src/domain/errors';
import {
  backupName,
  beyondKeep,
  isBackupName,
  newestFirst,
  nextDueAt,
  RETRY_AFTER_MS,
} from '../../src/services/business/backup/files';

test('names in shop time, the product’s own recognised and nothing else', () => {
  expect(backupName('2026-11-28 02:15:09', 'sqlite')).toBe('pisonet-20261128-021509.sqlite.backup');
  expect(backupName('2026-11-28 02:15:09', 'pgdump', 2)).toBe('pisonet-20261128-021509-2.pgdump.backup');
  expect(isBackupName('pisonet-20261128-021509.export.backup')).toBe(true);
  for (const other of [
    'pisonet.sqlite',
    'pisonet-20261128.sqlite.backup',
    'pisonet-20261128-021509.sqlite.backup.partial',
    'pisonet-20261128-021509.sqlite.backup.snapshot',
    'my-pisonet-20261128-021509.sqlite.backup',
    '../pisonet-20261128-021509.sqlite.backup',
  ])
    expect(isBackupName(other)).toBe(false);
});

test('newest first by the time inside, the later of one second’s two first; all but the newest N go', () => {
  const f = (name: string, madeAt?: number, mtime?: number) => ({
    name,
    file: name,
    bytes: 1,
    madeAt,
    mtime,
  });
  const sorted = newestFirst([
    f('pisonet-20261101-000000.sqlite.backup', 1000),
    f('pisonet-20261103-000000.sqlite.backup', 3000),
    f('pisonet-20261103-000000-2.sqlite.backup', 3000),
    f('pisonet-20261102-000000.sqlite.backup', undefined, 2000),
  ]).map((x) => x.name);
  expect(sorted).toEqual([
    'pisonet-20261103-000000-2.sqlite.backup',
    'pisonet-20261103-000000.sqlite.backup',
    'pisonet-20261102-000000.sqlite.backup',
    'pisonet-20261101-000000.sqlite.backup',
  ]);
  expect(
    beyondKeep(
      sorted.map((name) => f(name)),
      3,
    ).map((x) => x.name),
  ).toEqual(['pisonet-20261101-000000.sqlite.backup']);
});

test('due when the newest is BACKUP_EVERY old, at once with none, later after a failure, never when off', () => {
  const day = 86_400;
  expect(nextDueAt(undefined, day)).toBe(0);
  expect(nextDueAt(1_000, day)).toBe(1_000 + day * 1000);
  expect(nextDueAt(undefined, day, 5_000)).toBe(5_000 + RETRY_AFTER_MS);
  expect(nextDueAt(undefined, 30, 5_000)).toBe(35_000);
  expect(nextDueAt(1_000, 0)).toBeUndefined();
});

test('BACKUP_DIR, BACKUP_EVERY, BACKUP_KEEP and BACKUP_FORMAT from .env, every problem at once', () => {
  const d = loadConfig({ DATA_DIR: './shop-data' }, '/srv/pisonet');
  expect(d.backup).toEqual({
    dir: '/srv/pisonet/shop-data/backups',
    everySeconds: 86_400,
    keep: 7,
    format: 'auto',
  });
  const c = loadConfig(
    { BACKUP_DIR: '/var/backups/pisonet', BACKUP_EVERY: '12h', BACKUP_KEEP: '30', BACKUP_FORMAT: 'export' },
    '/srv/pisonet',
  );
  expect(c.backup).toEqual({ dir: '/var/backups/pisonet', everySeconds: 43_200, keep: 30, format: 'export' });
  expect(loadConfig({ BACKUP_EVERY: '30' }).backup.everySeconds).toBe(30);
  expect(loadConfig({ BACKUP_EVERY: 'off' }).backup.everySeconds).toBe(0);
  expect(loadConfig({ BACKUP_DIR: 'bk' }, '/srv/p').backup.dir).toBe('/srv/p/bk');
  let problems: string[] = [];
  try {
    loadConfig({ BACKUP_EVERY: 'daily', BACKUP_KEEP: '0', BACKUP_FORMAT: 'zip' });
  } catch (err) {
    problems = (err as ConfigError).problems;
  }
  expect(problems).toEqual([
    expect.stringMatching(/^BACKUP_EVERY must be a duration .* \(got "daily"\)/),
    'BACKUP_KEEP must be between 1 and 1000 (got 0)',
    expect.stringMatching(/^BACKUP_FORMAT: must be auto .* or export \(got "zip"\)/),
  ]);
  expect(() => loadConfig({ BACKUP_EVERY: '5' })).toThrow(/BACKUP_EVERY/);
});
