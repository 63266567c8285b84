/**
 * A CPE dials the simulated PPPoE server (`sim.pppoe`): who gets in, which address it gets, what the session
 * makes on the router (the `<pppoe-NAME>` interface, a dynamic queue, a dynamic address-list entry), its bytes,
 * and how it ends (hang-up, `/ppp/active/remove`, reboot, reset) and comes back (redial).
 */
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';
import { waitFor as waitUntil } from '../helpers/wait';

const CPE = 'aa:bb:cc:00:00:01';
const CPE2 = 'AA:BB:CC:00:00:02';
let now = Date.UTC(2026, 0, 1);
let sim: RouterSimulator;
let c: RawClient;

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  sim = new RouterSimulator({ clock: () => now });
  c = await RawClient.login((await sim.start()).port);
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

const ok = (...words: string[]): Promise<string[][]> => c.ok(words);

/** A shop's PPPoE set-up: a pool, a plan with a rate limit and an address list, a server, one subscriber. */
async function setUp(plan: string[] = ['=rate-limit=2M/5M', '=address-list=subscribers']): Promise<void> {
  await ok('/ip/pool/add', '=name=pppoe-pool', '=ranges=10.10.0.2-10.10.0.3');
  await ok(
    '/ppp/profile/add',
    '=name=plan',
    '=local-address=10.10.0.1',
    '=remote-address=pppoe-pool',
    ...plan,
  );
  await ok('/interface/pppoe-server/server/add', '=interface=ether2', '=disabled=no');
  await ok('/ppp/secret/add', '=name=juan', '=password=pw', '=service=pppoe', '=profile=plan');
}

const dialJuan = (mac = CPE, password = 'pw') => sim.pppoe.dial({ mac, user: 'juan', password });
const iface = (name: string) => sim.rows('/interface').find((r) => r.name === name);
const queue = (name: string) => sim.rows('/queue/simple').find((r) => r.name === name);

describe('dialling in', () => {
  it('needs an enabled PPPoE server', async () => {
    await ok('/ppp/secret/add', '=name=juan', '=password=pw', '=remote-address=10.10.0.9');
    expect(await dialJuan()).toEqual({ ok: false, reason: 'no-server' });
    await ok('/interface/pppoe-server/server/add', '=interface=ether2');
    expect(await dialJuan()).toEqual({ ok: false, reason: 'no-server' });
    await ok('/interface/pppoe-server/server/enable', '=numbers=*1');
    expect(await dialJuan()).toEqual({ ok: true, address: '10.10.0.9' });
  });

  it('refuses an unknown user, a wrong password, a disabled secret and a secret for another service', async () => {
    await setUp();
    const refused = { ok: false, reason: 'authentication-failed' };
    expect(await sim.pppoe.dial({ mac: CPE, user: 'pedro', password: 'pw' })).toEqual(refused);
    expect(await dialJuan(CPE, 'PW')).toEqual(refused);
    await ok('/ppp/secret/set', '=numbers=juan', '=service=l2tp');
    expect(await dialJuan()).toEqual(refused);
    await ok('/ppp/secret/set', '=numbers=juan', '=service=any', '=disabled=yes');
    expect(await dialJuan()).toEqual(refused);
    expect(sim.rows('/ppp/active')).toEqual([]);
    await ok('/ppp/secret/enable', '=numbers=juan');
    expect((await dialJuan()).ok).toBe(true);
  });

  it('shows the session in /ppp/active with the CPE as caller-id and an address from the pool', async () => {
    await setUp();
    expect(await dialJuan()).toEqual({ ok: true, address: '10.10.0.2' });
    now += 65_000;
    const [row] = (await ok('/ppp/active/print')).filter((s) => s[0] === '!re').map(attrs);
    expect(row).toMatchObject({
      name: 'juan',
      service: 'pppoe',
      'caller-id': 'AA:BB:CC:00:00:01',
      address: '10.10.0.2',
      uptime: '1m5s',
      radius: 'false',
    });
    expect(row['session-id']).toMatch(/^0x[0-9A-F]{8}$/);
    expect(sim.rows('/ip/pool/used')).toEqual([
      { pool: 'pppoe-pool', address: '10.10.0.2', owner: 'ppp', info: 'juan' },
    ]);
  });

  it('takes the secret own remote-address over the pool', async () => {
    await setUp();
    await ok('/ppp/secret/set', '=numbers=juan', '=remote-address=10.10.0.50');
    expect(await dialJuan()).toEqual({ ok: true, address: '10.10.0.50' });
    expect(sim.rows('/ip/pool/used')).toEqual([]);
  });

  it('refuses once the pool is exhausted, and goes on to the next pool', async () => {
    await setUp(['=only-one=no']);
    expect((await dialJuan(CPE)).address).toBe('10.10.0.2');
    expect((await dialJuan(CPE2)).address).toBe('10.10.0.3');
    expect(await dialJuan('AA:BB:CC:00:00:03')).toEqual({ ok: false, reason: 'no-address' });
    await ok('/ip/pool/add', '=name=overflow', '=ranges=10.10.1.2');
    await ok('/ip/pool/set', '=numbers=pppoe-pool', '=next-pool=overflow');
    expect(await dialJuan('AA:BB:CC:00:00:03')).toEqual({ ok: true, address: '10.10.1.2' });
  });

  it('only-one=yes refuses a second session of the same name; default takes the default profile value', async () => {
    await setUp(['=only-one=yes']);
    expect((await dialJuan(CPE)).ok).toBe(true);
    expect(await dialJuan(CPE2)).toEqual({ ok: false, reason: 'only-one' });
    await ok('/ppp/profile/set', '=numbers=plan', '=only-one=default');
    expect((await dialJuan(CPE2)).ok).toBe(true);
    expect(sim.rows('/ppp/active')).toHaveLength(2);
    // `default` takes the server's default profile's value.
    await ok('/ppp/profile/set', '=numbers=default', '=only-one=yes');
    expect(await dialJuan('AA:BB:CC:00:00:03')).toEqual({ ok: false, reason: 'only-one' });
  });

  it('one-session-per-host: a CPE that dials again replaces its old session', async () => {
    await setUp(['=only-one=no']);
    await ok('/interface/pppoe-server/server/set', '=numbers=*1', '=one-session-per-host=yes');
    await dialJuan();
    await dialJuan();
    expect(sim.rows('/ppp/active')).toHaveLength(1);
  });
});

