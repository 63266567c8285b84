/**
 * Subscribers' speeds per billing cycle on the router (API mode), from outside: a running PPP session keeps the
 * rate it took at login, so the product moves the secret to the right profile and ends the session once; the
 * CPE (redialling by itself) is back at the new speeds. The cap throttle within one poll, the block until the
 * next cycle, a plan change, and a new cycle restoring the plan's speeds.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES, BLOCK_PLAN } from './helpers';
import { waitFor } from '../helpers/wait';

const GB = 1e9;
const DAY = 86_400_000;

let h: Harness;

const poll = () => h.core!.services.usage.runCycle();
const ppp = () => h.core!.defaultStack.pppSubscribers!;
const secret = (name: string) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
const online = (name: string) => h.sim.rows('/ppp/active').some((r) => r.name === name);
const ends = () => h.sim.stats.commandsByPath['/ppp/active/remove'] ?? 0;
/** The first enabled simple queue from the top that covers the session: the speed it runs at. */
const speedOf = (name: string): string | undefined =>
  h.sim.rows('/queue/simple').find((q) => q.disabled !== 'true' && q.target === `<pppoe-${name}>`)?.[
    'max-limit'
  ];

async function subscriberOnline(username: string, mac: string, extra: Record<string, unknown> = {}) {
  const password = `${username}-pass-1`;
  const s = await addSubscriber(h, { username, password, ...extra });
  await waitFor(() => secret(username) !== undefined);
  const res = await h.sim.pppoe.autoRedial({ mac, user: username, password }, 100);
  expect(res).toMatchObject({ ok: true });
  return s;
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: [...PROFILES, BLOCK_PLAN] });
  await ownersSetUp(h);
});
afterAll(async () => {
  await h.close();
});

describe("a subscriber's speeds per billing cycle", () => {
  it('throttles a session at the cap within one poll: ended once, back at the cap rate', async () => {
    await subscriberOnline('juan.dc', 'aa:bb:cc:00:02:01');
    expect(speedOf('juan.dc')).toBe('5000000/10000000');
    // 100 GB down at 10 Mbit/s: a long while on the router's clock, one call here.
    h.sim.pppoe.addTraffic('juan.dc', { up: 0, down: 100 * GB }, 100_000);
    const endsBefore = ends();
    await poll();
    await waitFor(() => speedOf('juan.dc') === '512000/1000000');
    expect(secret('juan.dc')).toMatchObject({ profile: 'pisonet-HOME10.cap' });
    expect(ends() - endsBefore).toBe(1);
    // Once per change: further checks and polls leave the session alone.
    await ppp().check();
    await poll();
    await ppp().check();
    expect(ends() - endsBefore).toBe(1);
    expect(online('juan.dc')).toBe(true);
  });

  it("runs a plan change at the new plan's speeds within one poll", async () => {
    const s = await subscriberOnline('ana', 'aa:bb:cc:00:02:02', { mobile: '09171234568' });
    expect(speedOf('ana')).toBe('5000000/10000000');
    const res = await adminApi(h, 'PUT', `/subscribers/${s.id}`, { profile: 'HOME25' });
    expect(res.status).toBe(200);
    await waitFor(() => speedOf('ana') === '10000000/25000000');
    expect(secret('ana')).toMatchObject({ profile: 'pisonet-HOME25' });
  });

  it('blocks at a block cap: the session ends and a dial is refused until the next cycle', async () => {
    await subscriberOnline('pedro', 'aa:bb:cc:00:02:03', { mobile: '09171234569', profile: 'HOME5B' });
    h.sim.pppoe.addTraffic('pedro', { up: 0, down: 1 * GB }, 10_000);
    await poll();
    await waitFor(() => secret('pedro')?.disabled === 'true' && !online('pedro'));
    const dial = await h.sim.pppoe.dial({
      mac: 'aa:bb:cc:00:02:09',
      user: 'pedro',
      password: 'pedro-pass-1',
    });
    expect(dial).toMatchObject({ ok: false });
  });

  it("restores the plan's speeds when the next cycle starts", async () => {
    // The subscribers bill on the 5th; the clock starts on 2026-11-21: the next cycle begins on 2026-12-05.
    h.clock.advance(15 * DAY);
    await ppp().check();
    await waitFor(() => speedOf('juan.dc') === '5000000/10000000');
    expect(secret('juan.dc')).toMatchObject({ profile: 'pisonet-HOME10' });
    await waitFor(() => secret('pedro')?.disabled === 'false' && online('pedro'));
    expect(speedOf('pedro')).toBe('2000000/5000000');
  });
});
