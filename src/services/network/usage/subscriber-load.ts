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
