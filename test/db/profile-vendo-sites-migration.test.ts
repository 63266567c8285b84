/**
 * Migration 0018 (profiles and vendos shared or per site): existing profiles and vendos become shared (site_id
 * NULL) and keep every other column; down removes the two columns and nothing else, and up again works.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openDatabase, migrateLatest, Db } from '../../src/db/knex';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/test-db';

const NAME = '20261122_0018_profile_vendo_sites';

describe(`migration 0018: profile and vendo sites (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let dir: string;
  let database: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-db-'));
    database = await createTestDatabase(dir);
    db = openDatabase(loadConfig({ DATABASE_URL: database.url }).database);
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const applied = async () => (await db('knex_migrations').pluck('name')) as string[];
  const columns = async (table: string) => Object.keys(await db(table).columnInfo());

  it('makes existing profiles and vendos shared; down drops only its two columns; up again', async () => {
    await migrateLatest(db);
    // Back to just before 0018 (undoing whatever came after it too).
    while ((await applied()).includes(NAME)) await db.migrate.down();
    expect(await columns('profiles')).not.toContain('site_id');
    expect(await columns('vendos')).not.toContain('site_id');
    expect(await columns('vouchers')).toContain('site_id'); // 0017 untouched

    const [{ id: pid }] = (await db('profiles')
      .insert({ name: 'OLD', price: 500, spec: '{}', source: 'file', created_at: 1, updated_at: 1 })
      .returning('id')) as { id: number }[];
    await db('vendos').insert({
      id: 'vendo-old',
      name: 'Old box',
      profile_id: pid,
      rates: '[]',
      secret_enc: 'x',
      secret_rotated_at: 1,
      created_at: 1,
      updated_at: 1,
    });

    await migrateLatest(db);
    expect(await db('profiles').where({ name: 'OLD' }).first()).toMatchObject({
      site_id: null,
      price: 500,
      source: 'file',
    });
    expect(await db('vendos').where({ id: 'vendo-old' }).first()).toMatchObject({
      site_id: null,
      name: 'Old box',
    });
    // A site may be set, and is kept as written.
    await db('profiles').where({ name: 'OLD' }).update({ site_id: 7 });
    expect(Number((await db('profiles').where({ name: 'OLD' }).first()).site_id)).toBe(7);

    while ((await applied()).includes(NAME)) await db.migrate.down();
    expect(await columns('profiles')).not.toContain('site_id');
    // The rows themselves stay (plain DROP COLUMN: no table rebuild, no cascade).
    expect(await db('profiles').where({ name: 'OLD' }).first()).toMatchObject({ price: 500 });
    expect(await db('vendos').where({ id: 'vendo-old' }).first()).toMatchObject({ profile_id: pid });
    await migrateLatest(db);
    expect(await columns('vendos')).toContain('site_id');
  });
});
