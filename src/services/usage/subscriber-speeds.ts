/**
 * The one place a subscriber's speeds are decided for the rooms that apply them (the PPP room's secrets and
 * sessions on an API site, FreeRADIUS's rows on a RADIUS site): one policy call per subscriber
 * (domain/subscriber-policy.ts) from the bytes counted in its current cycle, its plan from the profile service's
 * parsed view. The poll itself asks the policy only of the subscribers whose bytes crossed a threshold
 * (subscribers.ts), and tells the rooms which ones those were.
 */
import type { Knex } from 'knex';
import { cycleOn } from '../../domain/billing-cycle';
import { subscriberSpeeds, type SubscriberSpeeds } from '../../domain/subscriber-policy';
import { profileFromRow } from '../../domain/profile-row';
import { localDate } from '../../domain/calendar';
import { termsOf, usageOf, type LoadedRow } from '../subscribers/store';

/** The speeds each subscriber of `rows` should run at now, by id, from this cycle's counted bytes. */
export async function subscriberSpeedsNow(
  db: Knex,
  rows: readonly LoadedRow[],
  now: number,
  shopTz: string,
): Promise<Map<number, SubscriberSpeeds>> {
  const today = new Map<string, string>();
  const shaped = rows.map((r) => {
    const tz = r.site_tz || shopTz;
    let date = today.get(tz);
    if (date === undefined) today.set(tz, (date = localDate(now, tz)));
    return { r, tz, cycle: cycleOn(termsOf(r), date) };
  });
  const counted = await usageOf(
    db,
    shaped.map((x) => ({ id: Number(x.r.id), start: x.cycle.start })),
  );
  const out = new Map<number, SubscriberSpeeds>();
  for (const { r, tz, cycle } of shaped) {
    const use = {
      profile: profileFromRow(r.profile_row),
      status: r.status,
      countedBytes: counted.get(Number(r.id)) ?? 0,
      cycle,
    };
    out.set(Number(r.id), subscriberSpeeds(use, now, tz));
  }
  return out;
}
