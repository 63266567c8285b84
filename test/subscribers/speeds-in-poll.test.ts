/**
 * A subscriber's new speeds travel in the poll's enforce order (API mode), from outside: the poll that books the
 * bytes crossing a cap has, by the time it returns, moved the subscriber's PPP secret to the tier the policy gave
 * and ended its session once, with no check of the PPP room after it. The room's own check then finds nothing to
 * change.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, ownersSetUp, PROFILES, BLOCK_PLAN } from './helpers';
import { waitFor } from '../helpers/wait';

const GB = 1e9;

let h: Harness;

const poll = () => h.core!.services.usage.runCycle();
const secret = (name: string) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
const ends = () => h.sim.stats.commandsByPath['/ppp/active/remove'] ?? 0;

async function subscriberOnline(username: string, mac: string, extra: Record<string, unknown> = {}) {
  const password = `${username}-pass-1`;
  await addSubscriber(h, { username, password, ...extra });
  await waitFor(() => secret(username) !== undefined);
  expect(await h.sim.pppoe.autoRedial({ mac, user: username, password }, 100)).toMatchObject({ ok: true });
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: [...PROFILES, BLOCK_PLAN] });
  await ownersSetUp(h);
});
afterAll(async () => {
  await h.close();
});

describe("a subscriber's speeds in the poll's enforce order", () => {
  it('a throttling cap crossed: the secret is on the cap tier and the session ended once when the poll returns', async () => {
    await subscriberOnline('juan.dc', 'aa:bb:cc:00:03:01');
    h.sim.pppoe.addTraffic('juan.dc', { up: 0, down: 100 * GB }, 100_000);
    const before = ends();
    await poll();
    expect(secret('juan.dc')).toMatchObject({ profile: 'pisonet-HOME10.cap', disabled: 'false' });
    expect(ends() - before).toBe(1);
    const check = await h.core!.defaultStack.pppSubscribers!.check('after the poll');
    expect(check).toMatchObject({ added: 0, changed: 0, removed: 0, restarted: 0, failed: 0 });
  });

  it('a blocking cap crossed: the secret is disabled and the session ended when the poll returns', async () => {
    await subscriberOnline('pedro', 'aa:bb:cc:00:03:02', { mobile: '09171234569', profile: 'HOME5B' });
    h.sim.pppoe.addTraffic('pedro', { up: 0, down: 1 * GB }, 10_000);
    const before = ends();
    await poll();
    expect(secret('pedro')).toMatchObject({ profile: 'pisonet-HOME5B', disabled: 'true' });
    expect(ends() - before).toBe(1);
  });
});
