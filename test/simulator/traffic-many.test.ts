/** addTrafficMany (the benchmarks' rounds) moves exactly what addTraffic would, device by device. */
import { RouterSimulator } from '../../src/simulator';
import { RawClient } from './raw-client';

const mac = (i: number): string => `02:60:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}`;
const ip = (i: number): string => `10.6.0.${i + 1}`;
const N = 8;

interface Site {
  sim: RouterSimulator;
  c: RawClient;
}

let sites: Site[] = [];
const now = Date.UTC(2026, 0, 1);

/** The same router twice: queues in an order where a wide one, a disabled one and a later duplicate matter. */
async function site(): Promise<Site> {
  const sim = new RouterSimulator({ clock: () => now });
  const c = await RawClient.login((await sim.start()).port);
  await c.ok(['/ip/hotspot/user/add', '=name=CAPPED', '=password=1', '=limit-bytes-out=5000']);
  await c.ok(['/ip/hotspot/user/add', '=name=FREE', '=password=1']);
  for (let i = 0; i < N; i++) sim.addDevice({ mac: mac(i), ip: ip(i) });
  await c.ok(['/queue/simple/add', '=name=d1', `=target=${ip(1)}`, '=max-limit=8k/16k']);
  await c.ok(['/queue/simple/add', '=name=off', `=target=${ip(2)}`, '=disabled=yes']);
  await c.ok(['/queue/simple/add', '=name=pair', '=target=10.6.0.0/30', '=max-limit=80k/160k']);
  await c.ok(['/queue/simple/add', '=name=d2', `=target=${ip(2)}`, '=max-limit=1M/1M']);
  await c.ok(['/queue/simple/add', '=name=d5', `=target=${ip(5)},${ip(6)}`, '=max-limit=0/0']);
  await c.ok(['/queue/simple/add', '=name=d5again', `=target=${ip(5)}`, '=max-limit=8k/8k']);
  await c.ok([
    '/ip/hotspot/active/login',
    '=user=CAPPED',
    '=password=1',
    `=ip=${ip(3)}`,
    `=mac-address=${mac(3)}`,
  ]);
  await c.ok([
    '/ip/hotspot/active/login',
    '=user=FREE',
    '=password=1',
    `=ip=${ip(4)}`,
    `=mac-address=${mac(4)}`,
  ]);
  const s = { sim, c };
  sites.push(s);
  return s;
}

afterEach(async () => {
  for (const s of sites) {
    await s.c.close();
    await s.sim.stop();
  }
  sites = [];
});

const state = (sim: RouterSimulator) => ({
  queues: sim.rows('/queue/simple').map((q) => [q.name, q.bytes, q.rate]),
  hosts: sim.rows('/ip/hotspot/host').map((h) => [h['mac-address'], h['bytes-in'], h['bytes-out']]),
  active: sim.rows('/ip/hotspot/active').map((a) => [a.user, a['bytes-in'], a['bytes-out']]),
});

it('matches the first enabled queue, caps by its limit and counts sessions as addTraffic does', async () => {
  const one = await site();
  const many = await site();
  // Device 3's session passes its 5,000-byte cap on the first transfer and is logged out; the second
  // transfer for it (listed again) must not count on the gone session.
  const list = [
    ...Array.from({ length: N }, (_, i) => ({ mac: mac(i), up: 3000 + i, down: 6000 + i })),
    { mac: mac(3), up: 1, down: 1 },
  ];
  const moved = list.map((d) => one.sim.addTraffic(d.mac, d, 2));
  expect(many.sim.addTrafficMany(list, 2)).toEqual(moved);
  expect(state(many.sim)).toEqual(state(one.sim));
  const q = Object.fromEntries(many.sim.rows('/queue/simple').map((r) => [r.name, r.bytes]));
  // .1 and .3 fall in the /30 (`off` above it is disabled), .2 meets d1 first (capped: 8k/16k for 2 s),
  // .6 and .7 share d5 (no limit), and the later d5again never matches.
  expect(q).toEqual({
    d1: '2000/4000',
    off: '0/0',
    pair: `${3000 + 3002}/${6000 + 6002}`,
    d2: '0/0',
    d5: `${3005 + 3006}/${6005 + 6006}`,
    d5again: '0/0',
  });
  expect(many.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual(['FREE']);
});
