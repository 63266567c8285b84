/**
 * Slows down code guessing on the portal: a few wrong codes are free, then each further wrong code locks the
 * asker out for a doubling time (30 s, 1 min, 2 min, ... capped at 1 h). The key is who asks (the address the
 * request comes from), never what the request body claims, so one client cannot spread its guesses over
 * many claimed devices nor lock another customer out; and a success forgives nothing (a guesser with one
 * valid code of their own must not reset their count with it). On top, a ceiling on wrong codes per minute
 * across everyone: past it, anyone who already guessed wrong waits until the minute is over.
 * In memory on purpose: a restart forgets lockouts, which costs an attacker a restart they cannot cause.
 * Eight random characters over 31 symbols (~40 bits) make guessing hopeless at this rate.
 */
import type { Clock } from '../lib/clock';

export interface GuessLimiterOptions {
  freeAttempts?: number;
  baseLockMs?: number;
  maxLockMs?: number;
  /** Entries idle this long are forgotten (and the map pruned). */
  forgetAfterMs?: number;
  /** Wrong codes per minute across all askers before the ceiling applies. */
  globalPerMinute?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastAt: number;
}

const MAX_ENTRIES = 50_000;

export class GuessLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly free: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly forgetMs: number;
  private readonly globalMax: number;
  private windowStart = 0;
  private windowFailures = 0;

  constructor(
    private readonly clock: Clock,
    opts: GuessLimiterOptions = {},
  ) {
    this.free = opts.freeAttempts ?? 5;
    this.baseMs = opts.baseLockMs ?? 30_000;
    this.maxMs = opts.maxLockMs ?? 3_600_000;
    this.forgetMs = opts.forgetAfterMs ?? 24 * 3_600_000;
    this.globalMax = opts.globalPerMinute ?? 120;
  }

  /** Seconds until the minute ends when the shop-wide ceiling is reached and this asker already failed. */
  private ceilingWait(keys: readonly string[], now: number): number {
    if (now - this.windowStart >= 60_000 || this.windowFailures < this.globalMax) return 0;
    if (!keys.some((k) => (this.live(k, now)?.failures ?? 0) > 0)) return 0;
    return Math.ceil((this.windowStart + 60_000 - now) / 1000);
  }

  /** Counts a wrong code shop-wide; true when this one reached the ceiling (to be reported once). */
  private countGlobal(now: number): boolean {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.windowFailures = 0;
    }
    this.windowFailures++;
    return this.windowFailures === this.globalMax;
  }

  /** Seconds until the longest lock on any of the keys ends, or 0 when none is locked. */
  retryAfter(keys: readonly string[]): number {
    const now = this.clock.now();
    let until = 0;
    for (const k of keys) until = Math.max(until, this.live(k, now)?.lockedUntil ?? 0);
    const own = until > now ? Math.ceil((until - now) / 1000) : 0;
    return Math.max(own, this.ceilingWait(keys, now));
  }

  /**
   * A wrong code: counts against every key; returns the new lock in seconds (0 = still free) and whether this
   * wrong code reached the shop-wide ceiling for the minute (the caller reports that once).
   */
  fail(keys: readonly string[]): number {
    return this.failAndReport(keys).lockSeconds;
  }

  failAndReport(keys: readonly string[]): { lockSeconds: number; ceilingReached: boolean } {
    const now = this.clock.now();
    const ceilingReached = this.countGlobal(now);
    if (this.entries.size > MAX_ENTRIES) this.prune(now);
    for (const k of keys) {
      const e = this.live(k, now) ?? { failures: 0, lockedUntil: 0, lastAt: now };
      e.failures++;
      e.lastAt = now;
      const over = e.failures - this.free;
      if (over > 0) e.lockedUntil = now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over - 1, 30));
      this.entries.set(k, e);
    }
    return { lockSeconds: this.retryAfter(keys), ceilingReached };
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && now - e.lastAt > this.forgetMs && now >= e.lockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private prune(now: number): void {
    for (const k of [...this.entries.keys()]) this.live(k, now);
  }
}
