import type { Harness } from './harness';

/**
 * The owner's PPPoE set-up on the harness's router, as a shop does it by hand before it adds subscribers: a pool
 * the PPPoE server's default profile hands addresses out of (`ranges`; a test whose subscribers open pages from
 * their session's address uses loopback ones), the router's own address on those links, and a server on ether2.
 */
export async function pppoeSetUp(h: Pick<Harness, 'router'>, ranges = '10.10.0.2-10.10.0.200'): Promise<void> {
  await h.router.add('/ip/pool', { name: 'pppoe-pool', ranges });
  const def = (await h.router.print('/ppp/profile', { query: ['name=default'] }))[0];
  await h.router.set('/ppp/profile', def['.id'], {
    'local-address': '10.10.0.1',
    'remote-address': 'pppoe-pool',
  });
  await h.router.add('/interface/pppoe-server/server', { interface: 'ether2', disabled: 'no' });
}
