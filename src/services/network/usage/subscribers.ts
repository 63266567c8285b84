/**
 * The subscriber meter: each PPP session's cumulative counters in a reading, booked into its subscriber's
 * current billing cycle (`subscriber_usage`) exactly once. Each session's baseline (its counters when last
 * booked) is kept in `subscriber_sessions` and moved in the same transaction as the bytes, under a unique key
 * (site, session), so a retry, a restart or a second look at the same counters books nothing twice:
 *
 * - a session never seen counts from zero (a redial, a reboot: a new session);
 * - a session whose counters went backwards (its id reused after a reboot) counts from zero too, and so does
 *   every session when the router booted since the last poll;
 * - a session no longer online loses its baseline; only what it moved after the last poll is lost.
 *
 * The bytes count toward the cycle's FUP and cap unless an unlimited off-peak window is on. Whatever the source
 * (the router's `/ppp/active` over the API, or RADIUS accounting), the reading says the same things.
 */
import type { Knex } from 'knex';
import { addDays } from '../../../domain/billing-cycle';
import type { Profile } from '../../../domain/profile-types';
import { bytesCountNow, type SubscriberSpeeds } from '../../../domain/subscriber-policy';
import { localDate } from '../../../domain/calendar';
import { jsonRows, jsonSelect, USAGE_SQL_TAG, type Cell } from '../../../db/bulk-sql';
import { isPostgres, rawRows } from '../../../db/knex';
import type { SubscriberSessionReading } from './source';
import { deleteBaselines, readBaselines, type Baseline, type PollBaselines } from './subscriber-baselines';
import type { MeteredSubscriber } from './subscriber-load';
import { chunks } from './load';
import { jsonChunks } from './persist';
import { speedsAfter } from './subscriber-speeds';
export { meteredSubscribers } from './subscriber-load';

interface SubscriberBooking {
  /** Counted bytes booked by this poll. */
  bytes: number;
  /**
   * The speeds of the subscribers whose speeds (or service) these bytes may have changed, by id: a threshold
   * crossed, a cycle begun. The poll's enforce order carries them to the site's enforcer.
   */
  speeds: Map<number, SubscriberSpeeds>;
}

/** Readings closer than this (a poll asked for at once after another) keep the speed said before (USAGE_POLL_SECONDS is at least 1). */
const RATE_WINDOW_MS = 1_000;

/** A session's row as the poll writes it: what differs per session (its site and the poll's time are bound once). */
const SESSION_COLS = [
  'session_key',
  'subscriber_id',
  'up',
  'down',
  'address',
  'uptime_seconds',
  'rate_up',
  'rate_down',
  'ended',
];
/** A cycle's row as the poll adds to it: what differs per subscriber (the poll's time is bound once). */
const USAGE_COLS = ['subscriber_id', 'cycle_start', 'cycle_end', 'counted_bytes', 'bytes_up', 'bytes_down'];

/**
 * The baselines' upsert: SQLite decodes each bound JSON value it reads (jsonRows), some 0.5 µs a value, so a
 * value every row shares is bound once instead. The session's subscriber is written again too: a key reused
 * by another login is that login's session.
 */
function sessionsSql(pg: boolean): string {
  const cells = SESSION_COLS.map((_, i) => `u.c${i}`);
  const cols = ['site_id', 'seen_at', ...SESSION_COLS].map((c) => `"${c}"`).join(', ');
  const sets = [...SESSION_COLS.filter((c) => c !== 'session_key'), 'seen_at'];
  return `${USAGE_SQL_TAG} INSERT INTO "subscriber_sessions" (${cols})
  SELECT CAST(? AS INTEGER), CAST(? AS BIGINT), ${cells.join(', ')} FROM ${jsonRows(pg, 'subscriber_sessions', SESSION_COLS)} AS u WHERE true
  ON CONFLICT ("site_id", "session_key") DO UPDATE SET ${sets.map((c) => `"${c}" = excluded."${c}"`).join(', ')}`;
}

/**
 * The cycles' upsert: each grown subscriber's bytes added (a fresh cycle's row opened at zero), its counted bytes
 * after returned, so the counted bytes before are those less what this poll added (no read before the write).
 */
function cyclesSql(pg: boolean): string {
  const cells = USAGE_COLS.map((_, i) => `u.c${i}`);
  const cols = [...USAGE_COLS, 'updated_at'].map((c) => `"${c}"`).join(', ');
  const add = (c: string) => `"${c}" = "subscriber_usage"."${c}" + excluded."${c}"`;
  return `${USAGE_SQL_TAG} INSERT INTO "subscriber_usage" (${cols})
  SELECT ${cells.join(', ')}, CAST(? AS BIGINT) FROM ${jsonRows(pg, 'subscriber_usage', USAGE_COLS)} AS u WHERE true
  ON CONFLICT ("subscriber_id", "cycle_start") DO UPDATE SET ${['counted_bytes', 'bytes_up', 'bytes_down'].map(add).join(', ')}, "updated_at" = excluded."updated_at"
  RETURNING "subscriber_id", "counted_bytes"`;
}

