/**
 * A login's undo waits for every step it started: a MAC binding refused while the queue's add is still on its way
 * must not leave that queue behind on the router. The router here answers the binding at once and the queue a
 * moment later, the timing a loaded router or a slow link gives (the simulator answers both in one breath).
 */
import { loginDevice } from '../../src/router/hotspot/device-login';
import type { RouterClient } from '../../src/router/types';
import { RouterError } from '../../src/domain/errors';

function slowQueueRouter() {
  const removed: string[] = [];
  const router = {
    hotspotLogin: async () => undefined,
    set: async () => {
      throw new RouterError('ROUTER_TRAP', 'failure: could not set mac-address', {
        routerMessage: 'could not set mac-address',
      });
    },
    add: () => new Promise<string>((resolve) => setTimeout(() => resolve('*9'), 30)),
    print: async () => [],
    remove: async (_menu: string, id: string) => void removed.push(id),
    hotspotLogout: async () => undefined,
  } as unknown as RouterClient;
  return { router, removed };
}

test('a binding refused while the queue is being added: the queue is removed once it exists', async () => {
  const { router, removed } = slowQueueRouter();
  const mac = '02:AA:00:00:00:01';
  const login = loginDevice(
    router,
    { hotspotServer: 'all', hotspotUserProfile: 'default' },
    {
      code: 'ABCD2345',
      mac,
      ip: '10.5.50.11',
      bindMac: true,
      routerUserId: '*1',
      user: { id: 1, code: 'ABCD2345', password: null, profileName: 'BASIC', limitSeconds: 3600, mac },
      queue: {
        name: `pisonet-${mac}`,
        target: '10.5.50.11/32',
        maxLimit: '512000/1000000',
        comment: 'ABCD2345',
        voucherCode: 'ABCD2345',
        mac,
      },
      firstDynamicQueue: Promise.resolve(undefined),
      proceed: Promise.resolve(true),
    },
  );
  await expect(login).rejects.toMatchObject({ code: 'ROUTER_TRAP' });
  expect(removed).toEqual(['*9']);
});
