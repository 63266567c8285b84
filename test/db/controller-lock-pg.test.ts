/** The controller lock on PostgreSQL: a session advisory lock held by a connection of its own. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/env';
import type { PostgresConfig } from '../../src/config/database-url';
import { acquirePostgresLock } from '../../src/db/controller-lock-pg';
import { openDatabase, type Db } from '../../src/db/knex';
import { StartRefused } from '../../src/domain/errors';
import { createLogger } from '../../src/lib/logger';
import { describePostgresOnly } from '../helpers/engine-describe';
import { createTestDatabase, type TestDatabase } from '../helpers/test-db';

describePostgresOnly('controller lock on PostgreSQL', () => {
  const log = createLogger('silent');
  let dir: string;
  let database: TestDatabase;
  let config: PostgresConfig;
  let admin: Db;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-pglock-'));
    database = await createTestDatabase(dir);
    config = loadConfig({ DATABASE_URL: database.url }).database as PostgresConfig;
    admin = openDatabase(config);
  });
  afterEach(async () => {
    await admin.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a second controller is refused, named by pid and port, with no password in the message', async () => {
    const first = await acquirePostgresLock(config, { port: 5000, log });
    first.setPort(5123);
    try {
      const err = await acquirePostgresLock(config, { port: 5001, log }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StartRefused);
      const message = (err as Error).message;
      expect(message).toMatch(new RegExp(`another PisoNet Manager \\(pid ${process.pid}, port 5123, since `));
      expect(message).toContain(`${config.user}:***@`);
      expect(message).not.toContain(config.password);
    } finally {
      first.release();
    }
  });

  test('a wrong password is one line naming the database, with the password masked', async () => {
    const wrong = { ...config, password: 'not-the-password-42' };
    const err = await acquirePostgresLock(wrong, { port: 5000, log }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartRefused);
    expect((err as Error).message).toMatch(
      /cannot open the database postgres:\/\/[^:]+:\*\*\*@.*password authentication failed/,
    );
    expect((err as Error).message).not.toContain('not-the-password-42');
    expect((err as Error).message).not.toContain(config.password);
  });

  test('released, or its connection gone (a crash), the lock can be taken again', async () => {
    const first = await acquirePostgresLock(config, { port: 5000, log });
    first.release();
    const second = await acquirePostgresLock(config, { port: 5001, log });
    // The process holding it dies: the server ends its session and the lock with it.
    await admin.raw(
      "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'pisonet controller%'",
    );
    const third = await acquirePostgresLock(config, { port: 5002, log });
    third.release();
    second.release();
  });

  test('the lock is per database: another shop database on the same server is not blocked', async () => {
    const other = await createTestDatabase(dir);
    const first = await acquirePostgresLock(config, { port: 5000, log });
    try {
      const lock = await acquirePostgresLock(
        loadConfig({ DATABASE_URL: other.url }).database as PostgresConfig,
        {
          port: 5001,
          log,
        },
      );
      lock.release();
    } finally {
      first.release();
      await other.drop();
    }
  });
});
