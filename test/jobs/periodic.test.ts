/**
 * The job's cadence under jest's fake timers (which also drive Date.now, the job's clock here): starts are
 * counted from the first start, not from the end of the previous run, and starts that come while a run is
 * still going are skipped and logged, never queued; a run asked for (runNow) while one is going starts after it.
 */
import { PeriodicJob } from '../../src/jobs/periodic';
import type { Logger } from '../../src/lib/logger';

interface Line {
  level: string;
  obj: Record<string, unknown>;
  msg: string;
}

function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) =>
    lines.push({ level, obj, msg });
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
}

const T0 = Date.UTC(2026, 10, 21, 4, 0, 0);

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** A job whose runs take `durations[i]` ms (the last one repeats); returns the start times, relative to T0. */
function job(intervalSeconds: number, durations: number[], lines: Line[] = []) {
  const starts: number[] = [];
  const j = new PeriodicJob(
    'test-job',
    intervalSeconds,
    async () => {
      const ms = durations[Math.min(starts.length, durations.length - 1)]!;
      starts.push(Date.now() - T0);
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    recordingLogger(lines),
    () => Date.now(),
  );
  return { j, starts };
}

/** stop() waits for the run in progress, whose end is itself on the fake timers. */
async function stop(j: PeriodicJob): Promise<void> {
  const stopped = j.stop();
  await jest.advanceTimersByTimeAsync(5000);
  await stopped;
}

test('a 1 s job whose run takes 0.3 s starts every 1.0 s, not every 1.3 s', async () => {
  const { j, starts } = job(1, [300]);
  j.start();
  await jest.advanceTimersByTimeAsync(4100);
  await stop(j);
  expect(starts).toEqual([0, 1000, 2000, 3000, 4000]);
});

test('a run that takes 2.5 s: the starts in between are skipped (not queued) and logged with their count', async () => {
  const lines: Line[] = [];
  const { j, starts } = job(1, [2500, 300], lines);
  j.start();
  await jest.advanceTimersByTimeAsync(5100);
  await stop(j);
  // 1 s and 2 s fell inside the long run: skipped. The cadence resumes on its own grid at 3 s.
  expect(starts).toEqual([0, 3000, 4000, 5000]);
  const skips = lines.filter((l) => /skipped/.test(l.msg));
  expect(skips).toHaveLength(1);
  expect(skips[0]).toMatchObject({ level: 'info', obj: { job: 'test-job', skipped: 2 } });
  expect(skips[0]!.msg).toMatch(/skipped 2 start\(s\)/);
});

test('start() while a runNow() run is going: that run is the first, nothing is logged as skipped', async () => {
  const lines: Line[] = [];
  const { j, starts } = job(1, [200], lines);
  void j.runNow(); // the server's first poll on connecting, before the cadence starts
  await jest.advanceTimersByTimeAsync(50);
  j.start();
  await jest.advanceTimersByTimeAsync(2100);
  await stop(j);
  expect(starts).toEqual([0, 1000, 2000]);
  expect(lines.filter((l) => /skipped/.test(l.msg))).toEqual([]);
});

test('runNow() while a run is going: one more run starts as it ends, however often asked; not after stop()', async () => {
  const { j, starts } = job(10, [300, 100]);
  void j.runNow();
  await jest.advanceTimersByTimeAsync(100);
  // A router back after a reset, twice, during the run that started before it went away.
  const asked = [j.runNow(), j.runNow()];
  await jest.advanceTimersByTimeAsync(500);
  await Promise.all(asked);
  expect(starts).toEqual([0, 300]);
  void j.runNow(); // at 600
  await jest.advanceTimersByTimeAsync(50);
  void j.runNow(); // during it, then the job is stopped: nothing more starts
  const stopped = j.stop();
  await jest.advanceTimersByTimeAsync(500);
  await stopped;
  expect(starts).toEqual([0, 300, 600]);
});

test('runNow() restarts the cadence from its own start; setInterval applies from the current run', async () => {
  const { j, starts } = job(1, [100]);
  j.start();
  await jest.advanceTimersByTimeAsync(1500); // starts at 0 and 1000
  void j.runNow(); // at 1500: the next start is 2500, not 2000
  await jest.advanceTimersByTimeAsync(1100);
  j.setInterval(2); // during the run that started at 2500: next at 4500
  await jest.advanceTimersByTimeAsync(2100);
  await stop(j);
  expect(starts).toEqual([0, 1000, 1500, 2500, 4500]);
});

test('a fake clock that jumps ahead: one run, the missed starts skipped, nothing made up', async () => {
  let fake = T0;
  const starts: number[] = [];
  const lines: Line[] = [];
  const j = new PeriodicJob(
    'jumpy',
    30,
    async () => void starts.push(fake - T0),
    recordingLogger(lines),
    () => fake,
  );
  j.start();
  await jest.advanceTimersByTimeAsync(10);
  fake += 95_000; // the 30, 60 and 90 s starts have all come
  await jest.advanceTimersByTimeAsync(1000);
  await jest.advanceTimersByTimeAsync(1000);
  await j.stop();
  expect(starts).toEqual([0, 95_000]);
  expect(lines.find((l) => /skipped/.test(l.msg))?.obj).toMatchObject({ skipped: 2 });
});

test('stop() waits for the run in progress and nothing starts afterwards', async () => {
  const { j, starts } = job(1, [500]);
  j.start();
  await jest.advanceTimersByTimeAsync(100);
  const stopped = j.stop();
  await jest.advanceTimersByTimeAsync(500);
  await stopped;
  await jest.advanceTimersByTimeAsync(3000);
  expect(starts).toEqual([0]);
});
