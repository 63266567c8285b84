import type { Clock } from '../../lib/clock';

export interface LoginThrottleOptions {
  /** Attempts per window for one (address, username). */
  limit: number;
  /** Attempts per window from one address, whatever the username (one address trying many names). */
  perIpLimit: number;
  /** Attempts per window for one username from all addresses together (many addresses trying one name). */
  perUserLimit: number;
  /** The first window; each window that ended blocked doubles the next one, up to `maxWindowMs`. */
  windowMs: number;
  maxWindowMs: number;
  /** A key quiet this long after its window ended is forgotten, growth included. */
  forgetMs: number;
  maxKeys: number;
}

const DEFAULTS: LoginThrottleOptions = {
  limit: 5,
  perIpLimit: 20,
  perUserLimit: 50,
  windowMs: 15 * 60 * 1000,
  maxWindowMs: 24 * 3600 * 1000,
  forgetMs: 24 * 3600 * 1000,
  maxKeys: 10000,
};

interface Entry {
  /** Attempts reserved in this window (refunded ones taken off). */
  count: number;
  resetAt: number;
  /** Windows that ended blocked, less one per window that did not: the next window is 2^level times longer. */
  level: number;
}

/** What `reserve` hands out: refunded by `succeed`, or kept (a failure) by doing nothing. */
export type LoginSlot =
  | { ok: true; keys: ReadonlyArray<{ key: string; resetAt: number }>; pair: string }
  | { ok: false; waitSeconds: number };

/**
 * Login attempts counted before the password is checked. `reserve` takes a slot from every key the attempt
 * belongs to (the address and username together, the address, the username) in one synchronous step, so
 * requests that arrive together cannot all pass a check made before any of them failed: the scrypt check is
 * slow, and a hundred requests sent at once would otherwise all be let through to it. A success gives the slot
 * back (and clears that address and username's count); a failure keeps it. A key that has used its slots is
 * blocked until its window ends, and each window that ended blocked makes the next one twice as long (15 min,
 * 30 min, 1 h, … up to a day). Uses the passed-in clock (tests move it); memory only, pruned as it goes.
 */
export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly opts: LoginThrottleOptions;

  constructor(
    private readonly clock: Clock,
    opts: Partial<LoginThrottleOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  /** Takes a slot for this attempt, or says how many seconds to wait; never both. */
  reserve(ip: string, username: string): LoginSlot {
    const now = this.clock.now();
    const keys = this.keys(ip, username);
    let wait = 0;
    for (const [key, limit] of keys) {
      const e = this.current(key, limit, now);
      if (e && e.count >= limit) wait = Math.max(wait, Math.ceil((e.resetAt - now) / 1000));
    }
    if (wait > 0) return { ok: false, waitSeconds: wait };
    const taken = keys.map(([key, limit]) => {
      const e = this.current(key, limit, now) ?? this.open(key, now, 0);
      e.count += 1;
      return { key, resetAt: e.resetAt };
    });
    if (this.entries.size > this.opts.maxKeys) this.prune(now);
    return { ok: true, keys: taken, pair: keys[0][0] };
  }

  /**
   * The slot's attempt was the right password: it is given back, and the address and username's own count
   * is cleared (the owner who mistyped a few times starts afresh). The address's and the username's counts
   * keep the other attempts, so a success does not forgive guesses at other names or from other addresses.
   */
  succeed(slot: LoginSlot): void {
    if (!slot.ok) return;
    for (const { key, resetAt } of slot.keys) {
      const e = this.entries.get(key);
      if (e && e.resetAt === resetAt && e.count > 0) e.count -= 1;
    }
    this.entries.delete(slot.pair);
  }

  private keys(ip: string, username: string): Array<[string, number]> {
    const user = username.toLowerCase();
    return [
      [`pair:${ip}\u0000${user}`, this.opts.limit],
      [`ip:${ip}`, this.opts.perIpLimit],
      [`user:${user}`, this.opts.perUserLimit],
    ];
  }

  /** The key's entry for the window running now, opening the next window when the last one has ended. */
  private current(key: string, limit: number, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (!e || e.resetAt > now) return e;
    this.entries.delete(key);
    if (now - e.resetAt >= this.opts.forgetMs) return undefined;
    const level = e.count >= limit ? e.level + 1 : Math.max(0, e.level - 1);
    if (level === 0 && e.count === 0) return undefined;
    return this.open(key, now, level);
  }

  private open(key: string, now: number, wanted: number): Entry {
    // No growth past the longest window, so one quiet window always shortens the next.
    const top = Math.ceil(Math.log2(this.opts.maxWindowMs / this.opts.windowMs));
    const level = Math.min(wanted, Math.max(0, top));
    const length = Math.min(this.opts.windowMs * 2 ** level, this.opts.maxWindowMs);
    const e: Entry = { count: 0, resetAt: now + length, level };
    this.entries.set(key, e);
    return e;
  }

  private prune(now: number): void {
    for (const [k, e] of this.entries) if (now - e.resetAt >= this.opts.forgetMs) this.entries.delete(k);
    // Still too many (an address flood): drop the oldest entries; Map keeps insertion order.
    for (const k of this.entries.keys()) {
      if (this.entries.size <= this.opts.maxKeys) break;
      this.entries.delete(k);
    }
  }
}
