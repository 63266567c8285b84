import { CalendarJob, cronPatternProblem } from '../../src/jobs/calendar';
import { FakeClock } from '../../src/lib/clock';
import { createLogger } from '../../src/lib/logger';

const log = createLogger('silent');
// 2026-11-25 20:58:00 in Manila (UTC+8).
const start = Date.UTC(2026, 10, 25, 12, 58, 0);

function job(clock: FakeClock, pattern = '0 21 * * *', tz = () => 'Asia/Manila') {
  const runs: number[] = [];
  const j = new CalendarJob('daily', {
    pattern,
    tz,
    now: () => clock.now(),
    log,
    work: async (at) => void runs.push(at),
  });
  return { j, runs };
}

test('runs once at 21:00 shop time, driven by the clock', async () => {
  const clock = new FakeClock(start);
  const { j, runs } = job(clock);
  j.start();
  clock.advance(60_000);
  await j.look();
  expect(runs).toEqual([]);
  clock.advance(90_000); // 21:00:30
  await j.look();
  await j.look();
  expect(runs).toEqual([Date.UTC(2026, 10, 25, 13, 0, 0)]);
  clock.advance(24 * 3600_000);
  await j.look();
  expect(runs).toEqual([Date.UTC(2026, 10, 25, 13, 0, 0), Date.UTC(2026, 10, 26, 13, 0, 0)]);
  await j.stop();
});

test('a week asleep runs once, for the latest time; times before start never run', async () => {
  const clock = new FakeClock(Date.UTC(2026, 10, 25, 13, 0, 30));
  const { j, runs } = job(clock);
  j.start();
  await j.look();
  expect(runs).toEqual([]);
  clock.advance(7 * 24 * 3600_000);
  await j.look();
  expect(runs).toEqual([Date.UTC(2026, 11, 2, 13, 0, 0)]);
  await j.stop();
});

test('the time zone is read at every look', async () => {
  const clock = new FakeClock(start);
  let tz = 'Asia/Manila';
  const { j, runs } = job(clock, '0 21 * * *', () => tz);
  j.start();
  tz = 'Asia/Jakarta'; // UTC+7: 21:00 there is 14:00 UTC
  clock.advance(3 * 60_000);
  await j.look();
  expect(runs).toEqual([]);
  clock.set(Date.UTC(2026, 10, 25, 14, 0, 5));
  await j.look();
  expect(runs).toEqual([Date.UTC(2026, 10, 25, 14, 0, 0)]);
  await j.stop();
});

test('a run still going when the next time comes: that time is skipped, not queued', async () => {
  const clock = new FakeClock(start);
  let release!: () => void;
  const runs: number[] = [];
  const j = new CalendarJob('slow', {
    pattern: '*/5 * * * * *',
    tz: () => 'UTC',
    now: () => clock.now(),
    log,
    work: (at) => {
      runs.push(at);
      return new Promise<void>((r) => (release = r));
    },
  });
  j.start();
  clock.advance(5000);
  const first = j.look();
  clock.advance(5000);
  await j.look();
  expect(runs).toHaveLength(1);
  release();
  await first;
  clock.advance(5000);
  const third = j.look();
  release();
  await third;
  expect(runs).toHaveLength(2);
  await j.stop();
});

test('patterns node-cron refuses are named', () => {
  expect(cronPatternProblem('0 21 * * *')).toBeUndefined();
  expect(cronPatternProblem('61 * * * *')).toMatch(/minute/i);
  expect(() => job(new FakeClock(), '0 25 * * *')).toThrow(/hour/i);
});
