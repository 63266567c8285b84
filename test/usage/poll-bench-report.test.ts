/** The poll bench's issue-17 verdicts: what it prints as met or not from the figures it measured. */
import { scalingReport } from '../../bench/poll.bench';

const row = (n: number, cpuTraffic: number, cpuUnchanged: number, cpuRead: number, rssMiB = 120) => ({
  n,
  roundTrips: 4,
  cpuTraffic,
  cpuUnchanged,
  cpuRead,
  wallTraffic: 0,
  kibRead: 0,
  writesUnchanged: 0,
  idleRssMiB: rssMiB,
  lifetimeRssMiB: rssMiB,
});

it('reports linear growth, the read-only ratio and the RSS target as met', () => {
  const out = scalingReport([row(2500, 50, 40, 25), row(5000, 100, 80, 50), row(10000, 210, 170, 105, 95)]);
  expect(out[3]).toContain('x2.0 devices: traffic 2.10x, unchanged 2.13x, read only 2.10x');
  expect(out[3]).toContain('traffic 2.00x, unchanged 1.62x');
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

it('does not judge the steps below 2,500 devices', () => {
  const out = scalingReport([row(100, 5, 2, 1), row(2500, 60, 40, 30), row(5000, 120, 80, 60)]);
  expect(out[out.length - 1]).toContain('from 2,500 up) met');
});
