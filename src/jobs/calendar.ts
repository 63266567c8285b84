import { createTask, validateDetailed, type ScheduledTask } from 'node-cron';
import type { Logger } from '../lib/logger';

/** The longest the job sleeps before looking at its clock again (a test's fake clock may jump by hand). */
const MAX_WAIT_MS = 1000;
/** How far back a late look searches for a missed time: a machine asleep for a week runs once, not 7 times. */
const LOOK_BACK_MS = 2 * 24 * 3600 * 1000;
/** Patterns with a seconds field are searched second by second, so only this far back. */
const LOOK_BACK_SECONDS_MS = 3600 * 1000;

/** A cron pattern's mistake in the owner's words, or undefined when node-cron takes it. */
export function cronPatternProblem(pattern: string): string | undefined {
  const v = validateDetailed(pattern);
  if (v.valid) return undefined;
  return v.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'not a cron pattern';
}

interface CalendarJobOptions {
  /** A node-cron pattern: 5 fields (minute hour day month weekday) or 6 with seconds first. */
  pattern: string;
  /** The shop's time zone, read at every look (the owner may change it in Settings). */
  tz: () => string;
  /** Runs at a matching time, with that time (ms); never two at once. */
  work: (at: number) => Promise<void>;
  log: Logger;
  now: () => number;
}

/**
 * A job at calendar times ("21:00 every day") in the shop's time zone. node-cron reads the pattern and says
 * whether a moment matches it (its own time-zone arithmetic, daylight saving included); the moments come
 * from the passed-in clock, not from node-cron's timers, so a test drives the job by moving a fake clock.
 *
 * A look finds the latest matching time since the last look and runs the work once for it: times missed
 * while the process was busy or the machine asleep are not made up one by one, and a run still going when
 * the next time comes makes that time skipped (logged), never queued. Times before `start()` never run.
 */
export class CalendarJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private checkedUntil = 0;
  private stopped = true;
  private matcher?: { tz: string; task: ScheduledTask };
  private readonly seconds: boolean;
  lastRunAt?: number;
  lastError?: string;

  constructor(
    readonly name: string,
    private readonly opts: CalendarJobOptions,
  ) {
    const problem = cronPatternProblem(opts.pattern);
    if (problem) throw new Error(`${name}: ${problem}`);
    this.seconds = opts.pattern.trim().split(/\s+/).length === 6;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.checkedUntil = this.opts.now();
    this.arm();
  }

  /** The latest time in (from, to] that matches, or undefined. */
  latestMatch(from: number, to: number): number | undefined {
    const step = this.seconds ? 1000 : 60_000;
    const floor = Math.max(from, to - (this.seconds ? LOOK_BACK_SECONDS_MS : LOOK_BACK_MS));
    const task = this.task();
    for (let t = Math.floor(to / step) * step; t > floor; t -= step) if (task.match(new Date(t))) return t;
    return undefined;
  }

  /**
   * Looks now (the timer's own look; tests may call it after moving their clock). Resolves when the run it
   * started, if any, has finished.
   */
  async look(): Promise<void> {
    const now = this.opts.now();
    const at = this.latestMatch(this.checkedUntil, now);
    this.checkedUntil = Math.max(this.checkedUntil, now);
    if (at === undefined || this.stopped) return;
    if (this.running) {
      this.opts.log.info(
        { job: this.name, at },
        `${this.name}: still running at the next time; that time is skipped`,
      );
      return;
    }
    this.running = this.opts
      .work(at)
      .then(() => {
        this.lastError = undefined;
      })
      .catch((err: unknown) => {
        this.lastError = (err as Error).message;
        this.opts.log.error({ job: this.name, err: (err as Error).message }, `${this.name} failed`);
      })
      .finally(() => {
        this.lastRunAt = this.opts.now();
        this.running = undefined;
      });
    await this.running;
  }

  /** Waits for a run in progress (tests). */
  async settled(): Promise<void> {
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.matcher?.task.destroy();
    this.matcher = undefined;
  }

  private task(): ScheduledTask {
    const tz = this.opts.tz();
    if (this.matcher?.tz !== tz) {
      void this.matcher?.task.destroy();
      // Never started: node-cron only matches here; the clock above decides when to look.
      this.matcher = {
        tz,
        task: createTask(this.opts.pattern, () => undefined, { timezone: tz, name: this.name }),
      };
    }
    return this.matcher.task;
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.look();
      this.arm();
    }, MAX_WAIT_MS);
    // The HTTP server keeps the process alive; a pending look alone must not (tests, CLI).
    this.timer.unref();
  }
}
