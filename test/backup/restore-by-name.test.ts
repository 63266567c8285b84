/**
 * `pisonet restore NAME` as the README and the Backups page print it: a bare backup name is found in the backup
 * folder (BACKUP_DIR), not only in the current folder; a path keeps working; a name that is nowhere says where it
 * was looked for and lists the newest backups.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHarness, type Harness } from '../helpers/harness';
import { freshPlace, restoreCli, type Place } from './helpers';

jest.setTimeout(120_000);

let h: Harness;
let p: Place | undefined;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await p?.close();
  await h?.close();
});

test('a bare name restores from BACKUP_DIR; a missing one says where it looked and lists the newest', async () => {
  const made = await h.core!.services.backups.backupNow({ format: 'export' });
  const name = path.basename(made.file);
  const folder = path.dirname(made.file);
  expect(name).toMatch(/^pisonet-\d{8}-\d{6}[+-]\d{4}\.export\.backup$/);
  p = await freshPlace('restored.sqlite', true);
  const env = { ...p.env, BACKUP_DIR: folder };

  const r = await restoreCli(h, { env }, name, ['--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({ file: made.file });

  // A path keeps working as before.
  const copy = path.join(p.dir, 'copy.backup');
  fs.copyFileSync(made.file, copy);
  const again = await restoreCli(h, { env }, copy, ['--yes']);
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/, PisoNet Manager [\d.]+, (SQLite|PostgreSQL) database, portable export\./);

  const missing = await restoreCli(h, { env }, 'pisonet-20200101-000000.sqlite.backup');
  expect(missing.code).toBe(1);
  expect(missing.stderr).toBe(
    `error: there is no backup pisonet-20200101-000000.sqlite.backup in the backup folder ${folder} (BACKUP_DIR) ` +
      `nor in the current folder ${path.resolve(__dirname, '..', '..')}. The newest backups in ${folder}: ${name}. (BACKUP_NOT_FOUND)\n`,
  );
});