const hasThresholds = (p: Profile): boolean => p.fup !== undefined || p.dataCapBytes !== undefined;

/** The bytes a session moved each way since its baseline: all of them for a new session, or counters that went back. */
export function sessionGrowthEachWay(
  s: Pick<SubscriberSessionReading, 'up' | 'down'>,
  b?: Pick<Baseline, 'up' | 'down'> & Partial<Baseline>,
): { up: number; down: number } {
  if (!b || s.up < b.up || s.down < b.down) return { up: s.up, down: s.down };
  return { up: s.up - b.up, down: s.down - b.down };
}

/** The bytes a session moved since its baseline, both ways together. */
export function sessionGrowth(
  s: Pick<SubscriberSessionReading, 'up' | 'down'>,
  b?: Pick<Baseline, 'up' | 'down'> & Partial<Baseline>,
): number {
  const g = sessionGrowthEachWay(s, b);
  return g.up + g.down;
}

/** Capped or FUP subscribers whose cycle began today or yesterday (where they are): maybe new since the last poll. */
function freshCycles(subs: ReadonlyMap<string, MeteredSubscriber>, now: number): MeteredSubscriber[] {
  const since = new Map<string, string>();
  const out: MeteredSubscriber[] = [];
  for (const s of subs.values()) {
    if (!hasThresholds(s.profile)) continue;
    let from = since.get(s.tz);
    if (from === undefined) since.set(s.tz, (from = addDays(localDate(now, s.tz), -1)));
    if (s.cycle.start >= from) out.push(s);
  }
  return out;
}

/**
 * The speed a session ran at between its last two readings, bits per second each way, from its counters'
 * growth (the source's own figure where it has one); 0 for a session first seen now. Two readings moments
 * apart keep the speed said before: a few bytes over a few milliseconds say nothing.
 */
function sessionRate(
  s: Pick<SubscriberSessionReading, 'up' | 'down' | 'rateUp' | 'rateDown'>,
  b: Pick<Baseline, 'up' | 'down' | 'seenAt' | 'rateUp' | 'rateDown'> | undefined,
  now: number,
): { up: number; down: number } {
  if (s.rateUp > 0 || s.rateDown > 0) return { up: s.rateUp, down: s.rateDown };
  if (!b) return { up: 0, down: 0 };
  if (now - b.seenAt < RATE_WINDOW_MS) return { up: b.rateUp, down: b.rateDown };
  const g = sessionGrowthEachWay(s, b);
  const perSecond = (bytes: number) => Math.round((bytes * 8 * 1000) / (now - b.seenAt));
  return { up: perSecond(g.up), down: perSecond(g.down) };
}

