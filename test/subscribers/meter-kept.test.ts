/**
 * The subscribers a poll books, kept between polls (keptMeteredSubscribers): read once while nothing they come
 * from changed, read again after a write to a subscriber or a plan, and worked out again on a new day (a cycle
 * may begin). PostgreSQL is told of no change to these tables, so every poll reads them there.
 */
import { SYSTEM } from '../../src/services/business/audit/actor';
import { isPostgres } from '../../src/db/knex';
import {
  keptMeteredSubscribers,
  keptSubscriberNames,
  type MeteredSubscribers,
} from '../../src/services/network/usage/subscriber-load';
import { createHarness, type Harness } from '../helpers/harness';
import { JUAN, PROFILES } from './helpers';
import { advance, loginOnRouter, seedVoucher, voucher } from '../usage/helpers';

let h: Harness;
let kept: MeteredSubscribers;
let reads = 0;
const countReads = (q: { sql?: unknown }) => {
  if (typeof q.sql === 'string' && /from subscribers as s join sites/i.test(q.sql)) reads++;
};

const at = () => kept.at(1, 'Asia/Manila', h.clock.now());

beforeAll(async () => {
  h = await createHarness({ profiles: PROFILES });
  await h.core!.services.subscribers.create({ ...JUAN, password: 'Juan-pass-1' }, SYSTEM);
  kept = keptMeteredSubscribers(h.core!.db);
  h.core!.db.on('query', countReads);
});
afterAll(async () => {
  h.core!.db.removeListener('query', countReads);
  kept.close();
  await h.close();
});

describe('the subscribers a poll books, kept between polls', () => {
  it('reads them once while nothing changed (SQLite; every poll on PostgreSQL)', async () => {
    const first = await at();
    expect(first.get('juan.dc')).toMatchObject({ status: 'active' });
    reads = 0;
    const second = await at();
    if (isPostgres(h.core!.db)) expect(reads).toBe(1);
    else {
      expect(reads).toBe(0);
      expect(second).toBe(first);
    }
    expect([...second.keys()]).toEqual(['juan.dc']);
  });

  it("keeps them across a poll that books a hotspot device's bytes (the poll's own staging table)", async () => {
    const code = await seedVoucher(h, 'BASIC');
    await loginOnRouter(h, code, '02:00:00:00:00:51', '10.5.50.51');
    await h.core!.services.usage.runCycle();
    const first = await at();
    h.sim.addTraffic('02:00:00:00:00:51', { up: 1_000, down: 20_000 }, 30);
    advance(h, 30);
    reads = 0;
    await h.core!.services.usage.runCycle();
    expect((await voucher(h, code)).bytes_down).toBeGreaterThan(0);
    if (isPostgres(h.core!.db)) return;
    // The poll read none (its own copy is this same kind), and a read after it is still the kept map.
    expect(reads).toBe(0);
    expect(await at()).toBe(first);
  });

  it("reads them again after a subscriber's row was written: one ended is no longer booked", async () => {
    await at();
    reads = 0;
    await h.core!.db('subscribers').where('username_key', 'juan.dc').update({ billing_day: 6 });
    const moved = await at();
    expect(reads).toBe(1);
    // The clock starts on 2026-11-21 (Manila), the first cycle with it: billing on the 6th, it ends on 2026-12-05.
    expect(moved.get('juan.dc')!.cycle.end).toBe('2026-12-05');
    await h.core!.db('subscribers').where('username_key', 'juan.dc').update({ status: 'ended' });
    expect((await at()).has('juan.dc')).toBe(false);
    await h.core!.db('subscribers').where('username_key', 'juan.dc').update({ status: 'active' });
  });

  it("reads them again after a plan's row was written", async () => {
    await at();
    reads = 0;
    await h.core!.db('profiles').where('name', 'HOME10').update({ updated_at: h.clock.now() });
    await at();
    expect(reads).toBe(1);
  });

  it('works the cycles out again on a new day: the billing day begins a new cycle', async () => {
    const before = (await at()).get('juan.dc')!.cycle;
    expect(before.start).toBe('2026-11-21');
    // To 2026-12-06 in Manila: the new cycle began on the billing day.
    h.clock.advance(15 * 86_400_000);
    const after = (await at()).get('juan.dc')!.cycle;
    expect(after.start).toBe('2026-12-06');
  });
});

describe("the names the poll's PPP read keeps its sessions by, kept between polls", () => {
  let names: ReturnType<typeof keptSubscriberNames>;
  let nameReads = 0;
  const countNameReads = (q: { sql?: unknown }) => {
    if (typeof q.sql === 'string' && /select "username_key" from "subscribers"/i.test(q.sql)) nameReads++;
  };
  const seen = async () => [...((await names.at(1)) ?? [])].sort();
  beforeAll(() => {
    names = keptSubscriberNames(h.core!.db);
    h.core!.db.on('query', countNameReads);
  });
  afterAll(() => {
    h.core!.db.removeListener('query', countNameReads);
    names.close();
  });

  it('reads them once while no subscriber was written (SQLite; every poll on PostgreSQL)', async () => {
    expect(await seen()).toEqual(['juan.dc']);
    nameReads = 0;
    expect(await seen()).toEqual(['juan.dc']);
    expect(nameReads).toBe(isPostgres(h.core!.db) ? 1 : 0);
  });

  it('sees a subscriber renamed, added or ended since the last poll at the next one', async () => {
    const subs = h.core!.services.subscribers;
    await seen();
    // The service keeps a login name; a hand edit of the database (or another process) may not.
    await h
      .core!.db('subscribers')
      .where('username_key', 'juan.dc')
      .update({ username: 'juan.cruz', username_key: 'juan.cruz' });
    expect(await seen()).toEqual(['juan.cruz']);
    const maria = await subs.create(
      { ...JUAN, name: 'Maria Santos', mobile: '09171234568', username: 'maria.s', password: 'Maria-pass-1' },
      SYSTEM,
    );
    expect(await seen()).toEqual(['juan.cruz', 'maria.s']);
    await subs.end(maria.id, SYSTEM);
    expect(await seen()).toEqual(['juan.cruz']);
  });
});
