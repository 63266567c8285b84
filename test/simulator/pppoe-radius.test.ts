/**
 * PPPoE through RADIUS (`/ppp/aaa use-radius=yes`): the Access-Request a dial-in sends, what an Access-Accept
 * gives the session, accounting of the session, and CoA and Disconnect reaching it.
 */
import { RouterSimulator } from '../../src/simulator';
import { attrsOf, FakeAaa, SECRET, toRouter } from './fake-aaa';
import { RawClient } from './raw-client';

const CPE = 'AA:BB:CC:00:00:01';
let now = Date.UTC(2026, 0, 1);
let aaa: FakeAaa;
let sim: RouterSimulator;
let c: RawClient;

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  aaa = await FakeAaa.start();
  sim = new RouterSimulator({ clock: () => now, radiusIncomingPort: 0 });
  c = await RawClient.login((await sim.start()).port);
  await c.ok([
    '/radius/add',
    '=service=ppp',
    '=address=127.0.0.1',
    `=secret=${SECRET}`,
    `=authentication-port=${aaa.authPort}`,
    `=accounting-port=${aaa.acctPort}`,
    '=timeout=100ms',
  ]);
  await c.ok(['/radius/incoming/set', '=accept=yes']);
  await c.ok(['/ppp/aaa/set', '=use-radius=yes']);
  await c.ok(['/ip/pool/add', '=name=pppoe-pool', '=ranges=10.10.0.2-10.10.0.20']);
  await c.ok([
    '/ppp/profile/set',
    '=numbers=default',
    '=remote-address=pppoe-pool',
    '=local-address=10.10.0.1',
  ]);
  await c.ok([
    '/interface/pppoe-server/server/add',
    '=interface=ether2',
    '=service-name=pisonet',
    '=disabled=no',
  ]);
  await sim.radiusSettled();
});

afterEach(async () => {
  await c.close();
  await sim.stop();
  await aaa.close();
});

const dial = (user = 'maria', password = 'pw') => sim.pppoe.dial({ mac: CPE, user, password });
const queue = () => sim.rows('/queue/simple').find((r) => r.name === '<pppoe-maria>');

describe('a dial-in asked of RADIUS', () => {
  it('sends a PPP Access-Request and takes the address, rate limit and address list of the Accept', async () => {
    aaa.auth = () => ({
      code: 'Access-Accept',
      attributes: [
        ['Framed-IP-Address', '10.10.5.5'],
        ['Mikrotik-Rate-Limit', '1M/4M'],
        ['Mikrotik-Address-List', 'paid'],
      ],
    });
    expect(await dial()).toEqual({ ok: true, address: '10.10.5.5' });
    const [req] = aaa.accessRequests();
    expect(attrsOf(req)).toMatchObject({
      'User-Name': 'maria',
      'User-Password': 'pw',
      'Service-Type': 'Framed-User',
      'Framed-Protocol': 'PPP',
      'Calling-Station-Id': CPE,
      'Called-Station-Id': 'pisonet',
      'NAS-Port-Type': 'Ethernet',
      'NAS-Port-Id': 'ether2',
      'NAS-Identifier': 'MikroTik',
    });
    expect(sim.rows('/ppp/active')[0]).toMatchObject({ name: 'maria', radius: 'true', address: '10.10.5.5' });
    expect(queue()).toMatchObject({ 'max-limit': '1000000/4000000', target: '<pppoe-maria>' });
    expect(sim.rows('/ip/firewall/address-list')).toEqual([
      expect.objectContaining({ list: 'paid', address: '10.10.5.5', dynamic: 'true' }),
    ]);
  });

  it('takes an address from the Framed-Pool, else from the default profile', async () => {
    await c.ok(['/ip/pool/add', '=name=gold', '=ranges=10.20.0.2-10.20.0.9']);
    aaa.auth = () => ({ code: 'Access-Accept', attributes: [['Framed-Pool', 'gold']] });
    expect(await dial()).toEqual({ ok: true, address: '10.20.0.2' });
    sim.pppoe.hangUp(CPE);
    aaa.auth = () => ({ code: 'Access-Accept', attributes: [] });
    expect(await dial()).toEqual({ ok: true, address: '10.10.0.2' });
  });

  it('is refused on Access-Reject and when no server answers; a local secret is not asked about', async () => {
    aaa.auth = () => ({ code: 'Access-Reject', attributes: [] });
    expect(await dial()).toEqual({ ok: false, reason: 'authentication-failed' });
    aaa.auth = () => undefined;
    expect(await dial()).toEqual({ ok: false, reason: 'radius-timeout' });
    const asked = aaa.accessRequests().length;
    await c.ok(['/ppp/secret/add', '=name=maria', '=password=local']);
    expect(await dial('maria', 'pw')).toEqual({ ok: false, reason: 'authentication-failed' });
    expect((await dial('maria', 'local')).ok).toBe(true);
    expect(aaa.accessRequests()).toHaveLength(asked);
    expect(sim.rows('/ppp/active')[0]).toMatchObject({ radius: 'false' });
  });

  it('with use-radius=no asks nothing', async () => {
    await c.ok(['/ppp/aaa/set', '=use-radius=no']);
    expect(await dial()).toEqual({ ok: false, reason: 'authentication-failed' });
    expect(aaa.accessRequests()).toEqual([]);
  });
});