describe('what a session makes on the router', () => {
  it('a dynamic running <pppoe-NAME> interface, a dynamic queue on it and a dynamic address-list entry', async () => {
    await setUp();
    await dialJuan();
    expect(iface('<pppoe-juan>')).toMatchObject({
      type: 'pppoe-in',
      dynamic: 'true',
      running: 'true',
      'rx-byte': '0',
      'tx-byte': '0',
    });
    expect(queue('<pppoe-juan>')).toMatchObject({
      target: '<pppoe-juan>',
      'max-limit': '2000000/5000000',
      dynamic: 'true',
    });
    expect(sim.rows('/ip/firewall/address-list')).toEqual([
      expect.objectContaining({ list: 'subscribers', address: '10.10.0.2', dynamic: 'true' }),
    ]);
    const trap = (await c.command(['/queue/simple/remove', '=numbers=<pppoe-juan>'])).find(
      (s) => s[0] === '!trap',
    );
    expect(trap && attrs(trap).message).toBe('failure: can not change dynamic queue');
  });

  it('makes no queue without a rate limit and no entry without an address list', async () => {
    await setUp([]);
    await dialJuan();
    expect(queue('<pppoe-juan>')).toBeUndefined();
    expect(sim.rows('/ip/firewall/address-list')).toEqual([]);
  });

  it('moves bytes through the session, capped by its rate limit, counted on its interface and queue', async () => {
    await setUp();
    await dialJuan();
    // 2M/5M: at most 250,000 bytes up and 625,000 down in one second.
    expect(sim.pppoe.addTraffic('juan', { up: 1_000_000, down: 400_000 }, 1)).toEqual({
      up: 250_000,
      down: 400_000,
    });
    expect(iface('<pppoe-juan>')).toMatchObject({ 'rx-byte': '250000', 'tx-byte': '400000' });
    expect(queue('<pppoe-juan>')).toMatchObject({ bytes: '250000/400000' });
    expect(iface('ether1')).toMatchObject({ 'rx-byte': '400000', 'tx-byte': '250000' });
    const [mon] = (await ok('/interface/monitor-traffic', '=interface=<pppoe-juan>', '=once=')).filter(
      (s) => s[0] === '!re',
    );
    expect(attrs(mon)).toMatchObject({ 'rx-bits-per-second': '2000000', 'tx-bits-per-second': '3200000' });
  });
});

