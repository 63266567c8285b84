/**
 * What a restore cut short (a power cut, kill -9) leaves, and the next restore clears. On PostgreSQL the shop is
 * replaced in one transaction, so nothing is half done; an export's staging schema may be left in the database.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import { openDatabase, rawRows } from '../../src/db/knex';
import { createLogger } from '../../src/lib/logger';
import { restoreBackup } from '../../src/services/business/backup/restore';
import { describePostgresOnly } from '../helpers/engine-describe';
import { createHarness, type Harness } from '../helpers/harness';
import { freshPlace, type Place } from './helpers';

let h: Harness;
let place: Place;

describePostgresOnly('an export restored into PostgreSQL', () => {
  beforeAll(async () => {
    h = await createHarness();
    place = await freshPlace();
  });
  afterAll(async () => {
    await h?.close();
    await place?.close();
  });

  test('drops the staging schema a restore cut short left behind', async () => {
    const config = loadConfig({ ...place.env, TZ: 'Asia/Manila', LOG_LEVEL: 'silent' });
    const db = openDatabase(config.database);
    const schemas = async () =>
      rawRows<{ name: string }>(
        await db.raw("SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'pisonet_restore%'"),
      ).map((r) => r.name);
    try {
      await db.raw('CREATE SCHEMA pisonet_restore_0badf00d');
      await db.raw('CREATE TABLE pisonet_restore_0badf00d.vouchers (id integer)');
      const made = await h.core!.services.backups.backupNow({ format: 'export' });
      await restoreBackup(config, made.file, { log: createLogger('silent'), now: Date.now() });
      expect(await schemas()).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});

describePostgresOnly('a restore into PostgreSQL works in the data folder', () => {
  const tmp = process.env.TMPDIR;
  beforeAll(async () => {
    h = await createHarness();
    place = await freshPlace();
  });
  afterAll(async () => {
    if (tmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = tmp;
    await h?.close();
    await place?.close();
  });

  // /tmp is often RAM on a small box: a dump's SQL as large as the shop must not go there.
  test.each(['pgdump', 'export'] as const)(
    '%s: not in the system temporary folder; a leftover goes',
    async (format) => {
      const config = loadConfig({ ...place.env, TZ: 'Asia/Manila', LOG_LEVEL: 'silent' });
      const made = await h.core!.services.backups.backupNow({ format });
      const left = path.join(place.dir, '.restore-cutshort');
      fs.mkdirSync(left);
      fs.writeFileSync(path.join(left, 'restore.sql'), 'half a dump');
      process.env.TMPDIR = path.join(place.dir, 'no-such-folder');
      try {
        await restoreBackup(config, made.file, { log: createLogger('silent'), now: Date.now(), yes: true });
      } finally {
        process.env.TMPDIR = tmp ?? '';
        if (tmp === undefined) delete process.env.TMPDIR;
      }
      expect(fs.readdirSync(place.dir).filter((n) => n.startsWith('.restore-'))).toEqual([]);
    },
  );
});
