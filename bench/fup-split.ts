/**
 * Where the fair-use bench's crossing-to-enforced time goes (fup.bench.ts, BENCH_FUP_SPLIT=1): each crossing's
 * time split into waiting for the step that enforced it (phase), polls in between (the poll's lock: no tick runs
 * during one), and that step's own time: the router's reads, its writes, and the rest (the decision, the database).
 */
import type { Crossings } from './fup-crossings';

/** One poll or watch tick, in the router's time (ms), with the wall time its reads and writes took in it. */
export interface Step {
  kind: 'poll' | 'tick' | 'due';
  start: number;
  end: number;
  readMs: number;
  writeMs: number;
  /** When it began on the bench's wall clock (performance.now()). */
  wallAt?: number;
}

interface Split {
  phase: number;
  lock: number;
  read: number;
  write: number;
  other: number;
  total: number;
  by: Step['kind'];
  /** When it crossed (ms of the router's time). */
  crossed: number;
}

function splitOf(steps: readonly Step[], byEnd: Map<number, Step>, crossed: number, enforced: number): Split {
  const s = byEnd.get(enforced);
  if (!s)
    return { phase: 0, lock: 0, read: 0, write: 0, other: 0, total: enforced - crossed, by: 'tick', crossed };
  let lock = 0;
  for (const p of steps)
    if (p !== s && p.kind === 'poll')
      lock += Math.max(0, Math.min(p.end, s.start) - Math.max(p.start, crossed));
  const own = s.end - s.start;
  const from = Math.max(crossed, s.start);
  const inStep = Math.min(1, (s.end - from) / Math.max(1, own));
  return {
    phase: Math.max(0, s.start - crossed - lock),
    lock,
    read: s.readMs * inStep,
    write: s.writeMs * inStep,
    other: Math.max(0, s.end - from - (s.readMs + s.writeMs) * inStep),
    total: enforced - crossed,
    by: s.kind,
    crossed,
  };
}

function line(name: string, xs: readonly Split[]): string {
  if (xs.length === 0) return `${name}: none`;
  const mean = (k: 'phase' | 'lock' | 'read' | 'write' | 'other' | 'total') =>
    (xs.reduce((n, x) => n + x[k], 0) / xs.length / 1000).toFixed(2);
  const by = new Map<string, number>();
  for (const x of xs) by.set(x.by, (by.get(x.by) ?? 0) + 1);
  return (
    `${name} (${xs.length}): mean ${mean('total')} s = phase ${mean('phase')} + poll's lock ${mean('lock')} + ` +
    `read ${mean('read')} + write ${mean('write')} + decision/db ${mean('other')}; enforced by ${[...by].map(([k, n]) => `${k} ${n}`).join(', ')}`
  );
}

/** The split of every enforced crossing, and of the slowest 5 % and 1 %. */
export function splitLines(who: string, x: Crossings, steps: readonly Step[]): string[] {
  const byEnd = new Map(steps.map((s) => [s.end, s]));
  const all = x.enforcedPairs.map((p) => splitOf(steps, byEnd, p.crossed, p.enforced));
  const sorted = [...all].sort((a, b) => a.total - b.total);
  const top = (share: number) => sorted.slice(Math.floor(sorted.length * (1 - share)));
  const polls = steps.filter((s) => s.kind === 'poll');
  const ticks = steps.filter((s) => s.kind !== 'poll');
  const avg = (ss: Step[]) =>
    (ss.reduce((n, s) => n + s.end - s.start, 0) / Math.max(1, ss.length) / 1000).toFixed(2);
  const secs = (ms: number) => (ms / 1000).toFixed(2);
  // Moments in seconds from the run's first step.
  const base = steps.reduce((m, st) => Math.min(m, st.start), Infinity);
  const worst = all
    .map((x) => ({ x, crossed: x.crossed }))
    .sort((a, b) => b.x.total - a.x.total)
    .slice(0, 3)
    .map(
      ({ x, crossed }) =>
        `${secs(x.total)} s (crossed at ${secs(crossed - base)} s, by a ${x.by}: phase ${secs(x.phase)}, lock ${secs(x.lock)}, ` +
        `read ${secs(x.read)}, write ${secs(x.write)}, other ${secs(x.other)})`,
    );
  const longest = [...steps]
    .sort((a, b) => b.end - b.start - (a.end - a.start))
    .slice(0, 3)
    .map(
      (s) =>
        `${s.kind} at ${secs(s.start - base)} s: ${secs(s.end - s.start)} s (read ${secs(s.readMs)}, write ${secs(s.writeMs)})`,
    );
  return [
    `  ${who}: ${line('all', all)}`,
    `  ${who}: ${line('slowest 5 %', top(0.05))}`,
    `  ${who}: ${line('slowest 1 %', top(0.01))}`,
    `  steps: ${polls.length} polls (mean ${avg(polls)} s), ${ticks.length} ticks (mean ${avg(ticks)} s)`,
    `  ${who}: the slowest three: ${worst.join('; ')}`,
    `  steps: the longest three: ${longest.join('; ')}`,
  ];
}
