/** Small flow-control helpers for the router client: a counting semaphore and reconnect backoff. */

/** Bounds how many commands are in flight on the one API socket at once. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  /** Highest number of holders seen at once (tests use it to prove pipelining). */
  maxObserved = 0;

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`maxInFlight must be a positive integer, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.take();
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
    // release() handed its slot over without decrementing, so `active` already counts us.
    this.maxObserved = Math.max(this.maxObserved, this.active);
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.active--;
  }

  private take(): void {
    this.active++;
    this.maxObserved = Math.max(this.maxObserved, this.active);
  }
}

export interface BackoffOptions {
  minMs: number;
  maxMs: number;
}

/**
 * Delay before reconnect attempt `attempt` (0 = first retry): exponential growth capped at maxMs with
 * full jitter over [minMs, cap], so many controllers restarting together do not reconnect in step, and a
 * wrong password does not become a login storm. attempt resets to 0 after each successful login.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number): number {
  const cap = Math.min(opts.maxMs, opts.minMs * 2 ** Math.min(attempt, 30));
  return Math.round(opts.minMs + random() * Math.max(0, cap - opts.minMs));
}
