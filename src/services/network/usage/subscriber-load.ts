/**
 * The subscribers a poll books, as the meter needs them: the site's subscribers still in service, each with its
 * plan (the profile service's parsed view: parsed once per change) and its current cycle.
 */
import { IN_SERVICE } from '../../../domain/subscriber-status';
import type { Knex } from 'knex';
import { addDays, cycleOn, type Cycle, type CycleTerms } from '../../../domain/billing-cycle';
import type { Profile } from '../../../domain/profile-types';
import type { SubscriberStatus } from '../../../domain/subscriber-status';
import { profileFromRow, type ProfileRow } from '../../../domain/profile-row';
import { localDate } from '../../../domain/calendar';
import { termsOf, type SubscriberRow } from '../../subscriptions/subscribers/store';
import { jsonSelect } from '../../../db/bulk-sql';
import { ChangeWatch, type ChangeStamp, type ChangeWatchOptions } from '../../../db/change-watch';
import { isPostgres } from '../../../db/knex';

/** A subscriber of the site as the meter needs it, by its username in lower case. */
export interface MeteredSubscriber {
  id: number;
  profile: Profile;
  status: SubscriberStatus;
  cycle: Cycle;
  tz: string;
}

/** A subscriber's row as the meter reads it (its billing terms, its plan, its site's zone). */
type MeterRow = Pick<
  SubscriberRow,
  | 'id'
  | 'username_key'
  | 'status'
  | 'profile_id'
  | 'billing_day'
  | 'billing_anchor'
  | 'billing_day_next'
  | 'billing_day_from'
> & { site_tz: string | null };

const METER_COLS = [
  'id',
  'username_key',
  'status',
  'profile_id',
  'billing_day',
  'billing_anchor',
  'billing_day_next',
  'billing_day_from',
  ['site_tz', 'site.tz'],
] as const;

/**
 * The site's subscribers still in service, with each one's current cycle at `now`. Read every poll: only the
 * columns the meter needs, as one JSON text on SQLite (jsonSelect), each plan taken from the parsed view and
 * each zone's date computed once (a site has a few plans and one zone, and thousands of subscribers).
 */
export async function meteredSubscribers(
  db: Knex,
  siteId: number,
  shopTz: string,
  now: number,
): Promise<Map<string, MeteredSubscriber>> {
  const rows = await jsonSelect<MeterRow>(
    db,
    's',
    METER_COLS,
    'FROM subscribers AS s JOIN sites AS site ON site.id = s.site_id WHERE s.site_id = ? AND s.status IN (?, ?)',
    [siteId, ...IN_SERVICE],
  );
  const ids = [...new Set(rows.map((r) => Number(r.profile_id)))];
  const plans = ids.length
    ? ((await db('profiles').whereIn('id', ids).select('id', 'spec')) as ProfileRow[])
    : [];
  const plan = new Map(plans.map((p) => [Number(p.id), profileFromRow(p)]));
  const today = new Map<string, (t: CycleTerms) => Cycle>();
  const out = new Map<string, MeteredSubscriber>();
  for (const r of rows) {
    const profile = plan.get(Number(r.profile_id));
    if (!profile) continue;
    const tz = r.site_tz || shopTz;
    let cycle = today.get(tz);
    if (cycle === undefined) today.set(tz, (cycle = cyclesOn(localDate(now, tz))));
    out.set(r.username_key, { id: Number(r.id), profile, status: r.status, cycle: cycle(termsOf(r)), tz });
  }
  return out;
}

/** A ChangeWatch made at its first stamp: one more listener on the database's queries, until close(). */
export function lazyWatch(
  db: Knex,
  opts: ChangeWatchOptions,
): { stamp(): Promise<ChangeStamp>; close(): void } {
  let watch: ChangeWatch | undefined;
  return {
    stamp() {
      if (!watch) {
        db.setMaxListeners(db.getMaxListeners() + 1);
        watch = new ChangeWatch(db, opts);
      }
      return watch.stamp();
    },
    close() {
      if (!watch) return;
      watch.close();
      watch = undefined;
      db.setMaxListeners(Math.max(0, db.getMaxListeners() - 1));
    },
  };
}

