/** The poll bench's report: the ratio table, the behaviour checks and the budget's verdicts, from made-up figures. */
import { behaviourChecks, budgetVerdicts, machineLine, scalingReport } from '../../bench/poll.bench';
import { subscriberVerdicts } from '../../bench/poll-subscribers';

/** `cpuRead` is the read after traffic; the unchanged router's read is `unchangedRead` (by default 0.8 of it). */
const row = (
  n: number,
  cpuTraffic: number,
  cpuUnchanged: number,
  cpuRead: number,
  rssMiB = 120,
  unchangedRead = cpuRead * 0.8,
) => ({
  n,
  roundTrips: 4,
  cpuTraffic,
  cpuUnchanged,
  cpuRead: unchangedRead,
  cpuReadTraffic: cpuRead,
  wallTraffic: 0,
  gcTrafficMs: 0,
  fullGcTraffic: 0,
  kibRead: 0,
  writesUnchanged: 0,
  idleRssMiB: rssMiB,
  lifetimeRssMiB: rssMiB,
});

const line = (out: string[], start: string): string => {
  const found = out.find((l) => l.trimStart().startsWith(start));
  if (!found) throw new Error(`no line starting "${start}" in:\n${out.join('\n')}`);
  return found;
};

it('prints each size against the previous one and each cycle against its read, then the budget', () => {
  const out = scalingReport([
    row(2500, 50, 40, 25),
    row(5000, 100, 80, 50),
    row(10000, 210, 170, 105, 95, 100),
  ]);
  expect(out[0]).toContain('scaling: CPU ratio to the previous size');
  expect(out[1]).toContain('first size');
  expect(out[3]).toContain('x2.0 devices: traffic 2.10x, unchanged 2.13x, read after traffic 2.10x');
  expect(out[3]).toContain('traffic 2.00x, unchanged 1.70x');
  expect(out[3]).toContain("traffic / unchanged router's read 2.10x");
  expect(out[4]).toBe('  budget at 10000 devices on one router:');
  expect(out.slice(4)).toEqual(budgetVerdicts([row(5000, 100, 80, 50), row(10000, 210, 170, 105, 95, 100)]));
  expect(out.join('\n')).not.toMatch(/target|moonshot|\bmet\b/);
});

it('says within budget for every line inside it, with the measured figures', () => {
  const out = budgetVerdicts([
    row(2500, 50, 40, 25),
    row(5000, 100, 80, 50),
    row(10000, 210, 170, 75, 150), // 150 MiB = 157.3 MB
  ]);
  expect(out).toHaveLength(4);
  expect(line(out, 'traffic cycle CPU')).toBe(
    '    traffic cycle CPU <= 4x the read after traffic: 2.80x, within budget',
  );
  expect(line(out, '10000 devices')).toBe(
    '    10000 devices <= 2.2x the traffic cycle CPU of 5000: 2.10x, within budget (unchanged cycle 2.13x, reported, not judged)',
  );
  expect(line(out, 'peak RSS')).toBe('    peak RSS <= 160 MB: 157.3 MB, within budget');
  expect(out.join('\n')).not.toContain('OVER');
});

it('says OVER budget for each line outside it', () => {
  const out = budgetVerdicts([row(5000, 171, 80, 44), row(10000, 546, 170, 82, 160)]);
  expect(line(out, 'traffic cycle CPU')).toBe(
    '    traffic cycle CPU <= 4x the read after traffic: 6.66x, OVER budget',
  );
  expect(line(out, '10000 devices')).toContain('of 5000: 3.19x, OVER budget');
  expect(line(out, 'peak RSS')).toBe('    peak RSS <= 160 MB: 167.8 MB, OVER budget');
});

