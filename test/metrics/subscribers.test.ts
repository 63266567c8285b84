/**
 * Subscribers in the metrics: pisonet_subscribers{site,status} counts them by status from zero, and
 * pisonet_subscribers_online{site} is what the site last saw of their PPPoE sessions (the PPP check here), with no
 * router read at the scrape: a scrape while the router is away still answers, from what was last seen.
 */
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from '../subscribers/helpers';
import { metricsOf, valueOf } from './exposition';
import { pppoeSetUp } from '../helpers/pppoe';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await pppoeSetUp(h, '10.10.0.2-10.10.0.20');
});
afterAll(async () => {
  await h.close();
});

const SITE = { site: 'default' };
const count = (m: Map<string, unknown>, status: string) =>
  valueOf(m as never, 'pisonet_subscribers', { ...SITE, status });

test('subscribers by status from zero, and those online as the PPP check last saw them', async () => {
  const empty = await metricsOf(h);
  expect(empty.get('pisonet_subscribers')!.samples.map((x) => x.labels)).toEqual([
    { site: 'default', status: 'active' },
    { site: 'default', status: 'suspended' },
    { site: 'default', status: 'ended' },
    { site: 'default', status: 'scheduled' },
  ]);
  expect(['active', 'suspended', 'ended', 'scheduled'].map((s) => count(empty, s))).toEqual([0, 0, 0, 0]);

  const people = [
    { username: 'ana', password: 'Ana-pass-1234' },
    { username: 'ben', password: 'Ben-pass-1234' },
    { username: 'cora', password: 'Cora-pass-1234' },
  ];
  for (const p of people) await addSubscriber(h, { ...p, name: p.username });
  await h.core!.services.subscribers.suspend('ben', 'unpaid (test)', SYSTEM);
  await h.core!.services.subscribers.end('cora', SYSTEM);
  const ppp = h.core!.defaultStack.pppSubscribers!;
  await ppp.check('test');
  // A poll before anyone dials in: its reading (no session) is older than the check below, which wins.
  await h.core!.services.usage.runCycle();
  // Ana and Ben (suspended: the session stays up) dial in; a stranger's session is nobody's subscriber.
  for (const [i, p] of people.slice(0, 2).entries()) {
    const r = await h.sim.pppoe.dial({ mac: `aa:bb:cc:00:01:0${i}`, user: p.username, password: p.password });
    expect(r.ok).toBe(true);
  }
  await h.router.add('/ppp/secret', { name: 'stranger', password: 'x-12345678', comment: 'hand made' });
  expect(
    (await h.sim.pppoe.dial({ mac: 'aa:bb:cc:00:01:09', user: 'stranger', password: 'x-12345678' })).ok,
  ).toBe(true);
  await ppp.check('test');

  const m = await metricsOf(h);
  expect(['active', 'suspended', 'ended'].map((s) => count(m, s))).toEqual([1, 1, 1]);
  expect(valueOf(m, 'pisonet_subscribers_online', SITE)).toBe(2);
  // A poll's reading is newer than the check now: it counts the subscribers' sessions only, not the stranger's.
  await h.core!.services.usage.runCycle();
  expect(valueOf(await metricsOf(h), 'pisonet_subscribers_online', SITE)).toBe(2);

  // The scrape reads no router: with the router away it answers at once, from what was last seen.
  h.sim.setReachable(false);
  try {
    const away = await metricsOf(h);
    expect(valueOf(away, 'pisonet_subscribers_online', SITE)).toBe(2);
    expect(valueOf(away, 'pisonet_router_up', SITE)).toBe(0);
    // A check that cannot read the router leaves the count out rather than show an old one as current.
    await expect(ppp.check('test')).rejects.toThrow();
    expect((await metricsOf(h)).get('pisonet_subscribers_online')?.samples ?? []).toEqual([]);
  } finally {
    h.sim.setReachable(true);
  }
  await h.router.waitConnected(5000);
});