/** Counted bytes so far in each subscriber's current cycle (a fresh cycle's: none when it has no row yet). */
async function countedSoFar(
  trx: Knex.Transaction,
  subs: readonly MeteredSubscriber[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  const start = new Map(subs.map((s) => [s.id, s.cycle.start]));
  for (const part of chunks(subs.map((s) => s.id))) {
    const rows = await jsonSelect<Record<string, string | number>>(
      trx,
      'u',
      ['subscriber_id', 'cycle_start', 'counted_bytes'],
      `FROM subscriber_usage AS u WHERE u.subscriber_id IN (${part.map(() => '?').join(', ')})`,
      part,
    );
    for (const r of rows)
      if (start.get(Number(r.subscriber_id)) === r.cycle_start)
        out.set(Number(r.subscriber_id), Number(r.counted_bytes));
  }
  return out;
}

/** What a subscriber's sessions added: counted bytes, and every byte each way (free off-peak hours too). */
interface Added {
  sub: MeteredSubscriber;
  counted: number;
  up: number;
  down: number;
}

/** What a reading's sessions added, per subscriber, and each session's new baseline row. */
interface Growth {
  /** By subscriber id. */
  added: Map<number, Added>;
  /** The baselines' rows to write (SESSION_COLS). */
  seen: Cell[][];
  /** The sessions of the reading that are a subscriber's. */
  keys: Set<string>;
}

interface BookingInput {
  siteId: number;
  sessions: readonly SubscriberSessionReading[];
  subscribers: ReadonlyMap<string, MeteredSubscriber>;
  now: number;
  rebooted: boolean;
  /** The baselines kept since the last poll, where the table cannot have changed (absent: read from the table). */
  baselines?: PollBaselines;
}

/** Each subscriber session's growth since its baseline, and its new baseline. */
function growthOf(o: BookingInput, baselines: ReadonlyMap<string, Baseline>): Growth {
  const g: Growth = { added: new Map(), seen: [], keys: new Set() };
  for (const s of o.sessions) {
    const sub = o.subscribers.get(s.username.toLowerCase());
    if (!sub || g.keys.has(s.id)) continue;
    g.keys.add(s.id);
    const base = o.rebooted ? undefined : baselines.get(s.id);
    const grew = sessionGrowthEachWay(s, base);
    if (grew.up + grew.down > 0) {
      let a = g.added.get(sub.id);
      if (!a) g.added.set(sub.id, (a = { sub, counted: 0, up: 0, down: 0 }));
      if (bytesCountNow(sub.profile, o.now, sub.tz)) a.counted += grew.up + grew.down;
      a.up += grew.up;
      a.down += grew.down;
    }
    const rate = s.ended ? { up: 0, down: 0 } : sessionRate(s, base, o.now);
    const ended = s.ended ? 1 : 0;
    g.seen.push([s.id, sub.id, s.up, s.down, s.address, s.uptimeSeconds, rate.up, rate.down, ended]);
  }
  return g;
}

const SQL = {
  sqlite: { sessions: sessionsSql(false), cycles: cyclesSql(false) },
  pg: { sessions: sessionsSql(true), cycles: cyclesSql(true) },
};

/** The baselines moved: sessions gone deleted, the reading's written (one statement). */
async function moveBaselines(
  trx: Knex.Transaction,
  o: BookingInput,
  baselines: Map<string, Baseline>,
  g: Growth,
): Promise<void> {
  const gone = [...baselines.keys()].filter((k) => !g.keys.has(k));
  for (const part of chunks(gone)) await deleteBaselines(trx, o.siteId, part);
  const pg = isPostgres(trx);
  for (const json of jsonChunks(pg, SESSION_COLS, g.seen))
    await trx.raw(SQL[pg ? 'pg' : 'sqlite'].sessions, [o.siteId, o.now, json]);
  o.baselines?.moved(baselines, g.seen, gone, o.now);
}

/**
 * The cycles' bytes added (and fresh cycles opened at zero), in one statement; returns each written cycle's
 * counted bytes after, by subscriber id.
 */
async function addToCycles(
  trx: Knex.Transaction,
  now: number,
  added: Growth['added'],
  opened: readonly MeteredSubscriber[],
): Promise<Map<number, number>> {
  const rows: Cell[][] = [];
  for (const a of added.values())
    rows.push([a.sub.id, a.sub.cycle.start, a.sub.cycle.end, a.counted, a.up, a.down]);
  for (const s of opened) rows.push([s.id, s.cycle.start, s.cycle.end, 0, 0, 0]);
  const pg = isPostgres(trx);
  const out = new Map<number, number>();
  for (const json of jsonChunks(pg, USAGE_COLS, rows)) {
    const got = await trx.raw(SQL[pg ? 'pg' : 'sqlite'].cycles, [now, json]);
    for (const r of rawRows<{ subscriber_id: unknown; counted_bytes: unknown }>(got))
      out.set(Number(r.subscriber_id), Number(r.counted_bytes));
  }
  return out;
}

/**
 * Books a reading's sessions in `trx` (the poll's transaction): the growth of each since its baseline, and the
 * baselines moved to the reading's counters. `rebooted`: the router booted since the last poll, so every counter
 * started again from zero whatever its id.
 */
export async function bookSubscribers(trx: Knex.Transaction, o: BookingInput): Promise<SubscriberBooking> {
  const baselines = o.baselines?.kept ?? (await readBaselines(trx, o.siteId));
  const g = growthOf(o, baselines);
  await moveBaselines(trx, o, baselines, g);
  // A cycle that began today or yesterday with no row yet is new since the last poll: its row is made now (at
  // zero), and a capped or throttled subscriber's speeds are looked at again at once, not at the next check.
  const fresh = freshCycles(o.subscribers, o.now).filter((s) => !g.added.has(s.id));
  const opened = await withoutRow(trx, fresh);
  const after = await addToCycles(trx, o.now, g.added, opened);
  let bytes = 0;
  const speeds = new Map(opened.map((s) => [s.id, speedsAfter(s, undefined, 0, o.now)!]));
  for (const { sub, counted: added } of g.added.values()) {
    bytes += added;
    // Only a plan with a FUP or a cap has speeds that bytes can change.
    if (!hasThresholds(sub.profile)) continue;
    const counted = after.get(sub.id) ?? added;
    const changed = speedsAfter(sub, counted - added, counted, o.now);
    if (changed) speeds.set(sub.id, changed);
  }
  return { bytes, speeds };
}

/** The fresh cycles that have no row yet. */
async function withoutRow(
  trx: Knex.Transaction,
  fresh: readonly MeteredSubscriber[],
): Promise<MeteredSubscriber[]> {
  const has = await countedSoFar(trx, fresh);
  return fresh.filter((s) => !has.has(s.id));
}
