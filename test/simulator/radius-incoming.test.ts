/**
 * `/radius/incoming`: Disconnect and CoA requests from a RADIUS server, taken only with accept=yes, only from a
 * `/radius` entry's address and with its secret.
 */
import { attr } from '../../src/radius/packet';
import { RouterSimulator } from '../../src/simulator';
import { apiLogin, attrsOf, FakeAaa, IP, MAC, radiusRouter, toRouter } from './fake-aaa';
import { RawClient } from './raw-client';

let aaa: FakeAaa;
let sim: RouterSimulator;
let c: RawClient;
const now = Date.UTC(2026, 0, 1, 8);

beforeEach(async () => {
  aaa = await FakeAaa.start();
  ({ sim, c } = await radiusRouter(aaa, { radiusIncomingPort: 0, clock: () => now }));
  aaa.auth = () => ({ code: 'Access-Accept', attributes: [['Mikrotik-Rate-Limit', '512k/1M']] });
  await c.ok(['/radius/incoming/set', '=accept=yes']);
  await sim.radiusSettled();
  await c.ok(apiLogin('V1', 'x'));
});

afterEach(async () => {
  await c.close();
  await sim.stop();
  await aaa.close();
});

const sessionId = (): string => String(attrsOf(aaa.accessRequests()[0])['Acct-Session-Id']);

