import type { Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';

export { PROFILES } from '../helpers/subscriber-plans';

export const JUAN = {
  name: 'Juan dela Cruz',
  mobile: '09171234567',
  profile: 'HOME10',
  billing_day: 5,
  username: 'juan.dc',
};

export async function addSubscriber(h: Harness, extra: Record<string, unknown> = {}) {
  const res = await adminApi(h, 'POST', '/subscribers', { ...JUAN, ...extra });
  if (res.status !== 201) throw new Error(`not added: ${JSON.stringify(res.json)}`);
  return res.json.subscriber;
}

/** The owner's PPPoE set-up: a pool for the server's default profile (and HOME25), and a server on ether2. */
export async function ownersSetUp(x: Harness): Promise<void> {
  await x.router.add('/ip/pool', { name: 'pppoe-pool', ranges: '10.10.0.2-10.10.0.200' });
  const def = (await x.router.print('/ppp/profile', { query: ['name=default'] }))[0];
  await x.router.set('/ppp/profile', def['.id'], {
    'local-address': '10.10.0.1',
    'remote-address': 'pppoe-pool',
  });
  await x.router.add('/interface/pppoe-server/server', { interface: 'ether2', disabled: 'no' });
}
