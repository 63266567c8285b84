import cron, { ScheduledTask } from 'node-cron';
import type { Logger } from '../lib/logger';

/**
 * A job that runs every `intervalSeconds`, never overlapping: node-cron ticks every second and the job
 * runs when its interval has passed and the previous run has finished. An overrun is logged once per
 * overrun, not stacked (STYLE.md "Background work"). Tests call `runNow()` directly with a fake clock.
 */
export class PeriodicJob {
  private task?: ScheduledTask;
  private running?: Promise<void>;
  private lastStart = 0;
  private stopped = true;
  private overrunLogged = false;
  lastRunAt?: number;
  lastError?: string;

  constructor(
    private readonly name: string,
    private intervalSeconds: number,
    private readonly work: () => Promise<void>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.stopped = false;
    this.task = cron.schedule('* * * * * *', () => this.tick(), { name: this.name });
  }

  setInterval(seconds: number): void {
    this.intervalSeconds = seconds;
  }

  get interval(): number {
    return this.intervalSeconds;
  }

  private tick(): void {
    if (this.stopped) return;
    const due = this.now() - this.lastStart >= this.intervalSeconds * 1000;
    if (!due) return;
    if (this.running) {
      if (!this.overrunLogged) {
        this.log.warn(
          { job: this.name },
          `${this.name}: previous run still going after ${this.intervalSeconds}s; skipping`,
        );
        this.overrunLogged = true;
      }
      return;
    }
    void this.runNow();
  }

  /** Runs the job now unless a run is in progress (then waits for that one). */
  runNow(): Promise<void> {
    if (this.running) return this.running;
    this.lastStart = this.now();
    this.running = this.work()
      .then(() => {
        this.lastError = undefined;
        this.overrunLogged = false;
      })
      .catch((err: unknown) => {
        this.lastError = (err as Error).message;
        this.log.error({ job: this.name, err: (err as Error).message }, `${this.name} failed`);
      })
      .finally(() => {
        this.lastRunAt = this.now();
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops scheduling and waits for a run in progress to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.task?.stop();
    await this.task?.destroy();
    this.task = undefined;
    await this.running;
  }
}
