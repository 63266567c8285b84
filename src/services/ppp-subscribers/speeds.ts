/**
 * Subscribers' speeds on an API site's router. A running PPP session keeps the rate limit it took at login (its
 * dynamic queue `<pppoe-NAME>` comes first and cannot be changed), so a new speed reaches a subscriber by its
 * secret's profile and a new login: the secret names the profile of the tier the policy gives it
 * (src/domain/subscriber-policy.ts: the plan's, its FUP's, its cap's) or is disabled while a block cap holds,
 * and a running session whose queue runs at other speeds is ended once, so the CPE dials again onto the right
 * profile. A session is ended once per change of its wanted speeds, never in a loop: `endedFor` remembers the
 * speeds each was ended for until a session runs at them (memory of the running controller; a restart at most
 * ends a session once more).
 */
import type { Knex } from 'knex';
import { cycleOn } from '../../domain/billing-cycle';
import { sessionsToRestart } from '../../domain/ppp-plan';
import { subscriberSpeeds, type SubscriberSpeeds } from '../../domain/subscriber-policy';
import type { Profile } from '../../domain/profile-types';
import { normRates } from '../../domain/queue-values';
import type { RouterPpp } from '../../router/ppp';
import { localDate } from '../../domain/calendar';
import { termsOf, usageOf, type LoadedRow } from '../subscribers/store';
import { profileFromRow } from '../vouchers/state';

/** The speeds each subscriber of `rows` should run at now, by id, from this cycle's counted bytes. */
export async function subscriberTiers(
  db: Knex,
  rows: readonly LoadedRow[],
  now: number,
  shopTz: string,
): Promise<Map<number, SubscriberSpeeds>> {
  const shaped = rows.map((r) => {
    const tz = r.site_tz || shopTz;
    return { r, tz, cycle: cycleOn(termsOf(r), localDate(now, tz)) };
  });
  const counted = await usageOf(
    db,
    shaped.map((x) => ({ id: Number(x.r.id), start: x.cycle.start })),
  );
  const out = new Map<number, SubscriberSpeeds>();
  const plans = new Map<number, Profile>();
  for (const { r, tz, cycle } of shaped) {
    let profile = plans.get(Number(r.profile_id));
    if (!profile) plans.set(Number(r.profile_id), (profile = profileFromRow(r.profile_row)));
    const use = {
      profile,
      status: r.status,
      countedBytes: counted.get(Number(r.id)) ?? 0,
      cycle,
    };
    out.set(Number(r.id), subscriberSpeeds(use, now, tz));
  }
  return out;
}

export interface SpeedWant {
  name: string;
  /** The `max-limit` its session's queue should have (upload/download in bits/s). */
  maxLimit: string;
  /** No service now: its session ends, its secret is disabled. */
  disabled?: boolean;
}

/**
 * Ends the running sessions not at their wanted speeds (`skip`: names whose secret could not be written in this
 * check: a new login would take the old profile). Returns how many ended, and how many ends failed.
 */
export async function restartSessions(
  ppp: Pick<RouterPpp, 'endSession'>,
  active: readonly string[],
  /** Each running session's queue `max-limit`, read with the sessions (RouterPpp.sessionLimits). */
  limits: ReadonlyMap<string, string>,
  want: readonly SpeedWant[],
  endedFor: Map<string, string>,
  skip: ReadonlySet<string>,
): Promise<{ ended: number; failed: number }> {
  const sessions = active.map((name) => ({ name, maxLimit: limits.get(name) ?? null }));
  for (const w of want) {
    const have = limits.get(w.name);
    if (!w.disabled && have !== undefined && normRates(have) === normRates(w.maxLimit))
      endedFor.delete(w.name);
  }
  let ended = 0;
  let failed = 0;
  for (const r of sessionsToRestart(sessions, want, endedFor)) {
    if (skip.has(r.name)) continue;
    try {
      ended += await ppp.endSession(r.name);
      endedFor.set(r.name, r.maxLimit);
    } catch {
      failed++;
    }
  }
  return { ended, failed };
}
