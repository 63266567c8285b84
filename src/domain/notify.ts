/**
 * When to tell the owner, as plain functions of what was seen and what was already said (src/services/business/notify
 * reads the facts, calls these, writes the messages): a router down past its threshold and back, a vendo
 * silent and back, one message per storm of wrong codes, low stock once until restocked; and how long a
 * message waits before its next try.
 */

/** The first retry's wait; doubled for each further failure, up to the cap. */
const RETRY_BASE_MS = 5_000;
const RETRY_CAP_MS = 10 * 60_000;
/** A vendo that has not polled for this long is silent. */
const VENDO_SILENT_MS = 5 * 60_000;
/** Wrong-code events closer than this belong to one storm. */
const STORM_QUIET_MS = 15 * 60_000;

/**
 * The wait before try number `failures + 1`: exponential with jitter (a random point in the upper half), so
 * channels that failed together do not all come back at once. A 429's retry_after is honoured as a floor.
 */
export function retryDelay(failures: number, random: number, retryAfterMs?: number): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.min(Math.max(failures - 1, 0), 20));
  const jittered = Math.round(ceiling / 2 + (ceiling / 2) * Math.min(Math.max(random, 0), 1));
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** What was said of one thing that goes away and comes back (a router, a vendo). */
export interface Presence {
  /** Since when it has been seen away (undefined: present). */
  awaySince?: number;
  /** A "gone" message was sent for this absence. */
  told: boolean;
}

type PresenceStep = { next: Presence; say: 'gone' | 'back' | null };

/**
 * One look at a router: gone once away for longer than `thresholdMs`, back only after a "gone" was said.
 * `awaySince` of the first look that saw it away.
 */
export function routerStep(p: Presence, connected: boolean, now: number, thresholdMs: number): PresenceStep {
  if (connected) return { next: { told: false }, say: p.told ? 'back' : null };
  const awaySince = p.awaySince ?? now;
  if (!p.told && now - awaySince > thresholdMs) return { next: { awaySince, told: true }, say: 'gone' };
  return { next: { ...p, awaySince }, say: null };
}

/**
 * One look at a vendo by its last poll: silent once unheard for VENDO_SILENT_MS; a vendo never heard from is
 * not silent (it was never set up).
 */
export function vendoStep(p: Presence, lastSeenAt: number | null, now: number): PresenceStep {
  if (lastSeenAt === null) return { next: { told: false }, say: null };
  const silent = now - lastSeenAt >= VENDO_SILENT_MS;
  if (!silent) return { next: { told: false }, say: p.told ? 'back' : null };
  if (!p.told) return { next: { awaySince: lastSeenAt, told: true }, say: 'gone' };
  return { next: p, say: null };
}

/**
 * A new wrong-code event at `at`: a new storm (say it) when the last one seen was more than STORM_QUIET_MS
 * before it. Returns the storm's last event time to keep.
 */
export function stormStep(lastEventAt: number | undefined, at: number): { last: number; say: boolean } {
  const say = lastEventAt === undefined || at - lastEventAt > STORM_QUIET_MS;
  return { last: Math.max(at, lastEventAt ?? at), say };
}

/** A profile's stock against the alert: once when below, again only after it was back at or above it. */
export function stockStep(told: boolean, unused: number, threshold: number): { told: boolean; say: boolean } {
  if (unused >= threshold) return { told: false, say: false };
  return { told: true, say: !told };
}

/** `21:00` → the cron pattern `0 21 * * *`. */
export function dailyPattern(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number);
  return `${m} ${h} * * *`;
}
