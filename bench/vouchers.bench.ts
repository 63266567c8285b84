/**
 * Issue 3: (1) generating 10,000 vouchers (database rows + hotspot users pushed pipelined) against the
 * simulator; (2) redemption latency for 200 redemptions at concurrency 20 with the simulator answering
 * every command 20 ms late, against the router's own floor: the round trips a redemption cannot avoid
 * (host check → login → queue add, each waiting for the previous) × 20 ms.
 */
import { createHarness } from '../test/helpers/harness';
import type { HardenedRouterClient } from '../src/router';
import { SYSTEM } from '../src/services/types';

const LATENCY_MS = 20;
const UNAVOIDABLE_ROUND_TRIPS = 3;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function generateBench(): Promise<void> {
  const h = await createHarness({ fakeClock: false });
  try {
    const before = h.sim.stats.commands;
    const t0 = process.hrtime.bigint();
    const out = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 10_000 }, SYSTEM);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const users = h.sim.rows('/ip/hotspot/user').length;
    console.log('generate 10,000 vouchers (DB + hotspot users, simulator in-process, no added latency):');
    console.log(`  ${ms.toFixed(0)} ms total (${(ms / 10).toFixed(1)} ms per 1,000 vouchers)`);
    console.log(
      `  router commands: ${h.sim.stats.commands - before} (users on router: ${users}, pending: ${out.routerPending}), max in flight: ${(h.router as HardenedRouterClient).maxInFlightObserved}`,
    );
  } finally {
    await h.close();
  }
}

async function redeemBench(): Promise<void> {
  const N = 200;
  const CONCURRENCY = 20;
  const h = await createHarness({ fakeClock: false, sim: { latencyMs: LATENCY_MS } });
  try {
    const { vouchers } = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: N }, SYSTEM);
    const devices = vouchers.map((v, i) => {
      const mac =
        `02:BE:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`.toUpperCase();
      const ip = `10.5.${60 + (i >> 8)}.${(i & 255) + 1}`;
      h.sim.addDevice({ mac, ip });
      return { code: v.code, mac, ip };
    });
    const before = h.sim.stats.commands;
    const times: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < devices.length) {
        const d = devices[next++];
        const t0 = process.hrtime.bigint();
        await h.core!.services.redemption.redeem(d);
        times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    };
    const tAll = process.hrtime.bigint();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const total = Number(process.hrtime.bigint() - tAll) / 1e6;
    times.sort((a, b) => a - b);
    const floor = UNAVOIDABLE_ROUND_TRIPS * LATENCY_MS;
    const p50 = percentile(times, 50);
    const p95 = percentile(times, 95);
    const sessions = h.sim.rows('/ip/hotspot/active').length;
    console.log(`redemption: ${N} at concurrency ${CONCURRENCY}, simulator +${LATENCY_MS} ms per reply:`);
    console.log(
      `  p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms, ${((N / total) * 1000).toFixed(0)} redemptions/s`,
    );
    console.log(
      `  router minimum: ${UNAVOIDABLE_ROUND_TRIPS} sequential round trips × ${LATENCY_MS} ms = ${floor} ms; p50/min ${(p50 / floor).toFixed(2)}×, p95/min ${(p95 / floor).toFixed(2)}× (target ≤ 1.5×)`,
    );
    console.log(
      `  router commands per redemption: ${((h.sim.stats.commands - before) / N).toFixed(1)} (sessions on router: ${sessions})`,
    );
  } finally {
    await h.close();
  }
}

export async function run(): Promise<void> {
  await generateBench();
  await redeemBench();
}
