/**
 * The fair-use bench's client to the router (fup.bench.ts): the rows the router sends the controller, counted (and
 * by menu, BENCH_FUP_BY_MENU=1), and the wall time its reads and writes take, for the split (fup-split.ts).
 */
import { performance } from 'node:perf_hooks';
import type { RouterClient } from '../src/router/types';

export const byMenu = new Map<string, number>();
/** Wall time spent in the router's reads and writes so far (ms), for the split (fup-split.ts). */
export const io = { readMs: 0, writeMs: 0 };
/** Calls that took longer than SLOW_MS of wall time: what, how long, and when they began (performance.now()). */
export const slowCalls: Array<{ what: string; ms: number; at: number }> = [];
const SLOW_MS = 1000;
/** Counts the wall time while at least one call of the kind is in flight (reads run side by side). */
function timed<T>(kind: 'readMs' | 'writeMs', f: () => Promise<T>, what: string = kind): Promise<T> {
  const k = kind === 'readMs' ? 0 : 1;
  const at = performance.now();
  if (inflight[k]++ === 0) since[k] = at;
  return f().finally(() => {
    const end = performance.now();
    if (end - at > SLOW_MS) slowCalls.push({ what, ms: end - at, at });
    if (--inflight[k] === 0) io[kind] += end - since[k];
  });
}
const inflight = [0, 0];
const since = [0, 0];
const WRITES = ['add', 'set', 'remove', 'enable', 'disable', 'command', 'hotspotLogout'] as const;

/** The client, counting the rows the router sends: `rows.n` so far. */
export function countingRows(router: RouterClient): { client: RouterClient; rows: { n: number } } {
  const rows = { n: 0 };
  const client = Object.create(router) as RouterClient;
  for (const m of WRITES) {
    const f = router[m] as (...a: unknown[]) => Promise<unknown>;
    (client as unknown as Record<string, unknown>)[m] = (...a: unknown[]) =>
      timed('writeMs', () => f.apply(router, a), `${m} ${String(a[0])}`);
  }
  client.print = async (menu, opts) => {
    const got = await timed('readMs', () => router.print(menu, opts), `print ${menu}`);
    rows.n += got.length;
    if (process.env.BENCH_FUP_BY_MENU) {
      const k = `${menu}${opts?.query ? ` ?${opts.query[0]?.split('=')[0]}` : ''}`;
      byMenu.set(k, (byMenu.get(k) ?? 0) + got.length);
    }
    return got;
  };
  if (router.printEach)
    client.printEach = (menu, opts, onRow) =>
      timed(
        'readMs',
        () =>
          router.printEach!(menu, opts, (row) => {
            rows.n++;
            onRow(row);
          }),
        `printEach ${menu}`,
      );
  return { client, rows };
}
