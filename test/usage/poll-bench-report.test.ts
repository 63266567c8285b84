/** The poll bench's scaling verdicts: what it prints as met or not from the figures it measured. */
import { scalingReport } from '../../bench/poll.bench';

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
  kibRead: 0,
  writesUnchanged: 0,
  idleRssMiB: rssMiB,
  lifetimeRssMiB: rssMiB,
});

it('reports linear growth, the read-only ratio and the RSS target as met', () => {
  const out = scalingReport([
    row(2500, 50, 40, 25),
    row(5000, 100, 80, 50),
    row(10000, 210, 170, 105, 95, 100),
  ]);
  expect(out[3]).toContain('x2.0 devices: traffic 2.10x, unchanged 2.13x, read after traffic 2.10x');
  expect(out[3]).toContain('traffic 2.00x, unchanged 1.70x');
  expect(out[3]).toContain("traffic / unchanged router's read 2.10x");
  expect(out[4]).toMatch(
    /no faster than the devices .* met; cycle within 2x of read-only at every size met; peak RSS at 10000 99.6 MB < 150 MB met \(moonshot < 100 MB met\)/,
  );
});

it('says NOT met for a step faster than the devices, a cycle over 2x its read and RSS over 150 MB', () => {
  const out = scalingReport([row(2500, 93, 40, 22), row(5000, 171, 80, 44), row(10000, 546, 170, 82, 160)]);
  expect(out[3]).toContain('traffic 3.19x');
  const verdict = out[out.length - 1];
  expect(verdict).toContain(
    'no faster than the devices (each step <= 1.1x the device ratio, from 2,500 up) NOT met',
  );
  expect(verdict).toContain('cycle within 2x of read-only at every size NOT met');
  expect(verdict).toContain('peak RSS at 10000 167.8 MB < 150 MB NOT met');
});

it('judges each cycle against the read of the replies it decodes', () => {
  // The traffic cycle 2.5x the unchanged router's read but 1.9x the read after traffic: met.
  const met = scalingReport([row(5000, 95, 40, 50, 120, 38)]);
  expect(met[1]).toContain('traffic 1.90x, unchanged 1.05x');
  expect(met[met.length - 1]).toContain('cycle within 2x of read-only at every size met');
  // The unchanged cycle over 2x the unchanged router's read: not met, however cheap against the read after traffic.
  const missed = scalingReport([row(5000, 95, 90, 50, 120, 40)]);
  expect(missed[missed.length - 1]).toContain('cycle within 2x of read-only at every size NOT met');
});

it('does not judge the steps below 2,500 devices', () => {
  const out = scalingReport([row(100, 5, 2, 1), row(2500, 60, 40, 30), row(5000, 120, 80, 60)]);
  expect(out[out.length - 1]).toContain('from 2,500 up) met');
});
