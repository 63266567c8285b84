import type { Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { pppoeSetUp } from '../helpers/pppoe';

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
  await pppoeSetUp(x);
}

/** A monthly plan whose data cap blocks (no service until the next cycle). */
export const BLOCK_PLAN = {
  name: 'HOME5B',
  billing: 'monthly',
  price: 699,
  rate_up: '2M',
  rate_down: '5M',
  data_cap: '1G',
  cap_policy: 'block',
};
