/**
 * The one place a subscriber's speeds are decided (domain/subscriber-policy.ts): one policy call per subscriber,
 * from the bytes counted in its current cycle. The poll asks it of the subscribers whose speeds its bytes may have
 * changed (speedsAfter: a threshold crossed, a cycle begun) and carries the answers in its enforce order, which the
 * site's enforcer applies (usage/enforcer.ts withSubscriberSpeeds); the rooms' own checks ask it of every
 * subscriber (subscriberSpeedsNow), to put right what drifted.
 */
import type { Knex } from 'knex';
import {
  crossesThreshold,
  subscriberSpeeds,
  type SubscriberSpeeds,
  type SubscriberUse,
} from '../../../domain/subscriber-policy';
import { profileFromRow } from '../../../domain/profile-row';
import { localDate } from '../../../domain/calendar';
import { termsOf, usageOf, type LoadedRow } from '../../subscriptions/subscribers/store';
import { cyclesOn } from './subscriber-load';

/** The speeds each subscriber of `rows` should run at now, by id, from this cycle's counted bytes. */
export async function subscriberSpeedsNow(
  db: Knex,
  rows: readonly LoadedRow[],
  now: number,
  shopTz: string,
): Promise<Map<number, SubscriberSpeeds>> {
  const today = new Map<string, ReturnType<typeof cyclesOn>>();
  const shaped = rows.map((r) => {
    const tz = r.site_tz || shopTz;
    let cycle = today.get(tz);
    if (cycle === undefined) today.set(tz, (cycle = cyclesOn(localDate(now, tz))));
    return { r, tz, cycle: cycle(termsOf(r)) };
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

/**
 * The speeds a subscriber should run at once its cycle's counted bytes went from `was` (undefined: a cycle just
 * begun) to `counted`, when they may differ from before: a cycle begun, or a threshold crossed that changes its
 * service or tier. Undefined: nothing changed. Bytes that cross no threshold cost no policy call.
 */
export function speedsAfter(
  s: Omit<SubscriberUse, 'countedBytes'> & { tz: string },
  was: number | undefined,
  counted: number,
  now: number,
): SubscriberSpeeds | undefined {
  if (was !== undefined && !crossesThreshold(s.profile, was, counted)) return undefined;
  const after = subscriberSpeeds({ ...s, countedBytes: counted }, now, s.tz);
  if (was === undefined) return after;
  const before = subscriberSpeeds({ ...s, countedBytes: was }, now, s.tz);
  return before.service !== after.service || before.tier !== after.tier ? after : undefined;
}
