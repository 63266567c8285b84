import { counterDelta, downsample, splitOffpeak } from '../../src/domain/usage';
import { alertsCrossed } from '../../src/domain/usage-summary';

describe('counterDelta', () => {
  it('adds the difference while the counter grows', () => {
    expect(counterDelta({ id: '*1', up: 100, down: 1000 }, { id: '*1', up: 150, down: 1600 })).toEqual({
      up: 50,
      down: 600,
      baseline: { id: '*1', up: 150, down: 1600 },
      reset: false,
    });
  });

  it('adds nothing when nothing moved', () => {
    expect(counterDelta({ id: '*1', up: 5, down: 5 }, { id: '*1', up: 5, down: 5 })).toMatchObject({
      up: 0,
      down: 0,
    });
  });

  it('counts the whole value after a counter reset (counter went down)', () => {
    expect(counterDelta({ id: '*1', up: 5000, down: 9000 }, { id: '*1', up: 40, down: 70 })).toEqual({
      up: 40,
      down: 70,
      baseline: { id: '*1', up: 40, down: 70 },
      reset: true,
    });
  });

  it('treats one direction going down as a reset of both', () => {
    expect(counterDelta({ id: '*1', up: 5000, down: 10 }, { id: '*1', up: 40, down: 7000 })).toMatchObject({
      up: 40,
      down: 7000,
      reset: true,
    });
  });

  it('counts the whole value when the queue was re-created (new .id)', () => {
    expect(counterDelta({ id: '*1', up: 10, down: 10 }, { id: '*2', up: 300, down: 400 })).toMatchObject({
      up: 300,
      down: 400,
      reset: true,
    });
  });

  it('counts the whole value of a queue seen for the first time', () => {
    expect(counterDelta(undefined, { id: '*3', up: 7, down: 8 })).toMatchObject({
      up: 7,
      down: 8,
      reset: false,
    });
  });
});

describe('splitOffpeak', () => {
  const TZ = 'Asia/Manila';
  const manila = (h: number, m = 0) => Date.UTC(2026, 0, 15, h - 8, m);
  const night = { start: 22 * 60, end: 6 * 60, unlimited: true, speedMultiplier: 1 };
  const delta = { up: 10, down: 90 };

  it('counts traffic outside the window', () => {
    expect(splitOffpeak(delta, { at: manila(12), prevAt: manila(11, 59) }, night, TZ)).toEqual({
      counted: delta,
      free: { up: 0, down: 0 },
    });
  });

  it('makes traffic free when the whole poll interval is inside the window', () => {
    expect(splitOffpeak(delta, { at: manila(23), prevAt: manila(22, 59) }, night, TZ)).toEqual({
      counted: { up: 0, down: 0 },
      free: delta,
    });
    expect(splitOffpeak(delta, { at: manila(24, 1), prevAt: manila(23, 59) }, night, TZ).free).toEqual(delta);
  });

  it('counts the intervals in which the window opens or closes', () => {
    expect(splitOffpeak(delta, { at: manila(22, 0), prevAt: manila(21, 59) }, night, TZ).counted).toEqual(
      delta,
    );
    expect(splitOffpeak(delta, { at: manila(30, 0), prevAt: manila(29, 59) }, night, TZ).counted).toEqual(
      delta,
    );
    expect(splitOffpeak(delta, { at: manila(22, 1), prevAt: manila(22, 0) }, night, TZ).free).toEqual(delta);
  });

  it('uses the poll time alone when there is no previous poll', () => {
    expect(splitOffpeak(delta, { at: manila(23) }, night, TZ).free).toEqual(delta);
  });

  it('counts everything when the window is only faster, not unlimited, or absent', () => {
    expect(
      splitOffpeak(
        delta,
        { at: manila(23), prevAt: manila(22, 59) },
        { ...night, unlimited: false, speedMultiplier: 2 },
        TZ,
      ).counted,
    ).toEqual(delta);
    expect(splitOffpeak(delta, { at: manila(23) }, undefined, TZ).counted).toEqual(delta);
  });
});

describe('alertsCrossed', () => {
  const GB = 1e9;
  const levels = (before: number, after: number, limit: number) =>
    alertsCrossed('cap', before, after, limit).map((a) => a.percent);

  it('reports each level once, as it is crossed', () => {
    expect(levels(0, 0.79 * GB, GB)).toEqual([]);
    expect(levels(0.79 * GB, 0.8 * GB, GB)).toEqual([80]);
    expect(levels(0.8 * GB, 0.85 * GB, GB)).toEqual([]);
    expect(levels(0.85 * GB, 0.95 * GB, GB)).toEqual([90]);
    expect(levels(0.95 * GB, 1.2 * GB, GB)).toEqual([100]);
    expect(levels(1.2 * GB, 2 * GB, GB)).toEqual([]);
  });

  it('reports every level passed in one jump', () => {
    expect(levels(0.5 * GB, 1.1 * GB, GB)).toEqual([80, 90, 100]);
  });

  // A level already sent is not sent again: the ledger checks the voucher's events (test/usage, alerts).
  it('has nothing to report without a threshold', () => {
    expect(levels(0, 5 * GB, 0)).toEqual([]);
  });
});

describe('downsample', () => {
  it('sums samples into time buckets, sorted', () => {
    const samples = [
      { ts: 125_000, up: 1, down: 10 },
      { ts: 5_000, up: 2, down: 20 },
      { ts: 59_999, up: 3, down: 30 },
      { ts: 60_000, up: 4, down: 40 },
    ];
    expect(downsample(samples, 60_000)).toEqual([
      { ts: 0, up: 5, down: 50 },
      { ts: 60_000, up: 4, down: 40 },
      { ts: 120_000, up: 1, down: 10 },
    ]);
  });

  it('does not change the input and keeps totals', () => {
    const samples = [
      { ts: 1, up: 1, down: 1 },
      { ts: 2, up: 1, down: 1 },
    ];
    const out = downsample(samples, 3_600_000);
    expect(out).toEqual([{ ts: 0, up: 2, down: 2 }]);
    expect(samples[0]).toEqual({ ts: 1, up: 1, down: 1 });
  });

  it('refuses a bad bucket size', () => {
    expect(() => downsample([], 0)).toThrow(RangeError);
  });
});
