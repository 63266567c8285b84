/**
 * The one check runner every reconciling room uses (the PPP room, the RADIUS subscribers' room), under jest's fake
 * timers: one check at a time with one shared follow-up, a change's check 0.3 s after the first request of a burst,
 * the periodic check, the triggers listened to only between start() and stop(), and a stop that waits.
 */
import { CHANGE_DELAY_MS, createCheckRunner, type CheckTrigger } from '../../src/jobs/check-runner';
import type { Logger } from '../../src/lib/logger';

const T0 = Date.UTC(2026, 10, 26, 4, 0, 0);
const quiet = { debug() {}, info() {}, warn() {}, error() {} } as unknown as Logger;

beforeEach(() => {
  jest.useFakeTimers({ now: T0 });
});
afterEach(() => {
  jest.useRealTimers();
});

/** A room whose checks each wait for the test to finish them, in order. */
function room() {
  const runs: Array<{ reason: string; finish(ok?: boolean): void }> = [];
  const failures: string[] = [];
  let listeners: Array<(reason: string) => void> = [];
  const trigger: CheckTrigger = (request) => {
    listeners.push(request);
    return () => (listeners = listeners.filter((l) => l !== request));
  };
  const check = (reason: string) =>
    new Promise<string>((resolve, reject) =>
      runs.push({
        reason,
        finish: (ok = true) =>
          ok ? resolve(`done: ${reason}`) : reject(new Error(`router down (${reason})`)),
      }),
    );
  return {
    runs,
    failures,
    fire: (reason: string) => listeners.forEach((l) => l(reason)),
    listening: () => listeners.length,
    trigger,
    check,
    failed: (reason: string, err: Error) => void failures.push(`${reason}: ${err.message}`),
  };
}

const settle = () => jest.advanceTimersByTimeAsync(0);

it('runs one check at a time; whoever asks meanwhile shares one check after it', async () => {
  const r = room();
  const runner = createCheckRunner({ check: r.check, failed: r.failed });
  const first = runner.check('a change');
  const second = runner.check('asked twice');
  const third = runner.check();
  await settle();
  expect(r.runs.map((x) => x.reason)).toEqual(['a change']);
  r.runs[0]!.finish();
  await expect(first).resolves.toBe('done: a change');
  await settle();
  // The follow-up runs once, for the first who asked for it, and answers both.
  expect(r.runs.map((x) => x.reason)).toEqual(['a change', 'asked twice']);
  r.runs[1]!.finish();
  await expect(second).resolves.toBe('done: asked twice');
  await expect(third).resolves.toBe('done: asked twice');
  expect(r.runs).toHaveLength(2);
});

it('runs the follow-up after a check that failed, and gives the failure to its caller', async () => {
  const r = room();
  const runner = createCheckRunner({ check: r.check, failed: r.failed });
  const first = runner.check('one');
  const next = runner.check('two');
  await settle();
  r.runs[0]!.finish(false);
  await expect(first).rejects.toThrow('router down (one)');
  await settle();
  r.runs[1]!.finish();
  await expect(next).resolves.toBe('done: two');
  expect(r.failures).toEqual([]); // a caller waited for both: nothing for the room to log
});

it("runs a change's check once for a burst, CHANGE_DELAY_MS after the first request, only while started", async () => {
  const r = room();
  const runner = createCheckRunner({ check: r.check, failed: r.failed });
  runner.request('before start');
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS * 2);
  expect(r.runs).toHaveLength(0);
  runner.start();
  runner.request('subscriber changed');
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS / 2);
  runner.request('another change');
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS / 2 - 1);
  expect(r.runs).toHaveLength(0);
  await jest.advanceTimersByTimeAsync(1);
  expect(r.runs.map((x) => x.reason)).toEqual(['subscriber changed']);
  // Nobody waits for it: its failure is the room's to tell.
  r.runs[0]!.finish(false);
  await settle();
  expect(r.failures).toEqual(['subscriber changed: router down (subscriber changed)']);
  await runner.stop();
});

