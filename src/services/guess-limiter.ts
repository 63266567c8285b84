/**
 * Slows down code guessing on the portal: a few wrong codes are free, then each further wrong code locks
 * the device (by MAC) and its IP out for a doubling time (30 s, 1 min, 2 min, ... capped at 1 h).
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

  constructor(
    private readonly clock: Clock,
    opts: GuessLimiterOptions = {},
  ) {
    this.free = opts.freeAttempts ?? 5;
    this.baseMs = opts.baseLockMs ?? 30_000;
    this.maxMs = opts.maxLockMs ?? 3_600_000;
    this.forgetMs = opts.forgetAfterMs ?? 24 * 3_600_000;
  }

  /** Seconds until the longest lock on any of the keys ends, or 0 when none is locked. */
  retryAfter(keys: readonly string[]): number {
    const now = this.clock.now();
    let until = 0;
    for (const k of keys) until = Math.max(until, this.live(k, now)?.lockedUntil ?? 0);
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** A wrong code: counts against every key; returns the new lock in seconds (0 = still free). */
  fail(keys: readonly string[]): number {
    const now = this.clock.now();
    if (this.entries.size > MAX_ENTRIES) this.prune(now);
    for (const k of keys) {
      const e = this.live(k, now) ?? { failures: 0, lockedUntil: 0, lastAt: now };
      e.failures++;
      e.lastAt = now;
      const over = e.failures - this.free;
      if (over > 0) e.lockedUntil = now + Math.min(this.maxMs, this.baseMs * 2 ** Math.min(over - 1, 30));
      this.entries.set(k, e);
    }
    return this.retryAfter(keys);
  }

  /** A successful redemption clears the device's and the IP's record. */
  reset(keys: readonly string[]): void {
    for (const k of keys) this.entries.delete(k);
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
