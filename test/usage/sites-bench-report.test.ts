/** The sites bench's metering line and its budget verdict, from made-up figures. */
import { meteringVerdict, sitesReport, type EngineFigures } from '../../bench/sites-report';

const round = { cpuMs: 100, wallMs: 50, tripsMin: 4, tripsMax: 4, writes: 0 };
const engine = (over: Partial<EngineFigures> = {}): EngineFigures => ({
  engine: 'SQLite',
  routers: 20,
  devices: 500,
  runs: 1,
  seedSeconds: 1,
  warmupCpu: [100],
  traffic: [round],
  unchanged: [round],
  idleRssMiB: 100,
  peakRssMiB: 120,
  bytesExact: true,
  wrongSites: [],
  baselinesMissing: 0,
  ...over,
});

it('says every byte was counted once and the fleet is within budget', () => {
  expect(meteringVerdict(engine())).toEqual([
    "  SQLite, 20 routers × 500 devices: every byte counted once: yes (each site's vouchers hold exactly the bytes its router moved)",
    '  SQLite budget, 20 routers × 500 devices with every byte counted once: yes, within budget',
  ]);
  expect(sitesReport([engine()]).slice(-2)).toEqual(meteringVerdict(engine()));
});

it('says NO, with the wrong sites, and OVER budget', () => {
  const out = meteringVerdict(
    engine({ engine: 'PostgreSQL', bytesExact: false, wrongSites: ['site-3', 'site-7'] }),
  );
  expect(out[0]).toContain('PostgreSQL, 20 routers × 500 devices: every byte counted once: NO');
  expect(out[0]).toContain('site-3, site-7');
  expect(out[1]).toBe(
    '  PostgreSQL budget, 20 routers × 500 devices with every byte counted once: NO, OVER budget',
  );
});

it("does not judge another fleet than the budget's", () => {
  const out = meteringVerdict(engine({ routers: 4, devices: 100 }));
  expect(out[0]).toContain('4 routers × 100 devices: every byte counted once: yes');
  expect(out[1]).toContain('not judged (ran 4 routers × 100 devices; the budget is set at 20 × 500)');
});
