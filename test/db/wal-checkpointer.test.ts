/**
 * The server's WAL checkpoints run on a connection of their own (src/db/knex.ts startWalCheckpointer), not on the
 * writing connection after its commits, so customers' writes never wait behind one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateLatest, openDatabase, startWalCheckpointer, type Db } from '../../src/db/knex';
import { describeSqliteOnly } from '../helpers/engine-describe';

describeSqliteOnly('WAL checkpoints off the writer', 'WAL is a SQLite file matter', () => {
  let dir: string;
  let file: string;
  let db: Db;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-wal-'));
    file = path.join(dir, 'db.sqlite');
  });
  afterEach(async () => {
    await db?.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const walBytes = () => fs.statSync(`${file}-wal`).size;
  /** About 2.5 MB of rows (~600 pages), in one transaction. */
  async function writeBatch(tag: string): Promise<void> {
    const text = 'x'.repeat(4000);
    await db.transaction(async (trx) => {
      for (let i = 0; i < 600; i += 100)
        await trx('settings').insert(
          Array.from({ length: 100 }, (_, j) => ({ key: `${tag}-${i + j}`, value: text, updated_at: 1 })),
        );
    });
  }
  const autocheckpoint = async () =>
    Number(
      ((await db.raw('PRAGMA wal_autocheckpoint')) as Array<{ wal_autocheckpoint: number }>)[0]
        .wal_autocheckpoint,
    );

  test("the server's writer does not checkpoint; the checkpointer does, and the WAL starts over", async () => {
    db = openDatabase(file, { backgroundCheckpoints: true });
    await migrateLatest(db);
    expect(await autocheckpoint()).toBe(0);
    const errors: Error[] = [];
    // A long interval: the test steps it by hand.
    const checkpointer = startWalCheckpointer(file, (e) => errors.push(e), 3_600_000)!;
    try {
      for (let i = 0; i < 4; i++) await writeBatch(`a${i}`);
      // ~2,400 pages and no checkpoint by the writer: the WAL holds all of them.
      const grown = walBytes();
      expect(grown).toBeGreaterThan(9_000_000);
      await checkpointer.checkpointNow();
      // Everything is in the database file now; the next writes go to the start of the WAL again.
      for (let i = 0; i < 4; i++) await writeBatch(`b${i}`);
      expect(walBytes()).toBe(grown);
      await checkpointer.checkpointNow();
      expect(errors).toEqual([]);
      const [{ n }] = (await db('settings').count({ n: '*' })) as Array<{ n: number }>;
      expect(Number(n)).toBe(4800);
    } finally {
      await checkpointer.stop();
    }
  });

  test('its timer checkpoints by itself; stopping it twice is fine', async () => {
    db = openDatabase(file, { backgroundCheckpoints: true });
    await migrateLatest(db);
    const checkpointer = startWalCheckpointer(file, () => undefined, 20)!;
    await writeBatch('a');
    // The file grows to hold the checkpointed pages once the timer has run.
    const before = fs.statSync(file).size;
    // (A checkpoint extends the file as it copies: wait for all of it, not for the first change.)
    for (let i = 0; i < 500 && fs.statSync(file).size <= before + 2_000_000; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(fs.statSync(file).size).toBeGreaterThan(before + 2_000_000);
    await checkpointer.stop();
    await checkpointer.stop(); // twice is fine
    await expect(checkpointer.checkpointNow()).resolves.toBeUndefined();
  });

  test('other processes (the terminal menu) keep SQLite checkpointing on their own commits', async () => {
    db = openDatabase(file);
    await migrateLatest(db);
    expect(await autocheckpoint()).toBe(1000);
  });

  test('nothing to do for an in-memory database', () => {
    expect(startWalCheckpointer(':memory:', () => undefined)).toBeUndefined();
    db = openDatabase(':memory:');
  });
});
