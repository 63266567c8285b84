/**
 * The PostgreSQL driver is loaded only by a process that opens a PostgreSQL database (src/db/pg-driver.ts): a
 * shop on SQLite does not carry its modules in every server and terminal process.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** The pg modules a fresh process has loaded after running `code` (run with tsx, from the repository root). */
function pgModulesAfter(code: string): string[] {
  const script = `
    (async () => {
      ${code}
      const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\\\/]pg[\\\\/]/.test(f));
      process.stdout.write(JSON.stringify(loaded));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(out) as string[];
}

describe('the PostgreSQL driver is loaded on demand', () => {
  it('is not loaded by the core and a SQLite database', () => {
    const loaded = pgModulesAfter(`
      require('./src/core');
      const { openDatabase } = require('./src/db/knex');
      const db = openDatabase(':memory:');
      await db.raw('select 1');
      await db.destroy();`);
    expect(loaded).toEqual([]);
  });

  it('is loaded when a PostgreSQL database is opened', () => {
    // Opening builds the pool and its type parsers; no connection is made until a query.
    const loaded = pgModulesAfter(`
      const { openDatabase } = require('./src/db/knex');
      const { parseDatabaseUrl } = require('./src/config/database-url');
      const db = openDatabase(parseDatabaseUrl('postgres://u:p@127.0.0.1:1/d', '.'));
      await db.destroy();`);
    expect(loaded.length).toBeGreaterThan(0);
  });
});
