/**
 * A shop moving in with 500 customers in its router's `/ppp/secret` (not ours), 100 of them online: 50 already at
 * their plan's speeds, 50 on the router's default profile (no limit). Times the dry run and the adoption of all 500
 * in one request, as the admin and `pisonet subscribers adopt` send it (every entry checked, each one created
 * through the subscribers' create path, then the PPP room's check making each secret ours in place), and checks
 * the outcome: 500 subscribers, 500 secrets (one per name, same ids) ours on the plan's profile, the 50 sessions at
 * the plan's speeds kept and the 50 others ended once. SQLite, the simulator at full speed. Budget: 60 s.
 */
import { createHarness } from '../test/helpers/harness';
import { PROFILES } from '../test/helpers/subscriber-plans';
import { SYSTEM } from '../src/services/types';

const SECRETS = Number(process.env.BENCH_ADOPT_SECRETS || 500);
const ONLINE = Math.min(100, SECRETS);
const BUDGET_MS = 60_000;
const name = (i: number) => `cust${String(i).padStart(4, '0')}`;

/** The owner's PPPoE server and its customers before us: SECRETS secrets, the first ONLINE of them online. */
async function customersOnRouter(h: Awaited<ReturnType<typeof createHarness>>): Promise<void> {
  // The owner's PPPoE server, handing out addresses from a pool.
  await h.router.add('/ip/pool', { name: 'pppoe-pool', ranges: '10.10.0.2-10.10.3.250' });
  const def = (await h.router.print('/ppp/profile', { query: ['name=default'] }))[0];
  await h.router.set('/ppp/profile', def['.id'], {
    'local-address': '10.10.0.1',
    'remote-address': 'pppoe-pool',
  });
  await h.router.add('/interface/pppoe-server/server', { interface: 'ether2', disabled: 'no' });
  await h.router.add('/ppp/profile', { name: 'home10', 'rate-limit': '5M/10M' });
  await Promise.all(
    Array.from({ length: SECRETS }, (_, i) =>
      h.router.add('/ppp/secret', {
        name: name(i),
        password: `Pass-${name(i)}`,
        profile: i % 2 ? 'default' : 'home10',
        comment: `customer ${i}`,
      }),
    ),
  );
  for (let i = 0; i < ONLINE; i++) {
    const mac = `aa:bb:cc:00:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`;
    const up = await h.sim.pppoe.dial({ mac, user: name(i), password: `Pass-${name(i)}` });
    if (!up.ok) throw new Error(`${name(i)} could not dial: ${up.reason}`);
  }
}

export async function run(): Promise<void> {
  const h = await createHarness({ profiles: PROFILES, fakeClock: false });
  try {
    await customersOnRouter(h);
    const adopt = h.core!.services.subscriberAdopt;
    const body = (dry: boolean) => ({
      site: 'default',
      dry_run: dry,
      secrets: Array.from({ length: SECRETS }, (_, i) => ({
        name: name(i),
        plan: 'HOME10',
        billing_day: 5,
        mobile: `0917${String(i).padStart(7, '0')}`,
      })),
    });
    const ids = new Map(h.sim.rows('/ppp/secret').map((r) => [r.name, r['.id']]));
    let t0 = process.hrtime.bigint();
    const dry = await adopt.adopt(body(true), SYSTEM);
    const dryMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const commands = h.sim.stats.commands;
    const cpu0 = process.cpuUsage();
    t0 = process.hrtime.bigint();
    const out = await adopt.adopt(body(false), SYSTEM);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const problems: string[] = [];
    const secrets = h.sim.rows('/ppp/secret').filter((r) => r.name.startsWith('cust'));
    const ours = secrets.filter(
      (r) => r.comment.startsWith('pisonet subscriber') && r.profile === 'pisonet-HOME10',
    );
    if (out.secrets.length !== SECRETS) problems.push(`${out.secrets.length} adopted`);
    if (out.applied !== 'done') problems.push(`applied ${out.applied}`);
    if (secrets.length !== SECRETS) problems.push(`${secrets.length} secrets on the router`);
    if (ours.length !== SECRETS) problems.push(`${ours.length} secrets ours`);
    if (secrets.some((r) => ids.get(r.name) !== r['.id']))
      problems.push('a secret was replaced, not adopted in place');
    const online = h.sim.rows('/ppp/active').filter((r) => r.name.startsWith('cust')).length;
    const kept = dry.secrets.filter((s) => s.session === 'kept').length;
    if (online !== kept) problems.push(`${online} online after, ${kept} to keep`);
    console.log(
      `adopting ${SECRETS} PPP secrets (${ONLINE} online: ${kept} at the plan's speeds, ${ONLINE - kept} not), SQLite, simulator at full speed:`,
    );
    console.log(`  dry run (every entry checked, the router read once): ${dryMs.toFixed(0)} ms`);
    console.log(
      `  adopt (checked, ${SECRETS} subscribers created, the PPP check making them ours): ${ms.toFixed(0)} ms, CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, router commands ${h.sim.stats.commands - commands}; ${online} sessions kept, ${ONLINE - online} ended once`,
    );
    if (ms > BUDGET_MS) problems.push(`over the ${BUDGET_MS / 1000} s budget`);
    if (problems.length) throw new Error(`adopt bench: ${problems.join('; ')}`);
  } finally {
    await h.close();
  }
}
