/**
 * A router reset under a shop with 1,000 unused vouchers: the time until every hotspot user exists again,
 * with the simulator answering every command 20 ms late. The check reads the users once and adds the
 * missing ones pipelined, so the figure should be a few round trips per in-flight window, not 1,000 × 20 ms.
 */
import { createHarness } from '../test/helpers/harness';
import { DEFAULT_MAX_IN_FLIGHT, type HardenedRouterClient } from '../src/router';
import { SYSTEM } from '../src/services/types';

const LATENCY_MS = 20;
const VOUCHERS = 1000;

async function routerBack(h: Awaited<ReturnType<typeof createHarness>>): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      await h.router.print('/system/identity');
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** The floor this client and simulator give: the same users added again, pipelined, nothing else. */
async function rawAdds(h: Awaited<ReturnType<typeof createHarness>>): Promise<number> {
  const users = h.sim.rows('/ip/hotspot/user');
  h.sim.setLatency(0);
  await h.router.remove(
    '/ip/hotspot/user',
    users.map((u) => String(u['.id'])),
  );
  h.sim.setLatency(LATENCY_MS);
  const t0 = process.hrtime.bigint();
  await Promise.all(
    users.map((u) =>
      h.router.add('/ip/hotspot/user', {
        name: u.name,
        password: u.name,
        profile: 'default',
        server: 'all',
        'limit-uptime': '1h',
        comment: u.comment,
      }),
    ),
  );
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** Resets the router (at full speed), then times one users check at +LATENCY_MS per reply. */
async function resetAndCheck(
  h: Awaited<ReturnType<typeof createHarness>>,
): Promise<{ ms: number; commands: number }> {
  h.sim.setLatency(0);
  await h.sim.resetConfiguration();
  await routerBack(h);
  if (h.sim.rows('/ip/hotspot/user').length !== 0) throw new Error('the reset left users behind');
  h.sim.setLatency(LATENCY_MS);
  const before = h.sim.stats.commands;
  const t0 = process.hrtime.bigint();
  const report = await h.core!.defaultStack.hotspotUsers!.check();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const users = h.sim.rows('/ip/hotspot/user').length;
  if (users !== VOUCHERS || report.added !== VOUCHERS)
    throw new Error(`expected ${VOUCHERS} users back, router has ${users} (added ${report.added})`);
  return { ms, commands: h.sim.stats.commands - before };
}

export async function run(): Promise<void> {
  const h = await createHarness({ fakeClock: false });
  try {
    const vouchers = h.core!.services.vouchers;
    const out = await vouchers.generate({ profile: 'BASIC', count: VOUCHERS }, SYSTEM);
    if (out.routerPending !== 0) throw new Error(`${out.routerPending} users not pushed`);
    await h.core!.defaultStack.hotspotUsers!.sync(); // the start-up check, out of the way

    const first = await resetAndCheck(h);
    const again: number[] = [];
    for (let i = 0; i < 3; i++) again.push((await resetAndCheck(h)).ms);
    again.sort((a, b) => a - b);
    const baseline = await rawAdds(h);
    const windows = Math.ceil(VOUCHERS / DEFAULT_MAX_IN_FLIGHT);
    const floor = (1 + windows) * LATENCY_MS;
    console.log(
      `router reset with ${VOUCHERS} unused vouchers, simulator +${LATENCY_MS} ms per reply: users check until all exist again:`,
    );
    console.log(
      `  ${first.ms.toFixed(0)} ms the first time (cold), ${again[1].toFixed(0)} ms median of 3 more resets; router commands: ${first.commands} (1 print + ${first.commands - 1} adds), max in flight: ${(h.router as HardenedRouterClient).maxInFlightObserved}`,
    );
    console.log(
      `  the same ${VOUCHERS} adds sent straight through the client (no database, no plan): ${baseline.toFixed(0)} ms`,
    );
    console.log(
      `  router minimum at ${DEFAULT_MAX_IN_FLIGHT} in flight: (1 print + ${windows} windows of adds) × ${LATENCY_MS} ms = ${floor} ms (median ${(again[1] / floor).toFixed(2)}×); one voucher at a time would be ≥ ${((VOUCHERS * LATENCY_MS) / 1000).toFixed(0)} s`,
    );
  } finally {
    await h.close();
  }
}
