/** The table bench/sites.bench.ts prints: one row per engine and kind of round, medians with their range. */
import type { TakeoverFigures } from './sites-takeover';

export interface RoundFigures {
  /** The controller's CPU for the whole round (user + system, every thread of the process). */
  cpuMs: number;
  wallMs: number;
  /** Commands one router received in the round (keepalive probe excluded): the fewest and the most of any router. */
  tripsMin: number;
  tripsMax: number;
  /** Commands that changed a router, all routers together. */
  writes: number;
}

export interface EngineFigures {
  engine: string;
  routers: number;
  devices: number;
  runs: number;
  seedSeconds: number;
  warmupCpu: number[];
  traffic: RoundFigures[];
  unchanged: RoundFigures[];
  idleRssMiB: number;
  /** The controller process's peak RSS over its whole life (getrusage), first round included. */
  peakRssMiB: number;
  /** Every site's vouchers hold exactly the bytes its router moved. */
  bytesExact: boolean;
  wrongSites: string[];
  /** Connected device rows that hold no counter baseline after the last round (should be none). */
  baselinesMissing: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `412 [398–450]`: the median and the range of the counted rounds. */
function spread(xs: number[], digits = 0): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
}

function trips(rounds: RoundFigures[]): string {
  const lo = Math.min(...rounds.map((r) => r.tripsMin));
  const hi = Math.max(...rounds.map((r) => r.tripsMax));
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

/** The fleet the budget is set at: every byte counted once with 20 routers of 500 devices each. */
export const SITES_BUDGET = { routers: 20, devices: 500 } as const;

/**
 * The metering check and its budget line for one engine: "every byte counted once: yes" when every site's
 * vouchers hold exactly the bytes its router moved, then "within budget" or "OVER budget" for 20 routers ×
 * 500 devices (not judged when the bench ran another fleet: BENCH_SITES_ROUTERS / BENCH_SITES_DEVICES).
 */
export function meteringVerdict(f: EngineFigures): string[] {
  const fleet = `${f.routers} routers × ${f.devices} devices`;
  const atBudget = f.routers === SITES_BUDGET.routers && f.devices === SITES_BUDGET.devices;
  const counted = f.bytesExact ? 'yes' : 'NO';
  return [
    `  ${f.engine}, ${fleet}: every byte counted once: ${counted} ` +
      (f.bytesExact
        ? "(each site's vouchers hold exactly the bytes its router moved)"
        : `(vouchers' bytes differ from the bytes their router moved on ${f.wrongSites.join(', ')})`),
    `  ${f.engine} budget, ${SITES_BUDGET.routers} routers × ${SITES_BUDGET.devices} devices with every byte counted once: ` +
      (atBudget
        ? `${counted}, ${f.bytesExact ? 'within budget' : 'OVER budget'}`
        : `not judged (ran ${fleet}; the budget is set at ${SITES_BUDGET.routers} × ${SITES_BUDGET.devices})`),
  ];
}

export function sitesReport(results: readonly EngineFigures[], pgNote?: string): string[] {
  const out: string[] = [];
  const head = [
    'engine     ',
    'round     ',
    'CPU ms per full round',
    'CPU ms per site',
    'wall ms per round',
    'commands per router per cycle',
    'writes (all routers)',
  ];
  out.push(
    '  (rounds 30 s apart on the bench clock; each round writes its usage into the tables in its own transaction)',
  );
  out.push(`  ${head.join(' | ')}`);
  for (const f of results) {
    for (const [kind, rounds] of [
      ['traffic', f.traffic],
      ['unchanged', f.unchanged],
    ] as const) {
      const cpu = rounds.map((r) => r.cpuMs);
      out.push(
        `  ${f.engine.padEnd(11)} | ${kind.padEnd(10)} | ${spread(cpu).padEnd(21)} | ${(median(cpu) / f.routers).toFixed(1).padEnd(15)} | ${spread(rounds.map((r) => r.wallMs)).padEnd(17)} | ${trips(rounds).padEnd(29)} | ${Math.max(...rounds.map((r) => r.writes))}`,
      );
    }
  }
  out.push('');
  for (const f of results) {
    out.push(
      `  ${f.engine}: peak RSS ${f.peakRssMiB.toFixed(0)} MiB (${((f.peakRssMiB * 1048576) / 1e6).toFixed(0)} MB), ` +
        `RSS after the first round ${f.idleRssMiB.toFixed(0)} MiB; warm-up rounds CPU ms ${f.warmupCpu.map((c) => c.toFixed(0)).join(', ')}; ` +
        `seeding ${f.seedSeconds.toFixed(0)} s; ` +
        `connected devices without their counter baseline: ${f.baselinesMissing}; ` +
        `writes in unchanged rounds: ${Math.max(...f.unchanged.map((r) => r.writes)) === 0 ? 'none' : 'SOME (should be none)'}`,
    );
  }
  for (const f of results) out.push(...meteringVerdict(f));
  if (pgNote) out.push(`  ${pgNote}`);
  return out;
}

export function printSitesReport(results: readonly EngineFigures[], pgNote?: string): void {
  const f = results[0];
  console.log(
    `full round = the poll job of all ${f.routers} sites at once (${f.routers} × ${f.devices} devices); median [range] of ${f.runs} rounds; CPU = controller process, user + system`,
  );
  for (const line of sitesReport(results, pgNote)) console.log(line);
}

export function takeoverReport(t: TakeoverFigures): string[] {
  const polls = t.attempts
    .map((a) => `${a.polled} sites in ${a.wallMs.toFixed(0)} ms wall / ${a.cpuMs.toFixed(0)} ms CPU`)
    .join('; ');
  return [
    `  takeover (PostgreSQL, two controllers sharing the database, ${t.routers} routers × ${t.devices} devices): ` +
      `victim killed with SIGKILL ${t.killedMidRound ? 'half-way through' : 'just after'} a round (its rounds: ${t.victimRoundsMs.map((m) => m.toFixed(0)).join(', ')} ms wall)`,
    `    kill → every site polled by the survivor: ${t.killToAllPolledMs.toFixed(0)} ms, ${t.attempts.length} round(s) polling without pause: ${polls}`,
    `    in a server: up to one poll interval (USAGE_POLL_SECONDS, ${t.pollSeconds} s here) more, as each site is polled on its own cadence`,
    `    bytes metered = bytes moved on every site across the handover: ${t.bytesExact ? 'yes' : `NO (${t.wrongSites.join(', ')})`}; ` +
      `connected devices without their counter baseline: ${t.baselinesMissing}`,
  ];
}
