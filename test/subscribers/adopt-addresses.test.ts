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

/** A subscriber of ours added through the API, named after its username. */
const addOne = (username: string, extra: Record<string, unknown> = {}) =>
  adminApi(h, 'POST', '/subscribers', {
    name: username,
    profile: 'HOME10',
    billing_day: 5,
    username,
    password: `${username}-pass-1`,
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
    expect(res.json.secrets[0].remote_address).toEqual({
      from: '10.10.0.50',
      to: null,
      why: expect.stringMatching(
        /^its fixed address 10\.10\.0\.50 is taken off: 10\.10\.0\.50 is in the router's pool pppoe-pool/,
      ),
    });
    const sub = await adminApi(h, 'GET', `/subscribers/${res.json.secrets[0].subscriber.id}`);
    expect(sub.json.subscriber.static_ip).toBeNull();
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

  it('keeps an address that passes the checks as static_ip, and says per secret which are taken off', async () => {
    await routerSecret('cctv.shop', { 'remote-address': '10.20.40.5', comment: 'CCTV shop fixed' });
    await routerSecret('own.ip', { 'remote-address': '10.20.40.1' });
    await addOne('holder', { static_ip: '10.20.40.9' });
    await routerSecret('held.ip', { 'remote-address': '10.20.40.9' });
    const list = (await adminApi(h, 'GET', '/subscribers/adoptable')).json.secrets;
    expect(list.find((s: { name: string }) => s.name === 'cctv.shop')).toMatchObject({
      remote_address: '10.20.40.5',
      taken_by: null,
    });
    const body = { secrets: [entry('cctv.shop'), entry('own.ip'), entry('held.ip')] };
    const dry = await adminApi(h, 'POST', '/subscribers/adopt', { ...body, dry_run: true });
    expect(dry.status).toBe(200);
    const [cctv, own, held] = dry.json.secrets;
    expect(cctv.remote_address).toEqual({ from: '10.20.40.5', to: '10.20.40.5' });
    expect(own.remote_address.why).toBe(
      "its fixed address 10.20.40.1 is taken off: 10.20.40.1 is one of the router's own addresses (/ip/address on default); pick another",
    );
    expect(held.remote_address).toMatchObject({
      to: null,
      why: expect.stringMatching(/held by the subscriber holder/),
    });
    const res = await adminApi(h, 'POST', '/subscribers/adopt', body);
    expect(res.status).toBe(201);
    const ip = async (n: number) =>
      (await adminApi(h, 'GET', `/subscribers/${res.json.secrets[n].subscriber.id}`)).json.subscriber
        .static_ip;
    expect([await ip(0), await ip(1), await ip(2)]).toEqual(['10.20.40.5', null, null]);
    await ppp().check();
    expect(secret('cctv.shop')).toMatchObject({
      comment: expect.stringMatching(/^pisonet subscriber/),
      profile: 'pisonet-HOME10',
      'remote-address': '10.20.40.5',
    });
    expect(secret('own.ip')).toMatchObject({ comment: expect.stringMatching(/^pisonet subscriber/) });
    expect(secret('own.ip')?.['remote-address']).toBeUndefined();
  });
});

describe('adopting: the dry run checks what the real adopt checks', () => {
  it("refuses the username of an ended subscriber, in the list and the dry run, under the entry's name", async () => {
    const add = await addOne('gone.user');
    const ended = await adminApi(h, 'DELETE', `/subscribers/${add.json.subscriber.id}`);
    expect(ended.json.subscriber.status).toBe('ended');
    await waitFor(() => secret('gone.user') === undefined);
    await routerSecret('gone.user');
    const list = (await adminApi(h, 'GET', '/subscribers/adoptable')).json.secrets;
    expect(list.find((s: { name: string }) => s.name === 'gone.user').taken_by).toBe(
      add.json.subscriber.account_no,
    );
    for (const dryRun of [true, false]) {
      const res = await adminApi(h, 'POST', '/subscribers/adopt', {
        dry_run: dryRun,
        secrets: [entry('gone.user')],
      });
      expect(res.status).toBe(400);
      expect(res.json.fields).toEqual({
        'secrets[0].name': expect.stringMatching(/the ended subscriber S-\d{6} keeps the username gone.user/),
      });
    }
  });

  it('asks about an opening balance that looks like a typo, in the dry run too, unless confirmed', async () => {
    await routerSecret('rosa.typo');
    const body = { secrets: [entry('rosa.typo', { opening_balance: '99900' })] };
    for (const dryRun of [true, false]) {
      const res = await adminApi(h, 'POST', '/subscribers/adopt', { ...body, dry_run: dryRun });
      expect(res.status).toBe(409);
      expect(res.json.code).toBe('CONFIRM_REQUIRED');
      expect(res.json.fields).toEqual({
        'secrets[0].opening_balance': expect.stringMatching(
          /^rosa\.typo: ₱99,900\.00 brought forward is 100 months of HOME10/,
        ),
      });
    }
    expect(await h.core!.db('subscribers').where({ username: 'rosa.typo' }).first()).toBeUndefined();
    const res = await adminApi(h, 'POST', '/subscribers/adopt', { ...body, confirm: true });
    expect(res.status).toBe(201);
    const sub = await adminApi(h, 'GET', `/subscribers/${res.json.secrets[0].subscriber.id}`);
    expect(sub.json.subscriber.opening_balance).toBe(99900);
  });
});

describe('a PPP check the router refuses', () => {
  it('logs each refused secret by name with its reason', async () => {
    h.sim.faults.trapOn('/ppp/secret/add', 'invalid value for argument profile');
    const add = await addOne('refused.one');
    expect(add.status).toBe(201);
    const failed = () => logs.filter((l) => l.includes('change(s) failed')).map((l) => JSON.parse(l).msg);
    await waitFor(() => failed().some((m: string) => m.includes('refused.one')));
    expect(failed().join('\n')).toMatch(
      /PPP checked: \d+ change\(s\) failed: .*secret refused\.one: .*invalid value for argument profile/,
    );
  });
});
