import type { Logger } from '../lib/logger';

/**
 * The longest the job sleeps before looking at its clock again. The clock may be a test's fake clock that
 * jumps ahead by hand; the job notices within this bound instead of sleeping a whole (possibly long) interval.
 */
const MAX_WAIT_MS = 1000;

/**
 * A job that starts on a fixed cadence, `first start + n × interval`, never overlapping. Scheduling from the
 * start (not the end) of the previous run keeps a 30 s poll at 30 s however long each run takes. A start that
 * comes while the previous run is still going is skipped, never queued: queued runs would pile up behind a
 * slow router and then fire back to back. The skips are logged once, with their count, when the long run ends.
 */
export class PeriodicJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Clock time of the next scheduled start (undefined until start()). */
  private nextStart?: number;
  /** The scheduled slot the current (or last) run belongs to; the cadence is counted from it. */
  private slot?: number;
  private stopped = true;
  private skipped = 0;
  /** The run asked for by runNow() while another was going (one at most), and stop()s so far (it is dropped by one). */
  private followUp?: Promise<void>;
  private stops = 0;
  lastRunAt?: number;
  lastError?: string;

  constructor(
    private readonly name: string,
    private intervalSeconds: number,
    private readonly work: () => Promise<void>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts the cadence with a run right away (unless one is already going, then at the next slot). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    // A run started by runNow() before start() (the server's first poll on connecting) is this cadence's
    // first: the next start is one interval after it, not a start skipped because a run was going.
    this.nextStart = this.running && this.slot !== undefined ? this.slot + this.intervalMs : this.now();
    this.arm();
  }

  /** Takes effect from the current run: the next start is its start plus the new interval. */
  setInterval(seconds: number): void {
    this.intervalSeconds = seconds;
    if (this.slot !== undefined && this.nextStart !== undefined) {
      this.nextStart = this.slot + this.intervalMs;
      this.arm();
    }
  }

  get interval(): number {
    return this.intervalSeconds;
  }

  private get intervalMs(): number {
    return this.intervalSeconds * 1000;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stopped || this.nextStart === undefined) return;
    const wait = Math.min(Math.max(0, this.nextStart - this.now()), MAX_WAIT_MS);
    this.timer = setTimeout(() => this.tick(), wait);
    // The HTTP server keeps the process alive; a pending poll alone must not (tests, CLI).
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped || this.nextStart === undefined) return;
    const now = this.now();
    if (now >= this.nextStart) {
      // Every slot from nextStart up to now has come; all but the last are already late.
      const due = Math.floor((now - this.nextStart) / this.intervalMs) + 1;
      const last = this.nextStart + (due - 1) * this.intervalMs;
      if (this.running) {
        this.skipped += due;
        this.nextStart = last + this.intervalMs;
      } else {
        // Slots missed while nothing ran (a suspended machine, a clock jump) are skipped too, not made up.
        this.skipped += due - 1;
        this.begin(last);
      }
    }
    this.arm();
  }

  /**
   * Runs the job now; the cadence restarts from its start. Asked while a run is going (which may have read before
   * what the caller wants seen: a router back after a reset, a payment), one more run starts as soon as that one
   * ends, however often it was asked meanwhile, unless the job is stopped first.
   */
  runNow(): Promise<void> {
    if (!this.running) return this.begin(this.now());
    if (!this.followUp) {
      const stops = this.stops;
      this.followUp = this.running.then(() => {
        this.followUp = undefined;
        if (this.stops !== stops) return undefined;
        return this.running ?? this.begin(this.now());
      });
    }
    return this.followUp;
  }

  private begin(slot: number): Promise<void> {
    const startedAt = this.now();
    this.slot = slot;
    if (!this.stopped) this.nextStart = slot + this.intervalMs;
    this.running = this.work()
      .then(() => {
        this.lastError = undefined;
      })
      .catch((err: unknown) => {
        this.lastError = (err as Error).message;
        this.log.error({ job: this.name, err: (err as Error).message }, `${this.name} failed`);
      })
      .finally(() => {
        this.lastRunAt = this.now();
        this.running = undefined;
        if (this.skipped > 0) {
          const tookSeconds = (this.lastRunAt - startedAt) / 1000;
          this.log.info(
            { job: this.name, skipped: this.skipped, tookSeconds, intervalSeconds: this.intervalSeconds },
            `${this.name}: a run took ${tookSeconds}s, longer than the ${this.intervalSeconds}s interval; skipped ${this.skipped} start(s)`,
          );
          this.skipped = 0;
        }
        this.arm();
      });
    this.arm();
    return this.running;
  }

  /** Stops scheduling and waits for a run in progress to finish (a run asked for after it does not start). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stops++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
