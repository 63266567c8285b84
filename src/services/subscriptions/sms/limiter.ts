/**
 * Semaphore takes 120 calls a minute per account: a sliding window of the last minute's calls on the passed-in
 * clock. Kept by the sender for the life of the process; a restart starts it empty (Semaphore's answer 429 with
 * Retry-After covers a restart within the minute).
 */
import { CALLS_PER_MINUTE } from '../../../sms/semaphore';

export class CallLimiter {
  private calls: number[] = [];
  private readonly perMinute = CALLS_PER_MINUTE;
  private readonly windowMs = 60_000;

  /** Takes a call at `now` if the window has room; false when it has none. */
  take(now: number): boolean {
    this.calls = this.calls.filter((t) => now - t < this.windowMs);
    if (this.calls.length >= this.perMinute) return false;
    this.calls.push(now);
    return true;
  }

  /** How many calls the window has room for at `now`. */
  free(now: number): number {
    return Math.max(0, this.perMinute - this.calls.filter((t) => now - t < this.windowMs).length);
  }

  /** How long until the window has room again (0: now). */
  waitMs(now: number): number {
    const live = this.calls.filter((t) => now - t < this.windowMs);
    return live.length < this.perMinute ? 0 : live[0] + this.windowMs - now;
  }
}
