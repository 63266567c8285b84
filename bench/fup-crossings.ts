/**
 * The fair-use bench's eyes on the router (fup.bench.ts): for each device or subscriber that will cross its FUP
 * threshold, when its bytes on the router passed the line (placed within the step, from the bytes before and after
 * it) and when the router first held it at the FUP speed. Only those not seen slowed yet are looked at, by name,
 * so the bench's looks cost the simulated router little beside the controller's reads.
 */

/** One look at one of them: its counted bytes as the router holds them, and whether it runs at the FUP speed now. */
export interface Seen {
  counted: number;
  slowed: boolean;
}

/** Reads the pending ones (indices into the crossing ones) off the router, in that order. */
export type Looker = (pending: readonly number[]) => Promise<Seen[]>;

export class Crossings {
  readonly crossedAt = new Map<number, number>();
  readonly latencies: number[] = [];
  /** Each enforced crossing: when it crossed and when it was enforced (ms of the router's time). */
  readonly enforcedPairs: Array<{ crossed: number; enforced: number }> = [];
  private pending: number[];
  private last = new Map<number, Seen>();

  constructor(
    n: number,
    private readonly threshold: number,
    private readonly read: Looker,
  ) {
    this.pending = Array.from({ length: n }, (_, i) => i);
  }

  async look(): Promise<void> {
    const pending = this.pending;
    const seen = await this.read(pending);
    this.last = new Map(seen.map((x, k) => [pending[k], x]));
  }

  /** After a step of `ms` that began at `t0`: a new look, and the crossings in the step, placed within it. */
  async stepped(t0: number, ms: number): Promise<void> {
    const before = this.last;
    await this.look();
    for (const [i, x] of this.last) {
      if (this.crossedAt.has(i) || x.counted < this.threshold) continue;
      const b = before.get(i)?.counted ?? x.counted;
      this.crossedAt.set(i, t0 + (ms * Math.max(0, this.threshold - b)) / Math.max(1, x.counted - b));
    }
  }

  /** Crossed ones the router now holds at the FUP speed: enforced at `at`. */
  enforced(at: number): void {
    for (const [i, x] of this.last) {
      const c = this.crossedAt.get(i);
      if (c !== undefined && c >= 0 && x.slowed) {
        this.latencies.push((at - c) / 1000);
        this.enforcedPairs.push({ crossed: c, enforced: at });
        this.crossedAt.set(i, -1);
      }
    }
    this.pending = this.pending.filter((i) => this.crossedAt.get(i) !== -1);
  }
}

export const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

/** `p50 … s, p99 … s, max … s` of crossing→enforced, and how many of the crossings were enforced. */
export function latencyLine(x: Crossings): string {
  const l = x.latencies;
  const max = l.length ? Math.max(...l) : NaN;
  return (
    `${x.crossedAt.size} crossings, ${l.length} enforced; crossing→enforced p50 ${pct(l, 50).toFixed(2)} s, ` +
    `p99 ${pct(l, 99).toFixed(2)} s, max ${max.toFixed(2)} s`
  );
}