describe('the listener', () => {
  it('listens only while accept=yes, on the port the options chose', async () => {
    expect(sim.radiusIncomingPort).toEqual(expect.any(Number));
    await c.ok(['/radius/incoming/set', '=accept=no']);
    await sim.radiusSettled();
    expect(sim.radiusIncomingPort).toBeUndefined();
    await c.ok(['/radius/incoming/set', '=accept=yes']);
    await sim.radiusSettled();
    expect(sim.radiusIncomingPort).toEqual(expect.any(Number));
  });

  it('drops a request from an address no /radius entry has, and logs it', async () => {
    await expect(
      toRouter(sim, 'Disconnect-Request', [['User-Name', 'V1']], { localAddress: '127.0.0.2' }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    expect(sim.rows('/log')).toContainEqual(
      expect.objectContaining({
        topics: 'radius,warning',
        message: 'incoming request from unknown address 127.0.0.2, dropped',
      }),
    );
  });

  it('drops a request signed with another secret', async () => {
    await expect(
      toRouter(sim, 'Disconnect-Request', [['User-Name', 'V1']], { secret: 'guess' }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    expect(sim.rows('/log').some((l) => /^incoming request from 127\.0\.0\.1 dropped/.test(l.message))).toBe(
      true,
    );
  });
});

describe('Disconnect-Request', () => {
  it('ends the session it names: Disconnect-ACK, and a Stop with Admin-Reset', async () => {
    const reply = await toRouter(sim, 'Disconnect-Request', [
      ['User-Name', 'V1'],
      ['Acct-Session-Id', sessionId()],
      ['Framed-IP-Address', IP],
    ]);
    expect(reply.code).toBe('Disconnect-ACK');
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(sim.rows('/queue/simple')).toEqual([]);
    await sim.radiusSettled();
    expect(aaa.statuses()).toEqual(['Start', 'Stop']);
    expect(attrsOf(aaa.accounting()[1])['Acct-Terminate-Cause']).toBe('Admin-Reset');
  });

  it('every attribute given must match; none matching: NAK with Session-Context-Not-Found', async () => {
    const reply = await toRouter(sim, 'Disconnect-Request', [
      ['User-Name', 'V1'],
      ['Framed-IP-Address', '10.5.50.12'],
    ]);
    expect(reply.code).toBe('Disconnect-NAK');
    expect(attr(reply, 'Error-Cause')).toBe('Session-Context-Not-Found');
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    const byId = await toRouter(sim, 'Disconnect-Request', [['Acct-Session-Id', sessionId()]]);
    expect(byId.code).toBe('Disconnect-ACK');
  });

  it('a request naming no session, or another NAS, is refused', async () => {
    const none = await toRouter(sim, 'Disconnect-Request', [['Event-Timestamp', 1]]);
    expect([none.code, attr(none, 'Error-Cause')]).toEqual(['Disconnect-NAK', 'Missing-Attribute']);
    const other = await toRouter(sim, 'Disconnect-Request', [
      ['User-Name', 'V1'],
      ['NAS-Identifier', 'another-router'],
    ]);
    expect([other.code, attr(other, 'Error-Cause')]).toEqual([
      'Disconnect-NAK',
      'NAS-Identification-Mismatch',
    ]);
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
  });
});

describe('CoA-Request', () => {
  it("a new Mikrotik-Rate-Limit goes onto the session's queue, its counters kept", async () => {
    sim.addTraffic(MAC, { up: 100, down: 200 });
    const reply = await toRouter(sim, 'CoA-Request', [
      ['User-Name', 'V1'],
      ['Mikrotik-Rate-Limit', '1M/5M'],
    ]);
    expect(reply.code).toBe('CoA-ACK');
    expect(sim.rows('/queue/simple')).toEqual([
      expect.objectContaining({ name: '<hotspot-V1>', 'max-limit': '1000000/5000000', bytes: '100/200' }),
    ]);
  });

  it('Session-Timeout and Idle-Timeout change what the session is allowed', async () => {
    const reply = await toRouter(sim, 'CoA-Request', [
      ['Acct-Session-Id', sessionId()],
      ['Session-Timeout', 1800],
      ['Idle-Timeout', 120],
    ]);
    expect(reply.code).toBe('CoA-ACK');
    expect(sim.rows('/ip/hotspot/active')[0]).toMatchObject({
      'session-time-left': '30m',
      'idle-timeout': '2m',
    });
  });

  it('no such session: CoA-NAK; a rate that does not parse: Invalid-Attribute-Value', async () => {
    const none = await toRouter(sim, 'CoA-Request', [
      ['User-Name', 'V9'],
      ['Session-Timeout', 60],
    ]);
    expect([none.code, attr(none, 'Error-Cause')]).toEqual(['CoA-NAK', 'Session-Context-Not-Found']);
    const bad = await toRouter(sim, 'CoA-Request', [
      ['User-Name', 'V1'],
      ['Mikrotik-Rate-Limit', 'fast'],
    ]);
    expect([bad.code, attr(bad, 'Error-Cause')]).toEqual(['CoA-NAK', 'Invalid-Attribute-Value']);
  });

  it('a router that refuses rate changes by CoA (a fault): NAK Unsupported-Service, or no answer at all', async () => {
    sim.faults.coaRateChanges('nak');
    const nak = await toRouter(sim, 'CoA-Request', [
      ['User-Name', 'V1'],
      ['Mikrotik-Rate-Limit', '1M/5M'],
    ]);
    expect([nak.code, attr(nak, 'Error-Cause')]).toEqual(['CoA-NAK', 'Unsupported-Service']);
    sim.faults.coaRateChanges('silent');
    await expect(
      toRouter(sim, 'CoA-Request', [
        ['User-Name', 'V1'],
        ['Mikrotik-Rate-Limit', '1M/5M'],
      ]),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(sim.rows('/queue/simple')[0]['max-limit']).toBe('512000/1000000');
    // The fallback still works: a Disconnect ends the session.
    expect((await toRouter(sim, 'Disconnect-Request', [['User-Name', 'V1']])).code).toBe('Disconnect-ACK');
  });

  it('a session a local user logged in with is not one a CoA can change', async () => {
    sim.addDevice({ mac: '02:50:00:00:00:02', ip: '10.5.50.12' });
    await c.ok(['/ip/hotspot/user/add', '=name=staff', '=password=p']);
    await c.ok(apiLogin('staff', 'p', '10.5.50.12', '02:50:00:00:00:02'));
    const reply = await toRouter(sim, 'CoA-Request', [
      ['User-Name', 'staff'],
      ['Session-Timeout', 60],
    ]);
    expect(reply.code).toBe('CoA-NAK');
  });
});

describe('the router going away', () => {
  it('stops listening while it is unreachable, and listens again when it is back', async () => {
    sim.setReachable(false);
    await sim.radiusSettled();
    expect(sim.radiusIncomingPort).toBeUndefined();
    sim.setReachable(true);
    await sim.radiusSettled();
    expect(sim.radiusIncomingPort).toEqual(expect.any(Number));
    c = await RawClient.login(sim.port);
  });
});
