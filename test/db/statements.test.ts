/** The plain-SQL runner of the redemption's path (src/db/statements.ts), on the engine under test. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChangeWatch } from '../../src/db/change-watch';
import { statements } from '../../src/db/statements';
import { loadConfig } from '../../src/config/env';
import { migrateLatest, openDatabase, openReader, type Db } from '../../src/db/knex';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db';
import { describeSqliteOnly } from '../helpers/engine-describe';

describe(`statements() on ${onPostgres ? 'PostgreSQL' : 'a SQLite file'}`, () => {
  let dir: string;
  let database: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-stmts-'));
    database = await createTestDatabase(dir, 'db.sqlite');
    db = openDatabase(loadConfig({ DATABASE_URL: database.url }).database);
    await migrateLatest(db);
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const addProfile = (name: string) =>
    statements(db).run(
      'INSERT INTO profiles (name, price, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
      [name, 500, '{}', 1, 1],
    );

  test('get, all and run: rows as the query builder gives them, and the count of changed rows', async () => {
    expect(await addProfile('A')).toBe(1);
    expect(await addProfile('B')).toBe(1);
    const sql = statements(db);
    const one = await sql.get<{ name: string; price: number }>(
      'SELECT name, price FROM profiles WHERE name = ?',
      ['B'],
    );
    expect(one).toEqual({ name: 'B', price: 500 });
    expect(await sql.get('SELECT name FROM profiles WHERE name = ?', ['nobody'])).toBeUndefined();
    const all = await sql.all<{ name: string }>('SELECT name FROM profiles ORDER BY name');
    expect(all.map((r) => r.name)).toEqual(['A', 'B']);
    expect(await sql.run('UPDATE profiles SET price = ? WHERE price = ?', [700, 500])).toBe(2);
    expect(await sql.run('UPDATE profiles SET price = ? WHERE name = ?', [1, 'nobody'])).toBe(0);
    expect((await db('profiles').where({ name: 'A' }).first('price')).price).toBe(700);
  });

  test('the same statement runs many times, also at once, with its own parameters each time', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => addProfile(`P${i}`)));
    const sql = statements(db);
    const names = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sql.get<{ name: string }>('SELECT name FROM profiles WHERE name = ?', [`P${i}`]),
      ),
    );
    expect(names.map((r) => r?.name)).toEqual(Array.from({ length: 30 }, (_, i) => `P${i}`));
  });

  test('a bad statement is an error, and the runner keeps working after it', async () => {
    await expect(statements(db).get('SELECT nope FROM profiles')).rejects.toThrow(/nope/);
    await expect(addProfile('A')).resolves.toBe(1);
    await expect(addProfile('A')).rejects.toThrow(/unique|UNIQUE/);
    const count = await statements(db).get<{ n: number | string }>('SELECT COUNT(*) AS n FROM profiles');
    expect(Number(count?.n)).toBe(1);
  });

  test("its writes are seen by a ChangeWatch like the builder's (the usage poll's kept copy is reloaded)", async () => {
    const watch = new ChangeWatch(db, { tables: ['profiles'] });
    try {
      const s = await watch.stamp();
      await statements(db).get('SELECT name FROM profiles');
      expect(ChangeWatch.unchanged(s, await watch.stamp())).toBe(true);
      await addProfile('A');
      expect(ChangeWatch.unchanged(s, await watch.stamp())).toBe(false);
    } finally {
      watch.close();
    }
  });

  test('inside a transaction it refuses (it would wait for the connection the transaction holds)', async () => {
    await db.transaction(async (trx) => {
      expect(() => statements(trx)).toThrow(/not a transaction/);
    });
  });

  test('a statement waits for a transaction in progress instead of running inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const trx = db.transaction(async (t) => {
      await t('profiles').insert({ name: 'T', price: 1, spec: '{}', created_at: 1, updated_at: 1 });
      await held;
      throw new Error('rolled back');
    });
    trx.catch(() => undefined);
    // On SQLite the one connection is the transaction's until it ends; on PostgreSQL another connection
    // does not see its uncommitted row. Either way the insert above is never seen.
    const seen = statements(db).get('SELECT name FROM profiles WHERE name = ?', ['T']);
    setTimeout(release, 50);
    await expect(trx).rejects.toThrow('rolled back');
    expect(await seen).toBeUndefined();
  });
});

describeSqliteOnly('closing', 'prepared statements are kept on SQLite connections only', () => {
  test('closing a SQLite database finalizes its prepared statements, so the file is really closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-stmts-close-'));
    try {
      const file = path.join(dir, 'db.sqlite');
      const db = openDatabase(file);
      await migrateLatest(db);
      await statements(db).get('SELECT COUNT(*) AS n FROM profiles');
      const conn = (await (
        db.client as { acquireConnection(): Promise<{ open: boolean }> }
      ).acquireConnection()) as { open: boolean };
      await (db.client as { releaseConnection(c: unknown): Promise<void> }).releaseConnection(conn);
      expect(conn.open).toBe(true);
      await db.destroy();
      await new Promise((r) => setTimeout(r, 50));
      expect(conn.open).toBe(false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeSqliteOnly('reader', 'the separate read connection is SQLite only', () => {
  test('a get on the read connection does not pin it to that moment: later reads there see later writes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-stmts-reader-'));
    const file = path.join(dir, 'db.sqlite');
    const db = openDatabase(file);
    const reader = openReader(db, file);
    try {
      await migrateLatest(db);
      await statements(db).run(
        'INSERT INTO profiles (name, price, spec, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        ['A', 500, '{}', 1, 1],
      );
      // A one-row read through a statement of its own (the redemption's lookup), then a write elsewhere.
      const first = await statements(reader).get<{ price: number }>(
        'SELECT price FROM profiles WHERE name = ? LIMIT 1',
        ['A'],
      );
      expect(first?.price).toBe(500);
      await statements(db).run('UPDATE profiles SET price = ? WHERE name = ?', [700, 'A']);
      // Another statement on the read connection sees the write (it saw 500 while the first stayed open).
      const later = await statements(reader).all<{ price: number }>(
        'SELECT price FROM profiles WHERE name = ?',
        ['A'],
      );
      expect(later.map((r) => r.price)).toEqual([700]);
      expect((await reader('profiles').where({ name: 'A' }).first('price')).price).toBe(700);
    } finally {
      await reader.destroy();
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
