/**
 * DATABASE_URL's SQLite file is checked before it is opened, so a mistake is one line naming the setting and the
 * file (the driver's own error named neither, and one of them crashed the process past its start-up handler): a
 * file that is not a database (a backup, say), a folder, a file where its folder should be. A missing file, or an
 * empty one, is made into a database as before.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/domain/errors';
import { openDatabase } from '../../src/db/knex';
import { usableSqliteFile } from '../../src/db/sqlite-file';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-sqlite-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const problemOf = (file: string) => {
  try {
    usableSqliteFile(file);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.join('\n');
  }
};

test('a file that is not a database, a folder, or a file in the folder’s place: one line naming the setting', () => {
  const text = path.join(dir, 'notes.txt');
  fs.writeFileSync(text, 'hello');
  expect(problemOf(text)).toBe(`DATABASE_URL: ${text} is not a SQLite database`);
  const backup = path.join(dir, 'pisonet-20261128-215006+0800.sqlite.backup');
  fs.writeFileSync(backup, 'PISONET-BACKUP…');
  expect(problemOf(backup)).toMatch(
    /is not a SQLite database \(a backup: restore it with `pisonet restore FILE`\)$/,
  );
  expect(problemOf(dir)).toBe(`DATABASE_URL: ${dir} is a folder; name the database file in it`);
  expect(problemOf(path.join(text, 'db.sqlite'))).toMatch(
    /^DATABASE_URL: cannot make the folder .*notes\.txt \(E\w+\)/,
  );
});

test('a missing or empty file is made into a database; an existing database opens', async () => {
  for (const file of [path.join(dir, 'new', 'db.sqlite'), path.join(dir, 'empty.sqlite')]) {
    if (file.endsWith('empty.sqlite')) fs.writeFileSync(file, '');
    expect(problemOf(file)).toBeNull();
    const db = openDatabase(file);
    await db.raw('CREATE TABLE t (x INTEGER)');
    await db.destroy();
    expect(problemOf(file)).toBeNull();
  }
});
