/**
 * The subscriber meter's baselines kept between polls (keptBaselines): a poll that finds the table as the last poll
 * left it books from what it kept, without reading it; any other write to the table (a hand edit, another process)
 * makes the next poll read it again; a poll whose transaction failed leaves the kept baselines as the table has them.
 * PostgreSQL is told of no change to this table, so every poll reads it there.
 */
import { SYSTEM } from '../../src/services/business/audit/actor';
import { isPostgres } from '../../src/db/knex';
import type { SubscriberSessionReading } from '../../src/services/network/usage/source';
import { keptBaselines, type KeptBaselines } from '../../src/services/network/usage/subscriber-baselines';
import { bookSubscribers, meteredSubscribers } from '../../src/services/network/usage/subscribers';
import { createHarness, type Harness } from '../helpers/harness';
import { JUAN, PROFILES } from './helpers';

let h: Harness;
let id: number;
let kept: KeptBaselines;
let reads = 0;
const countReads = (q: { sql?: unknown }) => {
  if (typeof q.sql === 'string' && /from subscriber_sessions as b/i.test(q.sql)) reads++;
};

const session = (key: string, up: number, down: number): SubscriberSessionReading => ({
  id: key,
  username: 'juan.dc',
  address: '10.10.0.2',
  callerId: 'AA:BB:CC:00:00:01',
  up,
  down,
  rateUp: 0,
  rateDown: 0,
  uptimeSeconds: 60,
});

/** One poll's booking as the ledger makes it; `fail`: the poll's transaction fails after the booking. */
async function poll(sessions: SubscriberSessionReading[], fail = false): Promise<number> {
  const db = h.core!.db;
  h.clock.advance(30_000);
  const now = h.clock.now();
  const subscribers = await meteredSubscribers(db, 1, 'Asia/Manila', now);
  const baselines = await kept.begin(1);
  const booked = await db.transaction(async (trx) => {
    const b = await bookSubscribers(trx, {
      siteId: 1,
      sessions,
      subscribers,
      now,
      rebooted: false,
      baselines,
    });
    if (fail) throw new Error('the poll failed after booking');
    return b;
  });
  baselines.committed();
  return booked.bytes;
}

async function counted(): Promise<number> {
  return (await h.core!.services.subscribers.get(id)).usage.countedBytes;
}

beforeAll(async () => {
  h = await createHarness({ profiles: PROFILES });
  id = (await h.core!.services.subscribers.create({ ...JUAN, password: 'Juan-pass-1' }, SYSTEM)).id;
  kept = keptBaselines(h.core!.db);
  h.core!.db.on('query', countReads);
});
afterAll(async () => {
  h.core!.db.removeListener('query', countReads);
  kept.close();
  await h.close();
});

describe("the subscriber meter's baselines, kept between polls", () => {
  it('books from the kept baselines while only the meter wrote them (SQLite; read every poll on PostgreSQL)', async () => {
    expect(await poll([session('*1/0x1', 100, 200)])).toBe(300);
    reads = 0;
    expect(await poll([session('*1/0x1', 150, 260)])).toBe(110);
    expect(await poll([session('*1/0x1', 150, 260), session('*2/0x2', 10, 10)])).toBe(20);
    // A session gone loses its baseline: back again under the same key, it counts from zero.
    expect(await poll([session('*2/0x2', 10, 10)])).toBe(0);
    expect(await poll([session('*1/0x1', 150, 260), session('*2/0x2', 10, 10)])).toBe(410);
    expect(reads).toBe(isPostgres(h.core!.db) ? 4 : 0);
    expect(await counted()).toBe(840);
  });

  it('reads them again after another write to the table: the hand-set baseline is the one booked against', async () => {
    await poll([session('*1/0x1', 1_000, 1_000)]);
    reads = 0;
    // Someone else's write (a hand edit here, another process's commit): the kept baselines may no longer be the table's.
    await h.core!.db('subscriber_sessions').where({ session_key: '*1/0x1' }).update({ up: 0, down: 0 });
    expect(await poll([session('*1/0x1', 1_500, 1_500)])).toBe(3_000);
    expect(reads).toBe(1);
  });

  it('keeps nothing of a poll whose transaction failed: the next poll books those bytes once', async () => {
    await poll([session('*1/0x1', 2_000, 2_000)]);
    const before = await counted();
    await expect(poll([session('*1/0x1', 2_500, 2_500)], true)).rejects.toThrow('the poll failed');
    expect(await counted()).toBe(before);
    expect(await poll([session('*1/0x1', 2_600, 2_600)])).toBe(1_200);
    expect(await counted()).toBe(before + 1_200);
  });
});
