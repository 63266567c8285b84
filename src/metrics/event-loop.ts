/**
 * The event loop's delay, under prom-client's names (nodejs_eventloop_lag_seconds and its min, max, p50, p90 and
 * p99 since the last scrape), from a timer that asks once every LAG_SAMPLE_MS how late it runs.
 *
 * Not prom-client's own collector: it samples every 10 ms (on a 2-core box about 0.3 s of CPU every 30 s, more
 * than a 5,000-device poll) and works out a standard deviation at every scrape (0.23 ms, most of a scrape); and the
 * histogram under it (perf_hooks' monitorEventLoopDelay) drops the first interval after each reset, so a stall right
 * after a scrape went unseen. Sampled once a second, a stall longer than a second is always seen, whole.
 */
import type * as Prom from 'prom-client';

export const LAG_SAMPLE_MS = 1000;
/** Samples kept while nobody scrapes: the last ten minutes. */
const KEPT = 600;

export interface EventLoopLag {
  /** Stops the sampling (the server stopping). */
  close(): void;
}

/** The `p`th percentile of `sorted` (nearest rank). */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export function eventLoopLag(prom: typeof Prom, registers: Prom.Registry[]): EventLoopLag {
  /** How late each sample ran (seconds), since the last scrape. */
  let delays: number[] = [];
  let due = performance.now() + LAG_SAMPLE_MS;
  const timer = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - due) / 1000);
    if (delays.length > KEPT) delays.shift();
    due = now + LAG_SAMPLE_MS;
  }, LAG_SAMPLE_MS);
  timer.unref();
  const gauge = (suffix: string, help: string, collect?: () => void) =>
    new prom.Gauge({ name: `nodejs_eventloop_lag${suffix}_seconds`, help, registers, collect });
  // Registered first: its collect sets the others before they are read.
  const lag = gauge(
    '',
    'Lag of event loop in seconds: how long the loop took to come round, measured at each scrape (shown at the next).',
    () => {
      const asked = process.hrtime.bigint();
      setImmediate(() => lag.set(Number(process.hrtime.bigint() - asked) / 1e9));
      // No sample since the last scrape (scraped again within a second): the figures stand.
      if (delays.length === 0) return;
      const sorted = delays.sort((a, b) => a - b);
      delays = [];
      min.set(sorted[0]);
      max.set(sorted[sorted.length - 1]);
      p50.set(percentile(sorted, 50));
      p90.set(percentile(sorted, 90));
      p99.set(percentile(sorted, 99));
    },
  );
  const min = gauge('_min', 'The smallest event loop delay sampled since the last scrape.');
  const max = gauge('_max', 'The largest event loop delay sampled since the last scrape.');
  const p50 = gauge('_p50', 'The median event loop delay sampled since the last scrape.');
  const p90 = gauge('_p90', 'The 90th percentile of the event loop delays sampled since the last scrape.');
  const p99 = gauge('_p99', 'The 99th percentile of the event loop delays sampled since the last scrape.');
  return { close: () => clearInterval(timer) };
}
