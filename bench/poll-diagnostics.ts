/**
 * What the poll bench can tell about a cycle besides its CPU total, to find where a figure comes from:
 * - watchGc: V8's collections within the cycle (scavenges and full collections, and their pauses), always on;
 * - threadCpu: the cycle's CPU by kind of thread (main, libuv's pool, V8's workers), BENCH_POLL_VERBOSE=1;
 * - cycleProfiler: a sampling heap profile (BENCH_POLL_HEAP_PROF=DIR) or CPU profile (BENCH_POLL_CPU_PROF=DIR) of
 *   each measured traffic cycle alone, one file per cycle, to open in Chromium's DevTools.
 * docs/performance.md ("Running the benchmarks") says what each showed.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks';

export interface GcShare {
  /** Main-thread pause of the collections, ms. */
  ms: number;
  minor: number;
  major: number;
}

/**
 * V8's collections as they happen (a PerformanceObserver on 'gc'), so a cycle can be told how many ran within it
 * and how long they held the main thread: the figure that moves when a cycle's garbage is promoted.
 */
export function watchGc(): { between(from: number, to: number): Promise<GcShare>; stop(): void } {
  const seen: Array<{ start: number; ms: number; major: boolean }> = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      seen.push({
        start: e.startTime,
        ms: e.duration,
        major: kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR,
      });
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  return {
    // Entries arrive after the event loop turns: wait one macrotask before counting.
    between: (from, to) =>
      new Promise((resolve) =>
        setImmediate(() => {
          const inside = seen.filter((g) => g.start >= from && g.start <= to);
          resolve({
            ms: inside.reduce((a, g) => a + g.ms, 0),
            minor: inside.filter((g) => !g.major).length,
            major: inside.filter((g) => g.major).length,
          });
        }),
      ),
    stop: () => obs.disconnect(),
  };
}

function tasks(): string[] {
  try {
    return fs.readdirSync('/proc/self/task');
  } catch {
    return [];
  }
}

/**
 * Node names all its threads "node": V8's platform workers (and Node's own few) are there when the process
 * starts, libuv's pool threads (SQLite's statements, file reads) only from their first use, after this module
 * is loaded.
 */
const STARTUP_THREADS = new Set(tasks());

/**
 * CPU ms so far by kind of thread, from Linux's per-thread run time (`/proc/self/task/<tid>/schedstat`, ns): the
 * main thread (JavaScript and the protocol), libuv's pool (SQLite's statements) and the threads there at the start
 * (V8's workers: concurrent marking, parallel scavenges). Empty where /proc is not Linux's.
 */
export function threadCpu(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const tid of tasks()) {
    try {
      const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const kind = tid === String(process.pid) ? 'main' : STARTUP_THREADS.has(tid) ? 'v8' : 'pool';
      out[kind] = (out[kind] ?? 0) + ns / 1e6;
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

export const threadDelta = (a: Record<string, number>, b: Record<string, number>): Record<string, number> =>
  Object.fromEntries(Object.keys(b).map((k) => [k, b[k] - (a[k] ?? 0)]));

/**
 * One profile per measured cycle, written to `DIR/<name>.heapprofile` or `.cpuprofile` (Chromium's formats):
 * 'heap', V8's sampling heap profile with the objects collected during the cycle kept in it (so it shows what the
 * cycle allocates, not only what survives it); 'cpu', the main thread's CPU profile (SQLite's threads are not in it).
 */
export async function cycleProfiler(
  kind: 'heap' | 'cpu',
  dir: string,
): Promise<{ start(): Promise<void>; stop(name: string): Promise<void> }> {
  fs.mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  if (kind === 'cpu') {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
  }
  const write = (name: string, profile: unknown) =>
    fs.writeFileSync(
      `${dir}/${name}.${kind === 'heap' ? 'heapprofile' : 'cpuprofile'}`,
      JSON.stringify(profile),
    );
  return {
    start: async () => {
      if (kind === 'cpu') await session.post('Profiler.start');
      else
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        } as never);
    },
    stop: async (name) => {
      const { profile } =
        kind === 'cpu'
          ? await session.post('Profiler.stop')
          : await session.post('HeapProfiler.stopSampling');
      write(name, profile);
    },
  };
}