it('judges each line on its own', () => {
  // Doubling over, the rest inside.
  const out = budgetVerdicts([row(5000, 100, 80, 50), row(10000, 230, 150, 100)]);
  expect(line(out, 'traffic cycle CPU')).toContain('2.30x, within budget');
  expect(line(out, '10000 devices')).toContain('2.30x, OVER budget (unchanged cycle 1.88x');
  expect(line(out, 'peak RSS')).toContain('125.8 MB, within budget');
  // The unchanged cycle's doubling is reported, not judged.
  const unchanged = budgetVerdicts([row(5000, 100, 50, 50), row(10000, 200, 150, 100)]);
  expect(line(unchanged, '10000 devices')).toContain('2.00x, within budget (unchanged cycle 3.00x');
});

it("judges the traffic cycle against the read after traffic, not the unchanged router's read", () => {
  // 2.9x the read after traffic, 5.8x the unchanged router's read: within.
  const out = budgetVerdicts([row(10000, 290, 100, 100, 120, 50)]);
  expect(line(out, 'traffic cycle CPU')).toContain('2.90x, within budget');
});

it("judges the largest size measured, and says when it is not the budget's size or has no half", () => {
  const out = budgetVerdicts([row(2500, 50, 40, 25), row(5000, 100, 80, 50)]);
  expect(out[0]).toBe(
    '  budget at 5000 devices on one router (the budget is set at 10000; BENCH_POLL_SIZES=2500,5000,10000 judges it there):',
  );
  expect(line(out, '5000 devices')).toContain('of 2500: 2.00x, within budget');
  const alone = budgetVerdicts([row(2500, 50, 40, 25), row(10000, 210, 170, 105)]);
  expect(line(alone, '10000 devices')).toBe(
    '    10000 devices <= 2.2x the traffic cycle CPU of 5000: not judged (5000 devices not measured)',
  );
});

it('prints the behaviour checks apart from the budget', () => {
  const ok = behaviourChecks([row(2500, 50, 40, 25), row(5000, 100, 80, 50)]);
  expect(ok).toEqual([
    '  behaviour: constant round trips OK (4 per cycle at every size); 0 router writes when nothing changed OK',
  ]);
  const bad = behaviourChecks([
    row(2500, 50, 40, 25),
    { ...row(5000, 100, 80, 50), roundTrips: -1, writesUnchanged: 3 },
  ]);
  expect(bad[0]).toContain('constant round trips FAILED (4, -1; -1 = varied between cycles)');
  expect(bad[0]).toContain('0 router writes when nothing changed FAILED (3)');
});

it('says how busy the machine was, so figures taken beside other work are read as such', () => {
  expect(machineLine(2, 0.4, 0.9)).toBe(
    '  machine: 2 processors, load average 0.4 at the start, 0.9 at the end (above 2: other work competed for the processors, and the figures rise with it)',
  );
  expect(machineLine(2, 11.33, 16.86)).toContain('load average 11.3 at the start, 16.9 at the end');
});

it("judges the subscriber case: a subscriber's CPU against a device's, and the cycle against its read", () => {
  const subs = (subscribers: number, cpuTraffic: number, cpuReadTraffic: number) => ({
    subscribers,
    cpuTraffic,
    cpuReadTraffic,
    lifetimeRssMiB: 160,
  });
  // 27.2 µs a device; the subscribers add 94.6 ms: 47.3 µs each.
  const over = subscriberVerdicts(10000, [subs(0, 272, 89), subs(2000, 366.6, 120.5)]);
  expect(line(over, "a subscriber's traffic cycle CPU <= 1.5x a device's")).toBe(
    "    a subscriber's traffic cycle CPU <= 1.5x a device's: 47.3 µs against 27.2 µs, 1.74x, OVER budget",
  );
  expect(line(over, 'traffic cycle CPU <= 3.5x the read after traffic')).toContain('3.04x, within budget');
  const within = subscriberVerdicts(10000, [subs(0, 272, 89), subs(2000, 340, 100)]);
  expect(line(within, "a subscriber's")).toContain('34.0 µs against 27.2 µs, 1.25x, within budget');
  expect(line(within, 'traffic cycle CPU')).toContain('3.40x, within budget');
  // Without the devices alone there is nothing to set a subscriber against.
  expect(subscriberVerdicts(10000, [subs(2000, 340, 100)]).join('\n')).not.toContain("a subscriber's");
});
