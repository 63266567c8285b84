/**
 * The PPPoE menus through the API: `/ppp/profile`, `/ppp/secret`, `/ppp/active`, `/ppp/aaa`,
 * `/interface/pppoe-server/server`, `/ip/pool` and `/ip/firewall/address-list` — their defaults, what they refuse
 * (as RouterOS does: a bad value, an unknown property, a missing reference) and what they keep.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

let sim: RouterSimulator;
let c: RawClient;

beforeEach(async () => {
  sim = new RouterSimulator();
  c = await RawClient.login((await sim.start()).port);
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

async function trapOf(words: string[]): Promise<string> {
  const reply = await c.command(words);
  const trap = reply.find((s) => s[0] === '!trap');
  if (!trap) throw new Error(`expected a trap for ${words.join(' ')}`);
  return attrs(trap).message;
}

const add = async (menu: string, ...words: string[]): Promise<string> =>
  attrs((await c.ok([`${menu}/add`, ...words]))[0]).ret;

describe('/ppp/profile', () => {
  it('has the built-in default and default-encryption profiles, which cannot be removed', async () => {
    const rows = sim.rows('/ppp/profile');
    expect(rows.map((r) => [r['.id'], r.name, r.default, r['only-one'], r['use-encryption']])).toEqual([
      ['*0', 'default', 'true', 'default', 'default'],
      ['*FFFFFFFE', 'default-encryption', 'true', 'default', 'yes'],
    ]);
    expect(await trapOf(['/ppp/profile/remove', '=numbers=default'])).toBe(
      'failure: can not remove default profile',
    );
    expect(await trapOf(['/ppp/profile/remove', '=.id=*FFFFFFFE'])).toBe(
      'failure: can not remove default profile',
    );
    expect(sim.rows('/ppp/profile')).toHaveLength(2);
  });

  it('adds a plan profile before default-encryption, with a pool, a rate limit and an address list', async () => {
    await add('/ip/pool', '=name=pppoe-pool', '=ranges=10.10.0.2-10.10.0.254');
    const id = await add(
      '/ppp/profile',
      '=name=plan-10m',
      '=local-address=10.10.0.1',
      '=remote-address=pppoe-pool',
      '=rate-limit=5M/10M',
      '=only-one=yes',
      '=address-list=subscribers',
    );
    expect(id).toBe('*1');
    const rows = sim.rows('/ppp/profile');
    expect(rows.map((r) => r.name)).toEqual(['default', 'plan-10m', 'default-encryption']);
    expect(rows[1]).toMatchObject({
      'remote-address': 'pppoe-pool',
      'local-address': '10.10.0.1',
      'rate-limit': '5M/10M',
      'only-one': 'yes',
      'address-list': 'subscribers',
      default: 'false',
    });
  });

  it('refuses bad values, an unknown pool, an unknown property and a duplicate name, writing nothing', async () => {
    expect(await trapOf(['/ppp/profile/add', '=name=x', '=rate-limit=fast'])).toBe(
      'invalid value for argument rate-limit',
    );
    expect(await trapOf(['/ppp/profile/add', '=name=x', '=only-one=true'])).toBe(
      'invalid value for argument only-one',
    );
    expect(await trapOf(['/ppp/profile/add', '=name=x', '=remote-address=no-such-pool'])).toBe(
      'input does not match any value of remote-address',
    );
    expect(await trapOf(['/ppp/profile/add', '=name=x', '=max-limit=1M'])).toMatch(/unknown parameter/);
    expect(await trapOf(['/ppp/profile/add', '=name=default'])).toBe('failure: already have such name');
    expect(sim.rows('/ppp/profile')).toHaveLength(2);
  });

  it('refuses removing a profile a secret still uses; a rename follows to the secret', async () => {
    await add('/ppp/profile', '=name=plan');
    await add('/ppp/secret', '=name=juan', '=password=p', '=profile=plan');
    expect(await trapOf(['/ppp/profile/remove', '=numbers=plan'])).toBe(
      'failure: profile plan is used by secret juan',
    );
    await c.ok(['/ppp/profile/set', '=numbers=plan', '=name=plan-5m', '=rate-limit=5M/5M']);
    await c.ok(['/ppp/profile/unset', '=numbers=plan-5m', '=value-name=rate-limit']);
    expect(sim.rows('/ppp/profile')[1]).toMatchObject({ name: 'plan-5m', 'rate-limit': '' });
    expect(sim.rows('/ppp/secret')[0].profile).toBe('plan-5m');
  });
});

describe('/ppp/secret', () => {
  it('adds a secret with RouterOS defaults and refuses a duplicate name', async () => {
    expect(await add('/ppp/secret', '=name=juan', '=password=secret1')).toBe('*1');
    expect(sim.rows('/ppp/secret')[0]).toEqual({
      '.id': '*1',
      name: 'juan',
      password: 'secret1',
      service: 'any',
      'caller-id': '',
      profile: 'default',
      routes: '',
      'ipv6-routes': '',
      'limit-bytes-in': '0',
      'limit-bytes-out': '0',
      disabled: 'false',
    });
    expect(await trapOf(['/ppp/secret/add', '=name=juan', '=password=x'])).toBe(
      'failure: already have such name',
    );
  });

  it('refuses an unknown profile or service, an address that is not one, and an empty name', async () => {
    expect(await trapOf(['/ppp/secret/add', '=name=a', '=profile=gold'])).toBe(
      'input does not match any value of profile',
    );
    expect(await trapOf(['/ppp/secret/add', '=name=a', '=service=hotspot'])).toBe(
      'invalid value for argument service',
    );
    expect(await trapOf(['/ppp/secret/add', '=name=a', '=remote-address=pool1'])).toBe(
      'invalid value for argument remote-address',
    );
    expect(await trapOf(['/ppp/secret/add', '=name='])).toBe('invalid value for argument name');
    expect(await trapOf(['/ppp/secret/add', '=password=x'])).toBe('failure: name not specified');
    expect(sim.rows('/ppp/secret')).toEqual([]);
  });

  it('disables, enables and comments a secret', async () => {
    await add('/ppp/secret', '=name=juan', '=password=p', '=service=pppoe', '=remote-address=10.10.0.9');
    await c.ok(['/ppp/secret/disable', '=numbers=juan']);
    expect(sim.rows('/ppp/secret')[0]).toMatchObject({ disabled: 'true', 'remote-address': '10.10.0.9' });
    await c.ok(['/ppp/secret/enable', '=numbers=juan']);
    await c.ok(['/ppp/secret/comment', '=numbers=juan', '=comment=Unit 4B']);
    expect(sim.rows('/ppp/secret')[0]).toMatchObject({ disabled: 'false', comment: 'Unit 4B' });
    await c.ok(['/ppp/secret/unset', '=numbers=juan', '=value-name=remote-address']);
    await c.ok(['/ppp/secret/unset', '=numbers=juan', '=value-name=service']);
    expect(sim.rows('/ppp/secret')[0]).not.toHaveProperty('remote-address');
    expect(sim.rows('/ppp/secret')[0]).toMatchObject({ service: 'any' });
  });
});

describe('/ppp/aaa and /ppp/active', () => {
  it('has RouterOS defaults and keeps what is set; bad values are refused', async () => {
    expect(sim.rows('/ppp/aaa')[0]).toMatchObject({
      'use-radius': 'false',
      accounting: 'true',
      'interim-update': '0s',
    });
    await c.ok(['/ppp/aaa/set', '=use-radius=yes', '=interim-update=5m']);
    expect(sim.rows('/ppp/aaa')[0]).toMatchObject({ 'use-radius': 'true', 'interim-update': '5m' });
    expect(await trapOf(['/ppp/aaa/set', '=accounting=maybe'])).toBe('invalid value for argument accounting');
  });

  it('is read-only: no add or set', async () => {
    expect(await trapOf(['/ppp/active/add', '=name=x'])).toMatch(/no such command/);
    expect(await trapOf(['/ppp/active/set', '=numbers=*1', '=name=x'])).toMatch(/no such command/);
  });
});

describe('/interface/pppoe-server/server', () => {
  it('adds a server disabled by default with RouterOS defaults; refuses a bad one', async () => {
    await add('/interface/pppoe-server/server', '=interface=ether2', '=service-name=pisonet');
    expect(sim.rows('/interface/pppoe-server/server')[0]).toMatchObject({
      'service-name': 'pisonet',
      interface: 'ether2',
      'default-profile': 'default',
      authentication: 'pap,chap,mschap1,mschap2',
      'one-session-per-host': 'false',
      'max-mtu': 'auto',
      'max-mru': 'auto',
      disabled: 'true',
    });
    expect(await trapOf(['/interface/pppoe-server/server/add', '=service-name=x'])).toBe(
      'failure: interface not specified',
    );
    expect(await trapOf(['/interface/pppoe-server/server/add', '=interface=ether9'])).toBe(
      'input does not match any value of interface',
    );
    expect(
      await trapOf(['/interface/pppoe-server/server/add', '=interface=ether2', '=authentication=pap,md5']),
    ).toBe('invalid value for argument authentication');
    expect(await trapOf(['/interface/pppoe-server/server/add', '=interface=ether2', '=max-mtu=20'])).toBe(
      'invalid value for argument max-mtu',
    );
    expect(
      await trapOf(['/interface/pppoe-server/server/add', '=interface=ether2', '=default-profile=x']),
    ).toBe('input does not match any value of default-profile');
    expect(
      await trapOf(['/interface/pppoe-server/server/add', '=interface=ether2', '=service-name=pisonet']),
    ).toBe('failure: pppoe server with such service name already on this interface');
    expect(sim.rows('/interface/pppoe-server/server')).toHaveLength(1);
  });
});

describe('/ip/pool and /ip/firewall/address-list', () => {
  it('refuses ranges that do not parse and a next-pool that does not exist', async () => {
    expect(await trapOf(['/ip/pool/add', '=name=p', '=ranges=10.0.0.9-10.0.0.2'])).toBe(
      'invalid value for argument ranges',
    );
    expect(await trapOf(['/ip/pool/add', '=name=p', '=ranges=10.0.0.300'])).toBe(
      'invalid value for argument ranges',
    );
    expect(await trapOf(['/ip/pool/add', '=name=p', '=ranges=10.0.0.1', '=next-pool=q'])).toBe(
      'input does not match any value of next-pool',
    );
    await add('/ip/pool', '=name=p', '=ranges=10.0.0.0/30,10.0.1.5');
    expect(sim.rows('/ip/pool')[0]).toEqual({
      '.id': '*1',
      name: 'p',
      ranges: '10.0.0.0/30,10.0.1.5',
      'next-pool': 'none',
    });
  });

  it('keeps static entries, refuses a duplicate and a missing list; a timeout makes a dynamic entry that runs out', async () => {
    let now = Date.UTC(2026, 0, 1);
    await c.close();
    await sim.stop();
    sim = new RouterSimulator({ clock: () => now });
    c = await RawClient.login((await sim.start()).port);
    await add('/ip/firewall/address-list', '=list=suspended', '=address=10.10.0.7/32', '=comment=unpaid');
    expect(sim.rows('/ip/firewall/address-list')[0]).toEqual({
      '.id': '*1',
      list: 'suspended',
      address: '10.10.0.7',
      'creation-time': '2026-01-01 00:00:00',
      dynamic: 'false',
      disabled: 'false',
      comment: 'unpaid',
    });
    expect(await trapOf(['/ip/firewall/address-list/add', '=list=suspended', '=address=10.10.0.7'])).toBe(
      'failure: already have such entry',
    );
    expect(await trapOf(['/ip/firewall/address-list/add', '=address=10.10.0.8'])).toBe(
      'failure: list not specified',
    );
    expect(await trapOf(['/ip/firewall/address-list/add', '=list=x', '=address=10.0.0.1/33'])).toBe(
      'invalid value for argument address',
    );
    await add('/ip/firewall/address-list', '=list=suspended', '=address=10.10.0.8', '=timeout=1m');
    expect(sim.rows('/ip/firewall/address-list')[1]).toMatchObject({ dynamic: 'true', timeout: '1m' });
    now += 61_000;
    sim.tick(61);
    expect(sim.rows('/ip/firewall/address-list').map((r) => r.address)).toEqual(['10.10.0.7']);
    await c.ok(['/ip/firewall/address-list/set', '=numbers=*1', '=timeout=30s']);
    expect(sim.rows('/ip/firewall/address-list')[0]).toMatchObject({ timeout: '30s', dynamic: 'true' });
  });
});

describe('the PPP configuration across a restart', () => {
  it('keeps profiles, secrets, servers, pools, static address-list entries and /ppp/aaa', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-ppp-'));
    const stateFile = join(dir, 'state.json');
    await c.close();
    await sim.stop();
    sim = new RouterSimulator({ stateFile });
    c = await RawClient.login((await sim.start()).port);
    await add('/ip/pool', '=name=pppoe-pool', '=ranges=10.10.0.2-10.10.0.254');
    await add('/ppp/profile', '=name=plan', '=remote-address=pppoe-pool', '=rate-limit=2M/5M');
    await add('/ppp/secret', '=name=juan', '=password=p', '=profile=plan');
    await add('/interface/pppoe-server/server', '=interface=ether2', '=disabled=no');
    await add('/ip/firewall/address-list', '=list=suspended', '=address=10.10.0.7');
    await add('/ip/firewall/address-list', '=list=suspended', '=address=10.10.0.8', '=timeout=1h');
    await c.ok(['/ppp/aaa/set', '=interim-update=5m']);
    const menus = ['/ppp/profile', '/ppp/secret', '/interface/pppoe-server/server', '/ip/pool', '/ppp/aaa'];
    const before = menus.map((m) => sim.rows(m));
    await c.close();
    await sim.stop();
    sim = new RouterSimulator({ stateFile });
    c = await RawClient.login((await sim.start()).port);
    expect(menus.map((m) => sim.rows(m))).toEqual(before);
    expect(sim.rows('/ip/firewall/address-list').map((r) => r.address)).toEqual(['10.10.0.7']);
    rmSync(dir, { recursive: true, force: true });
  });
});