describe('accounting', () => {
  it('Start, Interim-Update on the Accept interval, Stop with the bytes and the cause', async () => {
    aaa.auth = () => ({ code: 'Access-Accept', attributes: [['Acct-Interim-Interval', 60]] });
    await dial();
    sim.pppoe.addTraffic('maria', { up: 1000, down: 5000 });
    now += 60_000;
    sim.tick(60);
    sim.pppoe.hangUp(CPE);
    await sim.radiusSettled();
    expect(aaa.statuses()).toEqual(['Start', 'Interim-Update', 'Stop']);
    const stop = attrsOf(aaa.accounting()[2]);
    expect(stop).toMatchObject({
      'User-Name': 'maria',
      'Framed-IP-Address': '10.10.0.2',
      'Acct-Input-Octets': 1000,
      'Acct-Output-Octets': 5000,
      'Acct-Session-Time': 60,
      'Acct-Terminate-Cause': 'User-Request',
      'Service-Type': 'Framed-User',
      'Framed-Protocol': 'PPP',
    });
    expect(stop['Acct-Session-Id']).toBe(attrsOf(aaa.accessRequests()[0])['Acct-Session-Id']);
  });

  it('a session ended by /ppp/active/remove stops with Admin-Reset; accounting=no sends nothing', async () => {
    await dial();
    await c.ok(['/ppp/active/remove', `=.id=${sim.rows('/ppp/active')[0]['.id']}`]);
    await sim.radiusSettled();
    expect(aaa.statuses()).toEqual(['Start', 'Stop']);
    expect(attrsOf(aaa.accounting()[1])['Acct-Terminate-Cause']).toBe('Admin-Reset');
    await c.ok(['/ppp/aaa/set', '=accounting=no']);
    await dial();
    sim.pppoe.hangUp(CPE);
    await sim.radiusSettled();
    expect(aaa.statuses()).toEqual(['Start', 'Stop']);
  });
});

describe('CoA and Disconnect on a PPP session', () => {
  it('a CoA changes the rate limit on its queue and moves it to another address list', async () => {
    aaa.auth = () => ({
      code: 'Access-Accept',
      attributes: [
        ['Mikrotik-Rate-Limit', '1M/4M'],
        ['Mikrotik-Address-List', 'paid'],
      ],
    });
    await dial();
    sim.pppoe.addTraffic('maria', { up: 100, down: 200 });
    const reply = await toRouter(sim, 'CoA-Request', [
      ['User-Name', 'maria'],
      ['Mikrotik-Rate-Limit', '512k/1M'],
      ['Mikrotik-Address-List', 'suspended'],
    ]);
    expect(reply.code).toBe('CoA-ACK');
    expect(queue()).toMatchObject({ 'max-limit': '512000/1000000', bytes: '100/200' });
    expect(sim.rows('/ip/firewall/address-list')).toEqual([
      expect.objectContaining({ list: 'suspended', address: '10.10.0.2' }),
    ]);
  });

  it('a Disconnect ends the session; one naming no session is NAKed', async () => {
    await dial();
    const nak = await toRouter(sim, 'Disconnect-Request', [['User-Name', 'pedro']]);
    expect(nak.code).toBe('Disconnect-NAK');
    const ack = await toRouter(sim, 'Disconnect-Request', [['Framed-IP-Address', '10.10.0.2']]);
    expect(ack.code).toBe('Disconnect-ACK');
    expect(sim.rows('/ppp/active')).toEqual([]);
    await sim.radiusSettled();
    expect(attrsOf(aaa.accounting()[1])['Acct-Terminate-Cause']).toBe('Admin-Reset');
  });
});
