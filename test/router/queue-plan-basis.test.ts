/**
 * The poll plans its queue removals from a snapshot; a customer's login can land between that read and the
 * plan's writes. The managed hotspot leaves out the removal of a queue a login is touching (logins-in-flight.ts)
 * and removes the others. The router here is a fake of the RouterOS client: it records what is removed and holds
 * the login's first step until the test lets it go.
 */
import { createManagedHotspot } from '../../src/router/hotspot';
import type { RosRow, RouterClient } from '../../src/router/types';

const A = '02:AA:00:00:00:01';
const B = '02:AA:00:00:00:02';

function fakeRouter() {
  const removed: string[][] = [];
  let letLoginGo: () => void = () => undefined;
  const loginHeld = new Promise<void>((resolve) => (letLoginGo = resolve));
  const queues: RosRow[] = [
    {
      '.id': '*1',
      name: `pisonet-${A}`,
      target: '10.5.50.11/32',
      bytes: '0/0',
      rate: '0/0',
      comment: 'AAAA2345',
    },
    {
      '.id': '*2',
      name: `pisonet-${B}`,
      target: '10.5.50.12/32',
      bytes: '0/0',
      rate: '0/0',
      comment: 'BBBB2345',
    },
    { '.id': '*3', name: 'owner-queue', target: '10.5.50.0/24', bytes: '0/0', rate: '0/0' },
  ];
  const router = {
    print: async (menu: string) => (menu === '/queue/simple' ? queues : []),
    hotspotLogin: () => loginHeld,
    add: async () => '*9',
    set: async () => undefined,
    remove: async (_menu: string, ids: string | string[]) =>
      void removed.push(Array.isArray(ids) ? ids : [ids]),
    hotspotLogout: async () => undefined,
  } as unknown as RouterClient;
  return { router, removed, letLoginGo };
}

test('a queue whose login is in flight is not removed; the other removals in the plan go through', async () => {
  const { router, removed, letLoginGo } = fakeRouter();
  const hotspot = createManagedHotspot(router, { hotspotServer: 'all', hotspotUserProfile: 'default' });
  const snapshot = await hotspot.snapshot();
  expect(snapshot.queues.map((q) => q.id)).toEqual(['*1', '*2', '*3']);

  // B logs in after the snapshot was read: its session is not in it, so a plan made from it removes B's queue.
  const login = hotspot.loginDevice({
    code: 'BBBB2345',
    mac: B,
    ip: '10.5.50.12',
    bindMac: false,
    routerUserId: '*7',
    user: { id: 2, code: 'BBBB2345', password: null, profileName: 'BASIC', limitSeconds: 3600, mac: B },
    queue: {
      name: `pisonet-${B}`,
      target: '10.5.50.12/32',
      maxLimit: '512000/1000000',
      comment: 'BBBB2345',
      voucherCode: 'BBBB2345',
      mac: B,
    },
    firstDynamicQueue: Promise.resolve(undefined),
    proceed: Promise.resolve(true),
  });

  const result = await hotspot.applyQueuePlan({ add: [], set: [], remove: ['*1', '*2'] }, [], snapshot);
  expect(removed).toEqual([['*1']]);
  expect(result.removed).toBe(1);

  letLoginGo();
  await login;
  // A snapshot read after the login finished is trusted again: its plan may remove B's queue.
  const later = await hotspot.snapshot();
  removed.length = 0;
  await hotspot.applyQueuePlan({ add: [], set: [], remove: ['*2'] }, [], later);
  expect(removed).toEqual([['*2']]);
});

test('a plan that removes nothing leaves the router alone', async () => {
  const { router, removed } = fakeRouter();
  const hotspot = createManagedHotspot(router, { hotspotServer: 'all', hotspotUserProfile: 'default' });
  const snapshot = await hotspot.snapshot();
  const result = await hotspot.applyQueuePlan({ add: [], set: [], remove: [] }, [], snapshot);
  expect(result).toEqual({ added: 0, updated: 0, removed: 0 });
  expect(removed).toEqual([]);
});
