/**
 * Adopting secrets that have their own fixed address (`remote-address`), from outside: the address is kept as the
 * subscriber's `static_ip` when it passes the checks a typed one passes, and taken off (said per secret) when not;
 * either way the secret becomes ours, and a write the router refuses is logged by name with its reason.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { captureLog } from '../notify/helpers';
import { ownersSetUp, PROFILES } from './helpers';
import { waitFor } from '../helpers/wait';

let h: Harness;
let logs: string[];
const secret = (name: string) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
const ppp = () => h.core!.defaultStack.pppSubscribers;

const entry = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  plan: 'HOME10',
  billing_day: 5,
  ...extra,
});

async function routerSecret(name: string, extra: Record<string, string> = {}): Promise<void> {
  await h.router.add('/ppp/secret', { name, password: `${name}-pass-1`, profile: 'default', ...extra });
}

beforeAll(async () => {
  const captured = captureLog();
  logs = captured.lines;
  h = await createHarness({ http: true, profiles: PROFILES, log: captured.log });
  await ownersSetUp(h); // pppoe-pool: 10.10.0.2-10.10.0.200
  await h.router.add('/ip/address', { address: '10.20.40.1/24', interface: 'ether2' });
});
afterAll(async () => {
  await h.close();
});

describe('adopting a secret with its own fixed address', () => {
  it('takes off an address inside the router pool, and the secret still becomes ours', async () => {
    await routerSecret('inpool.ip', { 'remote-address': '10.10.0.50', comment: 'in the pool' });
    const res = await adminApi(h, 'POST', '/subscribers/adopt', { secrets: [entry('inpool.ip')] });
    expect(res.status).toBe(201);
    await ppp().check();
    expect(secret('inpool.ip')).toMatchObject({
      comment: expect.stringMatching(/^pisonet subscriber S-/),
      profile: 'pisonet-HOME10',
      service: 'pppoe',
    });
    expect(secret('inpool.ip')?.['remote-address'] ?? '').toBe('');
    // Ended, it is ours to remove: an ended customer no longer dials in.
    await adminApi(h, 'DELETE', `/subscribers/${res.json.secrets[0].subscriber.id}`);
    await waitFor(() => secret('inpool.ip') === undefined);
  });
});

describe('a PPP check the router refuses', () => {
  it('logs each refused secret by name with its reason', async () => {
    h.sim.faults.trapOn('/ppp/secret/add', 'invalid value for argument profile');
    const add = await adminApi(h, 'POST', '/subscribers', {
      name: 'Refused One',
      profile: 'HOME10',
      billing_day: 5,
      username: 'refused.one',
      password: 'Refused-pass-1',
    });
    expect(add.status).toBe(201);
    const failed = () => logs.filter((l) => l.includes('change(s) failed')).map((l) => JSON.parse(l).msg);
    await waitFor(() => failed().some((m: string) => m.includes('refused.one')));
    expect(failed().join('\n')).toMatch(
      /PPP checked: \d+ change\(s\) failed: .*secret refused\.one: .*invalid value for argument profile/,
    );
  });
});
