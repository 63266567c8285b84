/**
 * The event loop's delay, under prom-client's names (nodejs_eventloop_lag_seconds and its min, max, p50, p90 and
 * p99), sampled once every LAG_SAMPLE_MS and summed up at each scrape. prom-client's own collector samples every
 * 10 ms and works out a standard deviation and a mean at every scrape: on a 2-core box the sampling cost about 0.3 s
 * of CPU every 30 s (more than a 5,000-device poll) and the standard deviation alone 0.23 ms a scrape, most of a
 * scrape (bench/metrics.bench.ts). Sampled once a second, every stall longer than a second is seen whole.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type * as Prom from 'prom-client';

export const LAG_SAMPLE_MS = 1000;

export interface EventLoopLag {
  /** Stops the sampling (the server stopping). */
  close(): void;
}

export function eventLoopLag(prom: typeof Prom, registers: Prom.Registry[]): EventLoopLag {
  const delays = monitorEventLoopDelay({ resolution: LAG_SAMPLE_MS });
  delays.enable();
  const gauge = (suffix: string, help: string, collect?: () => void) =>
    new prom.Gauge({ name: `nodejs_eventloop_lag${suffix}_seconds`, help, registers, collect });
  const seconds = (ns: number) => (Number.isFinite(ns) ? ns / 1e9 : 0);
  // Registered first: its collect sets the others before they are read.
  const lag = gauge(
    '',
    'Lag of event loop in seconds: how long the loop took to come round, measured at each scrape (shown at the next).',
    () => {
      const asked = process.hrtime.bigint();
      setImmediate(() => lag.set(Number(process.hrtime.bigint() - asked) / 1e9));
      // No sample yet (the first second): nothing to say, rather than the histogram's empty extremes.
      if (delays.count === 0) return;
      min.set(seconds(delays.min));
      max.set(seconds(delays.max));
      p50.set(seconds(delays.percentile(50)));
      p90.set(seconds(delays.percentile(90)));
      p99.set(seconds(delays.percentile(99)));
      delays.reset();
    },
  );
  const min = gauge('_min', 'The smallest event loop delay sampled since the last scrape.');
  const max = gauge('_max', 'The largest event loop delay sampled since the last scrape.');
  const p50 = gauge('_p50', 'The median event loop delay sampled since the last scrape.');
  const p90 = gauge('_p90', 'The 90th percentile of the event loop delays sampled since the last scrape.');
  const p99 = gauge('_p99', 'The 99th percentile of the event loop delays sampled since the last scrape.');
  return { close: () => delays.disable() };
}
