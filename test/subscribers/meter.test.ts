/**
 * The subscriber meter on the database: a reading's PPP sessions booked into the subscriber's cycle once, with
 * each session's baseline moved in the same transaction; what a router reboot or a counter going backwards
 * does, and that a session of no subscriber of ours is never booked.
 */
import { SYSTEM } from '../../src/services/business/audit/actor';
import type { SubscriberSessionReading } from '../../src/services/network/usage/source';
import {
  bookSubscribers,
  meteredSubscribers,
  sessionGrowth,
} from '../../src/services/network/usage/subscribers';
import { createHarness, type Harness } from '../helpers/harness';
import { JUAN, PROFILES } from './helpers';

let h: Harness;
let id: number;

const session = (key: string, up: number, down: number, username = 'juan.dc'): SubscriberSessionReading => ({
  id: key,
  username,
  address: '10.10.0.2',
  callerId: 'AA:BB:CC:00:00:01',
  up,
  down,
  rateUp: 0,
  rateDown: 0,
  uptimeSeconds: 60,
});

async function book(sessions: SubscriberSessionReading[], rebooted = false) {
  const db = h.core!.db;
  const now = h.clock.now();
  const subscribers = await meteredSubscribers(db, 1, 'Asia/Manila', now);
  return db.transaction((trx) => bookSubscribers(trx, { siteId: 1, sessions, subscribers, now, rebooted }));
}

async function counted(): Promise<number> {
  const v = await h.core!.services.subscribers.get(id);
  return v.usage.countedBytes;
}

beforeAll(async () => {
  h = await createHarness({ profiles: PROFILES });
  id = (await h.core!.services.subscribers.create({ ...JUAN, password: 'Juan-pass-1' }, SYSTEM)).id;
});
afterAll(async () => {
  await h.close();
});

describe('the subscriber meter', () => {
  it('books the growth since each baseline once, and nothing for the same counters again', async () => {
    expect(await book([session('*1/0x1', 100, 200)])).toEqual({ bytes: 300, speeds: new Map() });
    await book([session('*1/0x1', 100, 200)]);
    expect(await counted()).toBe(300);
    await book([session('*1/0x1', 150, 260)]);
    expect(await counted()).toBe(410);
  });

  it('counts a session whose counters went backwards from zero', async () => {
    await book([session('*1/0x1', 40, 10)]);
    expect(await counted()).toBe(460);
  });

  it('counts every session from zero when the router booted since the last poll, whatever its id', async () => {
    // The same id, counters above the baseline: only the reboot says they started again.
    await book([session('*1/0x1', 500, 500)], true);
    expect(await counted()).toBe(1460);
  });

  it('drops the baseline of a session no longer online, and books no session of a stranger', async () => {
    await book([session('*2/0x2', 5, 5, 'JUAN.DC'), session('*3/0x3', 1000, 1000, 'someone-else')]);
    expect(await counted()).toBe(1470);
    const keys = (await h.core!.db('subscriber_sessions').select('session_key')).map((r) => r.session_key);
    expect(keys).toEqual(['*2/0x2']);
  });

  it('tells which subscribers these bytes moved past a threshold of their plan', async () => {
    // HOME10: a 100 GB cap that throttles.
    expect([...(await book([session('*2/0x2', 5, 100e9)])).speeds]).toEqual([
      [id, expect.objectContaining({ service: true, tier: 'cap' })],
    ]);
    expect((await book([session('*2/0x2', 5, 100e9 + 10)])).speeds.size).toBe(0);
  });

  it("opens the new cycle's row at zero at its first poll, and asks for the capped one's speeds at once", async () => {
    // Billing day 5: at 00:00 on 2026-12-05 (Manila) the next cycle begins; the capped subscriber is offline.
    h.clock.set(Date.parse('2026-12-05T00:00:00+08:00'));
    const opened = await book([]);
    expect([opened.bytes, [...opened.speeds]]).toEqual([
      0,
      [[id, expect.objectContaining({ service: true, tier: 'plan' })]],
    ]);
    expect(await counted()).toBe(0);
    const rows = await h.core!.db('subscriber_usage').where({ subscriber_id: id }).orderBy('cycle_start');
    expect(rows.map((r) => [r.cycle_start, Number(r.counted_bytes)])).toEqual([
      ['2026-11-21', 100e9 + 1475],
      ['2026-12-05', 0],
    ]);
    // Once: the next poll finds the row.
    expect(await book([])).toEqual({ bytes: 0, speeds: new Map() });
  });

  it('books bytes up and down beside the counted bytes', async () => {
    await book([session('*4/0x4', 1_000, 3_000)]);
    const row = await h
      .core!.db('subscriber_usage')
      .where({ subscriber_id: id, cycle_start: '2026-12-05' })
      .first();
    expect([Number(row.bytes_up), Number(row.bytes_down), Number(row.counted_bytes)]).toEqual([
      1_000, 3_000, 4_000,
    ]);
  });

  it('writes each table once a poll, and reads no cycle before adding to it (its counted bytes come back)', async () => {
    const db = h.core!.db;
    await book([session('*5/0x5', 0, 0)]);
    const statements: string[] = [];
    const seen = (q: { sql?: string }) => statements.push(q.sql ?? '');
    db.on('query', seen);
    try {
      // HOME10 has a cap: whether these bytes crossed it is told from the cycle's counted bytes before.
      const booked = await book([session('*5/0x5', 2_000, 8_000)]);
      expect(booked).toEqual({ bytes: 10_000, speeds: new Map() });
    } finally {
      db.off('query', seen);
    }
    const on = (table: string) => statements.filter((s) => s.includes(`subscriber_${table}`));
    expect(on('usage').map((s) => /^\s*(?:\/\*.*?\*\/\s*)?(\w+)/.exec(s)?.[1])).toEqual(['INSERT']);
    expect(on('sessions').map((s) => /^\s*(?:\/\*.*?\*\/\s*)?(\w+)/.exec(s)?.[1])).toEqual([
      'SELECT',
      'INSERT',
    ]);
    expect(await counted()).toBe(14_000);
  });

  it('keeps what the poll read of each session: a RADIUS session whose Stop came is no longer online', async () => {
    await book([session('acct-1', 0, 0)]);
    h.clock.advance(30_000);
    // Its interim totals, then its Stop (accounting's last totals): the speed over the 30 s, then offline.
    await book([{ ...session('acct-1', 375_000, 750_000), uptimeSeconds: 90 }]);
    expect((await h.core!.services.subscribers.get(id)).session).toMatchObject({
      online: true,
      address: '10.10.0.2',
      uptimeSeconds: 90,
      rate: { up: 100_000, down: 200_000 },
    });
    h.clock.advance(30_000);
    await book([{ ...session('acct-1', 400_000, 800_000), address: null, ended: true }]);
    expect((await h.core!.services.subscribers.get(id)).session).toMatchObject({ online: false, rate: null });
    expect(await h.core!.services.subscribers.onlineCount()).toBe(0);
  });
});

describe('sessionGrowth', () => {
  it('is the whole counter for a new session, the difference for a known one', () => {
    expect(sessionGrowth({ up: 7, down: 3 })).toBe(10);
    expect(sessionGrowth({ up: 7, down: 3 }, { key: 'k', subscriberId: 1, up: 2, down: 1 })).toBe(7);
    expect(sessionGrowth({ up: 7, down: 0 }, { key: 'k', subscriberId: 1, up: 2, down: 1 })).toBe(7);
  });
});
