import type { Clock } from '../../lib/clock';

/**
 * Failed-login counting: `limit` failures per window per (IP, username), plus a wider per-IP bound so one
 * address cannot try many usernames. Uses the passed-in clock (tests move it); memory only, pruned as it goes.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly opts = { limit: 5, perIpLimit: 20, windowMs: 15 * 60 * 1000, maxKeys: 10000 },
  ) {}

  /** Seconds until the next attempt is allowed, or 0 when not blocked. */
  blockedFor(ip: string, username: string): number {
    const now = this.clock.now();
    const checks: Array<[string, number]> = [
      [this.key(ip, username), this.opts.limit],
      [`ip:${ip}`, this.opts.perIpLimit],
    ];
    let wait = 0;
    for (const [key, limit] of checks) {
      const e = this.failures.get(key);
      if (!e) continue;
      if (e.resetAt <= now) this.failures.delete(key);
      else if (e.count >= limit) wait = Math.max(wait, Math.ceil((e.resetAt - now) / 1000));
    }
    return wait;
  }

  fail(ip: string, username: string): void {
    for (const key of [this.key(ip, username), `ip:${ip}`]) this.bump(key);
  }

  /** A successful login clears the (IP, username) counter, not the per-IP one. */
  succeed(ip: string, username: string): void {
    this.failures.delete(this.key(ip, username));
  }

  private key(ip: string, username: string): string {
    return `${ip}\u0000${username.toLowerCase()}`;
  }

  private bump(key: string): void {
    const now = this.clock.now();
    const e = this.failures.get(key);
    if (e && e.resetAt > now) e.count += 1;
    else this.failures.set(key, { count: 1, resetAt: now + this.opts.windowMs });
    if (this.failures.size > this.opts.maxKeys) this.prune(now);
  }

  private prune(now: number): void {
    for (const [k, e] of this.failures) if (e.resetAt <= now) this.failures.delete(k);
    // Still too many (an address flood): drop the oldest entries; Map keeps insertion order.
    for (const k of this.failures.keys()) {
      if (this.failures.size <= this.opts.maxKeys) break;
      this.failures.delete(k);
    }
  }
}
