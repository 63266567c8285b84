/**
 * A one-device code's MAC binding goes to the router only once the redemption's claim is committed: the users
 * check reads the router before the database, so a binding written earlier could be read beside a voucher row
 * from before the claim and "put back" to any MAC. A lost claim never binds, so its undo never unbinds. For the
 * same reason a won claim whose login then fails is given back before the binding is undone.
 */
import { loginDevice } from '../../src/router/hotspot/device-login';
import type { RouterClient } from '../../src/router/types';

const MAC = '02:AA:00:00:00:01';

function recordingRouter(queueFails = false) {
  const log: string[] = [];
  const router = {
    hotspotLogin: async () => void log.push('login'),
    set: async (menu: string, _id: string, attrs: Record<string, string>) =>
      void log.push(`set ${menu} ${attrs['mac-address'] ?? ''}`),
    add: async () => {
      log.push('queue');
      if (queueFails) {
        await new Promise((r) => setTimeout(r, 10)); // refused after the binding went out
        throw new Error('queue refused');
      }
      return '*9';
    },
    print: async () => [],
    remove: async () => void log.push('remove'),
    hotspotLogout: async () => void log.push('logout'),
  } as unknown as RouterClient;
  return { router, log };
}

function login(router: RouterClient, proceed: Promise<boolean>, releaseClaim?: () => Promise<void>) {
  return loginDevice(
    router,
    { hotspotServer: 'all', hotspotUserProfile: 'default' },
    {
      code: 'ABCD2345',
      mac: MAC,
      ip: '10.5.50.11',
      bindMac: true,
      routerUserId: '*1',
      user: { id: 1, code: 'ABCD2345', password: null, profileName: 'BASIC', limitSeconds: 3600, mac: MAC },
      queue: {
        name: `pisonet-${MAC}`,
        target: '10.5.50.11/32',
        maxLimit: '512000/1000000',
        comment: 'ABCD2345',
        voucherCode: 'ABCD2345',
        mac: MAC,
      },
      firstDynamicQueue: Promise.resolve(undefined),
      proceed,
      releaseClaim,
    },
  );
}

test('the binding waits for the claim; the login and the queue do not', async () => {
  const { router, log } = recordingRouter();
  let won!: (v: boolean) => void;
  const done = login(router, new Promise<boolean>((r) => (won = r)));
  await new Promise((r) => setTimeout(r, 20));
  expect(log).toEqual(['login', 'queue']);
  won(true);
  expect(await done).toMatchObject({ macBound: true, queueId: '*9' });
  expect(log).toEqual(['login', 'queue', `set /ip/hotspot/user ${MAC}`]);
});

test('a lost claim never binds the user: nothing to unbind', async () => {
  const { router, log } = recordingRouter();
  await expect(login(router, Promise.resolve(false))).rejects.toMatchObject({ name: 'ClaimLost' });
  expect(log.filter((l) => l.startsWith('set'))).toEqual([]);
});

test('a won claim whose login fails is given back before the binding is undone', async () => {
  const { router, log } = recordingRouter(true);
  const release = async () => void log.push('release');
  await expect(login(router, Promise.resolve(true), release)).rejects.toThrow('queue refused');
  expect(log).toEqual([
    'login',
    'queue',
    `set /ip/hotspot/user ${MAC}`,
    'release',
    'set /ip/hotspot/user 00:00:00:00:00:00',
  ]);
});

test('a lost claim is not given back (it was never ours), and a failing release still undoes the router side', async () => {
  const lost = recordingRouter(true);
  let releases = 0;
  const count = async () => void releases++;
  await expect(login(lost.router, Promise.resolve(false), count)).rejects.toThrow();
  expect(releases).toBe(0);
  const won = recordingRouter(true);
  const failing = async () => {
    won.log.push('release');
    throw new Error('database gone');
  };
  await expect(login(won.router, Promise.resolve(true), failing)).rejects.toThrow('queue refused');
  expect(won.log.slice(-2)).toEqual(['release', 'set /ip/hotspot/user 00:00:00:00:00:00']);
});
