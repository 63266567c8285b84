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
import { sessionsToRestart } from '../../../domain/ppp-plan';
import { normRates } from '../../../domain/queue-values';
import type { RouterPpp } from '../../../router/ppp';

/** The speeds each subscriber should run at now (decided in one place for every room: usage/subscriber-speeds.ts). */
export { subscriberSpeedsNow as subscriberTiers } from '../usage/subscriber-speeds';

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
): Promise<{ ended: number; failed: number; names: Set<string> }> {
  const sessions = active.map((name) => ({ name, maxLimit: limits.get(name) ?? null }));
  for (const w of want) {
    const have = limits.get(w.name);
    if (!w.disabled && have !== undefined && normRates(have) === normRates(w.maxLimit))
      endedFor.delete(w.name);
  }
  let ended = 0;
  let failed = 0;
  const names = new Set<string>();
  for (const r of sessionsToRestart(sessions, want, endedFor)) {
    if (skip.has(r.name)) continue;
    try {
      ended += await ppp.endSession(r.name);
      endedFor.set(r.name, r.maxLimit);
      names.add(r.name);
    } catch {
      failed++;
    }
  }
  return { ended, failed, names };
}
