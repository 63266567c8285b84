/**
 * The demo router's PPPoE set-up, done over the API as a shop's owner would do it (docs/subscribers.md): an
 * address pool, the PPPoE server's default profile handing out its addresses, and an enabled PPPoE server on the
 * CPEs' port. Only on a router that has neither a PPPoE server nor that pool, so what the owner removed stays
 * removed. The controller never does this on a shop's router: `router setup` only reports a missing server.
 */
import type { RouterClient } from './types';

/** The pool the demo's PPPoE server hands out (a shop's owner picks one beside the hotspot's). */
export const DEMO_PPPOE_POOL = { name: 'pppoe-demo', ranges: '10.20.30.2-10.20.30.254' };

/** A PPPoE server and its pool on the demo router, as its owner would set them up; false: already there. */
export async function setUpDemoPppoe(router: RouterClient): Promise<boolean> {
  const servers = await router.print('/interface/pppoe-server/server', { proplist: ['.id'] });
  const pools = await router.print('/ip/pool', {
    proplist: ['.id'],
    query: [`name=${DEMO_PPPOE_POOL.name}`],
  });
  if (servers.length || pools.length) return false;
  await router.add('/ip/pool', DEMO_PPPOE_POOL);
  const def = (
    await router.print('/ppp/profile', { proplist: ['.id', 'remote-address'], query: ['name=default'] })
  )[0];
  if (def && !def['remote-address'])
    await router.set('/ppp/profile', def['.id'], {
      'local-address': '10.20.30.1',
      'remote-address': DEMO_PPPOE_POOL.name,
    });
  await router.add('/interface/pppoe-server/server', {
    'service-name': 'pisonet-demo',
    interface: 'ether2',
    disabled: 'no',
  });
  return true;
}
