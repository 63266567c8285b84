/**
 * Rows read by name never make one sentence that grows with the list: 100 names a print, the prints sent at once
 * (src/router/named-print.ts). A mass fair-use crossing names thousands of queues at once (every device of a plan
 * sold at the same moment crosses together); one print of them all was one query of thousands of words, which
 * RouterOS tests every queue against (and which held the simulated router for seconds at 6,000 names).
 */
import type { HardenedRouterClient } from '../../src/router';
import { createManagedHotspot } from '../../src/router/hotspot';
import { printNamed } from '../../src/router/named-print';
import type { PrintOptions, RouterClient } from '../../src/router/types';
import { RouterSimulator } from '../../src/simulator';
import { captureLogger, localRouterClient } from './helpers';

const N = 250;
const mac = (i: number) =>
  `02:AB:00:00:${String((i >> 8) & 0xff).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0').toUpperCase()}`;
const ip = (i: number) => `10.5.${50 + (i >> 8)}.${(i & 0xff) + 1}`;

let sim: RouterSimulator;
let client: HardenedRouterClient;

beforeAll(async () => {
  sim = new RouterSimulator({ port: 0, emptyReplies: true });
  const { port } = await sim.start();
  client = localRouterClient(port, { timeoutSeconds: 5, logger: captureLogger() });
  await client.start();
  expect(await client.waitConnected(3000)).toBe(true);
  const adds: Promise<string>[] = [];
  for (let i = 0; i < N; i++)
    adds.push(
      client.add('/queue/simple', { name: `pisonet-${mac(i)}`, target: `${ip(i)}/32`, comment: `C${i}` }),
    );
  adds.push(client.add('/queue/simple', { name: 'owner-queue', target: '10.5.0.0/16' }));
  await Promise.all(adds);
});

afterAll(async () => {
  await client.stop();
  await sim.stop();
});

/** The client, with every print's query recorded. */
function recording(): { router: RouterClient; queries: string[][] } {
  const queries: string[][] = [];
  const router = Object.create(client) as RouterClient;
  router.print = (menu: string, opts?: PrintOptions) => {
    queries.push(opts?.query ?? []);
    return client.print(menu, opts);
  };
  return { router, queries };
}

test('the queues of 250 devices are read in three prints of at most 100 names each, every one found once', async () => {
  const { router, queries } = recording();
  const hotspot = createManagedHotspot(router, { hotspotServer: 'all', hotspotUserProfile: 'default' });
  const names = Array.from({ length: N }, (_, i) => `pisonet-${mac(i)}`);
  const rows = await hotspot.queues(names);
  expect(rows.map((q) => q.name).sort()).toEqual([...names].sort());
  expect(queries).toHaveLength(3);
  expect(queries.map((q) => q.filter((w) => w.startsWith('name=')).length)).toEqual([100, 100, 50]);
  for (const q of queries) expect(q.length).toBeLessThanOrEqual(199);
});

test('by another property, and narrowed by more words: the same rows as testing each row here', async () => {
  const { router, queries } = recording();
  const targets = Array.from({ length: 150 }, (_, i) => `${ip(i * 2)}/32`);
  const rows = await printNamed(router, '/queue/simple', targets, {
    property: 'target',
    query: ['comment'],
    proplist: ['name', 'target'],
  });
  expect(queries).toHaveLength(2);
  const all = await client.print('/queue/simple', { proplist: ['name', 'target', 'comment'] });
  const wanted = all.filter((r) => targets.includes(r.target ?? '') && r.comment !== undefined);
  expect(rows.map((r) => r.name).sort()).toEqual(wanted.map((r) => r.name).sort());
  expect(rows).toHaveLength(125); // every second device of 250: those past the 250th have no queue
  expect(await printNamed(router, '/queue/simple', [])).toEqual([]);
  expect(queries).toHaveLength(2);
});