describe('a running session keeps what it took at its start', () => {
  it('a changed rate limit or address list, a moved, disabled or removed secret reach only the next session', async () => {
    await setUp();
    await dialJuan();
    await ok('/ppp/profile/add', '=name=plan-1m', '=remote-address=pppoe-pool', '=rate-limit=1M/1M');
    await ok('/ppp/profile/set', '=numbers=plan', '=rate-limit=10M/10M', '=address-list=other');
    await ok('/ppp/secret/set', '=numbers=juan', '=profile=plan-1m');
    await ok('/ppp/secret/disable', '=numbers=juan');
    expect(queue('<pppoe-juan>')).toMatchObject({ 'max-limit': '2000000/5000000' });
    expect(sim.rows('/ip/firewall/address-list')[0]).toMatchObject({ list: 'subscribers' });
    await ok('/ppp/secret/remove', '=numbers=juan');
    expect(sim.rows('/ppp/active')).toHaveLength(1);
    expect(sim.pppoe.addTraffic('juan', { up: 1_000_000, down: 1_000_000 })).toEqual({
      up: 250_000,
      down: 625_000,
    });
    // The next session takes the secret and profile as they are then.
    sim.pppoe.hangUp(CPE);
    await ok('/ppp/secret/add', '=name=juan', '=password=pw', '=profile=plan-1m');
    await dialJuan();
    expect(queue('<pppoe-juan>')).toMatchObject({ 'max-limit': '1000000/1000000' });
    expect(sim.rows('/ip/firewall/address-list')).toEqual([]);
  });
});

describe('a session ends', () => {
  it('on hang-up: the interface, queue, address-list entry and pool address go', async () => {
    await setUp();
    await dialJuan();
    expect(sim.pppoe.hangUp(CPE)).toBe(true);
    expect(sim.rows('/ppp/active')).toEqual([]);
    expect(iface('<pppoe-juan>')).toBeUndefined();
    expect(queue('<pppoe-juan>')).toBeUndefined();
    expect(sim.rows('/ip/firewall/address-list')).toEqual([]);
    expect(sim.rows('/ip/pool/used')).toEqual([]);
    expect(sim.pppoe.hangUp(CPE)).toBe(false);
  });

  it('on /ppp/active/remove, and the next session counts from zero', async () => {
    await setUp();
    await dialJuan();
    sim.pppoe.addTraffic('juan', { up: 1000, down: 2000 });
    await ok('/ppp/active/remove', `=.id=${sim.rows('/ppp/active')[0]['.id']}`);
    expect(sim.rows('/ppp/active')).toEqual([]);
    await dialJuan();
    expect(iface('<pppoe-juan>')).toMatchObject({ 'rx-byte': '0', 'tx-byte': '0' });
    expect(queue('<pppoe-juan>')).toMatchObject({ bytes: '0/0' });
  });

  it('on reboot and on reset; a CPE set to redial comes back once the router answers', async () => {
    await setUp();
    expect(await sim.pppoe.autoRedial({ mac: CPE, user: 'juan', password: 'pw' }, 20)).toEqual({
      ok: true,
      address: '10.10.0.2',
    });
    await sim.reboot({ downMs: 50 });
    expect(sim.rows('/ppp/active')).toEqual([]);
    await waitFor(() => sim.rows('/ppp/active').length === 1);
    expect(sim.rows('/ppp/active')[0]).toMatchObject({ name: 'juan', 'caller-id': 'AA:BB:CC:00:00:01' });
    await sim.resetConfiguration();
    expect(sim.rows('/ppp/active')).toEqual([]);
    expect(sim.rows('/ppp/secret')).toEqual([]);
    expect(sim.rows('/ppp/profile').map((r) => r.name)).toEqual(['default', 'default-encryption']);
    // Nothing to dial into after the reset; the CPE hangs up and stops trying.
    sim.pppoe.hangUp(CPE);
  });
});

const waitFor = (cond: () => boolean | Promise<boolean>, ms = 2000) => waitUntil(cond, ms, 10);