it('checks on its cadence while started, and never overlaps a check under way', async () => {
  const r = room();
  const runner = createCheckRunner({
    check: r.check,
    failed: r.failed,
    periodic: { name: 'test-check', seconds: 30, log: quiet, now: () => Date.now() },
  });
  runner.start();
  await settle();
  expect(r.runs.map((x) => x.reason)).toEqual(['periodic check']);
  const asked = runner.check('asked for');
  r.runs[0]!.finish();
  await settle();
  expect(r.runs.map((x) => x.reason)).toEqual(['periodic check', 'asked for']);
  r.runs[1]!.finish();
  await asked;
  await jest.advanceTimersByTimeAsync(29_000);
  expect(r.runs).toHaveLength(2);
  await jest.advanceTimersByTimeAsync(1_000);
  expect(r.runs.map((x) => x.reason)).toEqual(['periodic check', 'asked for', 'periodic check']);
  r.runs[2]!.finish();
  await runner.stop();
  await jest.advanceTimersByTimeAsync(60_000);
  expect(r.runs).toHaveLength(3);
});

it('listens to its triggers from start() to stop(); stop() drops a pending check and waits for the one under way', async () => {
  const r = room();
  const runner = createCheckRunner({ check: r.check, failed: r.failed, triggers: [r.trigger] });
  expect(r.listening()).toBe(0);
  runner.start();
  runner.start();
  expect(r.listening()).toBe(1);
  r.fire('router reconnected');
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS);
  expect(r.runs.map((x) => x.reason)).toEqual(['router reconnected']);
  r.fire('subscriber changed'); // pending when stop() comes: dropped
  let stopped = false;
  const stopping = runner.stop().then(() => (stopped = true));
  expect(r.listening()).toBe(0);
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS * 2);
  expect(stopped).toBe(false); // the check under way is waited for
  r.runs[0]!.finish();
  await stopping;
  expect(r.runs).toHaveLength(1);
  r.fire('after stop');
  runner.request('after stop');
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS * 2);
  expect(r.runs).toHaveLength(1);
  // Started again, it listens again.
  runner.start();
  expect(r.listening()).toBe(1);
  await runner.stop();
});

it("a check that begins after a change's request covers it: the change's own check is dropped", async () => {
  const r = room();
  const runner = createCheckRunner({ check: r.check, failed: r.failed });
  runner.start();
  runner.request('subscriber changed');
  const now = runner.check('asked now');
  await settle();
  expect(r.runs.map((x) => x.reason)).toEqual(['asked now']);
  r.runs[0]!.finish();
  await now;
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS * 2);
  expect(r.runs.map((x) => x.reason)).toEqual(['asked now']);
  // A change asked for while a check runs is not covered by it (that one may have read before): it runs after.
  const again = runner.check('asked again');
  await settle();
  runner.request('changed meanwhile');
  await jest.advanceTimersByTimeAsync(CHANGE_DELAY_MS);
  r.runs[1]!.finish();
  await again;
  await settle();
  expect(r.runs.map((x) => x.reason)).toEqual(['asked now', 'asked again', 'changed meanwhile']);
  r.runs[2]!.finish();
  await runner.stop();
});

it("runs a room's own step between its checks, never beside one: after the check under way, before the next", async () => {
  const r = room();
  const runner = createCheckRunner({ check: r.check, failed: r.failed });
  const steps: string[] = [];
  let endStep!: () => void;
  const first = runner.check('a change');
  const step = runner.inTurn(async () => {
    steps.push('begun');
    await new Promise<void>((resolve) => (endStep = resolve));
    steps.push('ended');
    return 'speeds applied';
  });
  await settle();
  expect([r.runs.length, steps]).toEqual([1, []]);
  r.runs[0]!.finish();
  await first;
  await settle();
  expect(steps).toEqual(['begun']);
  // A check asked while the step runs waits for it.
  const next = runner.check('periodic');
  await settle();
  expect(r.runs.length).toBe(1);
  endStep();
  await expect(step).resolves.toBe('speeds applied');
  await settle();
  expect(r.runs.map((x) => x.reason)).toEqual(['a change', 'periodic']);
  r.runs[1]!.finish();
  await expect(next).resolves.toBe('done: periodic');
});