/** The metered subscribers as a poll asks for them: kept between polls while they cannot have changed. */
export interface MeteredSubscribers {
  /** As meteredSubscribers(); the map is shared between polls: read it, never change it. */
  at(siteId: number, shopTz: string, now: number): Promise<ReadonlyMap<string, MeteredSubscriber>>;
  close(): void;
}

/**
 * The tables the metered subscribers are read from: while none of them was written (by this process or another),
 * the kept map is the one a read would give, until a zone's date moves on (a cycle may begin).
 */
const METER_TABLES = ['subscribers', 'profiles', 'sites'];

/**
 * `read` kept between calls on SQLite, whose ChangeWatch sees every writer (this process's statements, other
 * processes' commits): read again only after a write to `opts.tables`, or when the call's `key` is not the kept
 * one's. PostgreSQL notifies no change of these tables: each call reads them there.
 */
function keptRead<A extends unknown[], T>(
  db: Knex,
  opts: ChangeWatchOptions,
  read: (...a: A) => Promise<T>,
  key: (...a: A) => string,
): { at(...a: A): Promise<T>; close(): void } {
  if (isPostgres(db)) return { at: read, close: () => undefined };
  // Made at the first read.
  const watch = lazyWatch(db, opts);
  let kept: { stamp: ChangeStamp; key: string; value: T } | undefined;
  return {
    async at(...a) {
      const stamp = await watch.stamp();
      if (kept && ChangeWatch.unchanged(kept.stamp, stamp) && kept.key === key(...a)) return kept.value;
      const value = await read(...a);
      kept = { stamp, key: key(...a), value };
      return value;
    },
    close() {
      watch.close();
      kept = undefined;
    },
  };
}

/**
 * meteredSubscribers() kept between polls (keptRead): a poll reads again only after a write to the subscribers,
 * their plans or sites, or on a new day.
 */
export function keptMeteredSubscribers(db: Knex): MeteredSubscribers {
  // The zones the kept cycles were worked out in: their dates are part of the key.
  let zones: string[] = [];
  const read = async (siteId: number, shopTz: string, now: number) => {
    const subs = await meteredSubscribers(db, siteId, shopTz, now);
    zones = [...new Set([shopTz, ...[...subs.values()].map((s) => s.tz)])];
    return subs;
  };
  return keptRead(db, { tables: METER_TABLES }, read, (siteId, shopTz, now) =>
    [siteId, shopTz, ...zones.map((tz) => localDate(now, tz))].join(' '),
  );
}

/**
 * The current cycle on `date` of billing terms, worked out once per distinct terms in one call: thousands of
 * subscribers share a few dozen billing days, and an anchor more than a month back no longer moves a cycle (it
 * starts on the last billing day, at most 31 days back), so those anchors count as one.
 */
export function cyclesOn(date: string): (t: CycleTerms) => Cycle {
  const old = addDays(date, -32);
  const known = new Map<string, Cycle>();
  return (t) => {
    const key = `${t.billingDay} ${t.startsOn < old ? '' : t.startsOn} ${t.next?.billingDay} ${t.next?.from}`;
    let c = known.get(key);
    if (!c) known.set(key, (c = cycleOn(t, date)));
    return c;
  };
}

/** The login names (lower case) of a site's subscribers in service, as the poll's PPP read filters its sessions. */
interface SubscriberNames {
  /** Undefined while the site has no subscriber in service. The set is shared between reads: never change it. */
  at(siteId: number): Promise<ReadonlySet<string> | undefined>;
  close(): void;
}

async function namesOf(db: Knex, siteId: number): Promise<ReadonlySet<string> | undefined> {
  const rows = (await db('subscribers')
    .where('site_id', siteId)
    .whereIn('status', IN_SERVICE)
    .select('username_key')) as Array<{ username_key: string }>;
  return rows.length === 0 ? undefined : new Set(rows.map((r) => r.username_key));
}

/**
 * The names kept between polls (keptRead) while no statement wrote `subscribers` (a subscriber added, renamed,
 * ended, from this process or another).
 */
export function keptSubscriberNames(db: Knex): SubscriberNames {
  return keptRead(db, { tables: ['subscribers'] }, (siteId: number) => namesOf(db, siteId), String);
}
