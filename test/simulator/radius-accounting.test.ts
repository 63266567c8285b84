/**
 * RADIUS accounting of hotspot sessions: Start at login, Interim-Update on the simulator's clock, Stop with the
 * reason, the session's time and its own byte counters (input = the customer's upload), past 4 GiB too.
 */
import { RouterSimulator } from '../../src/simulator';
import { apiLogin, attrsOf, FakeAaa, IP, MAC, radiusRouter, SECRET } from './fake-aaa';
import { RawClient } from './raw-client';

let aaa: FakeAaa;
let sim: RouterSimulator;
let c: RawClient;
let now: number;
const T0 = Date.UTC(2026, 0, 1, 8);

beforeEach(async () => {
  now = T0;
  aaa = await FakeAaa.start();
  ({ sim, c } = await radiusRouter(aaa, { clock: () => now }));
});

afterEach(async () => {
  await c.close();
  await sim.stop();
  await aaa.close();
});

const grant = (...attributes: [string, string | number | Buffer][]): void => {
  aaa.auth = () => ({ code: 'Access-Accept', attributes });
};

/** Moves the clock on and lets the router see the time pass. */
async function pass(seconds: number): Promise<void> {
  now += seconds * 1000;
  sim.tick(seconds);
  await sim.radiusSettled();
}

const last = (): Record<string, unknown> => attrsOf(aaa.accounting()[aaa.accounting().length - 1]);

describe('Start', () => {
  it('goes out at login with the session id of the Access-Request and the Class it got', async () => {
    grant(['Class', Buffer.from('plan-5')]);
    await c.ok(apiLogin('V1', 'x'));
    await sim.radiusSettled();
    expect(aaa.statuses()).toEqual(['Start']);
    const start = last();
    expect(start).toMatchObject({
      'User-Name': 'V1',
      'Framed-IP-Address': IP,
      'Calling-Station-Id': MAC,
      'Called-Station-Id': 'hotspot1',
      'NAS-Identifier': 'MikroTik',
      'Event-Timestamp': T0 / 1000,
      'Acct-Session-Id': attrsOf(aaa.accessRequests()[0])['Acct-Session-Id'],
    });
    expect(start.Class).toEqual(Buffer.from('plan-5'));
  });

  it('each session has its own eight-hex-digit Acct-Session-Id', async () => {
    await c.ok(apiLogin('V1', 'x'));
    await c.ok(['/ip/hotspot/active/remove', '=numbers=*1']);
    await c.ok(apiLogin('V1', 'x'));
    await sim.radiusSettled();
    const ids = aaa.accounting().map((r) => String(attrsOf(r)['Acct-Session-Id']));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}$/);
    expect(ids[0]).toBe(ids[1]); // Start and Stop of the first session
    expect(ids[2]).not.toBe(ids[0]);
  });
});

describe('Interim-Update', () => {
  it("every Acct-Interim-Interval of simulated time, with the session's counters so far", async () => {
    grant(['Acct-Interim-Interval', 60]);
    await c.ok(apiLogin('V1', 'x'));
    sim.addTraffic(MAC, { up: 1000, down: 50_000 });
    await pass(30);
    expect(aaa.statuses()).toEqual(['Start']);
    await pass(30);
    expect(aaa.statuses()).toEqual(['Start', 'Interim-Update']);
    expect(last()).toMatchObject({
      'Acct-Session-Time': 60,
      'Acct-Input-Octets': 1000,
      'Acct-Output-Octets': 50_000,
      'Acct-Input-Gigawords': 0,
      'Acct-Output-Gigawords': 0,
      'Event-Timestamp': T0 / 1000 + 60,
    });
    await pass(60);
    expect(aaa.statuses()).toEqual(['Start', 'Interim-Update', 'Interim-Update']);
  });

  it("none without an interval; the profile's radius-interim-update wins over the server's", async () => {
    await c.ok(apiLogin('V1', 'x'));
    await pass(3600);
    expect(aaa.statuses()).toEqual(['Start']);
    await c.ok(['/ip/hotspot/active/remove', '=numbers=*1']);
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=radius-interim-update=2m']);
    grant(['Acct-Interim-Interval', 60]);
    await c.ok(apiLogin('V1', 'x'));
    await pass(60);
    expect(aaa.statuses()).toEqual(['Start', 'Stop', 'Start']);
    await pass(60);
    expect(aaa.statuses()).toEqual(['Start', 'Stop', 'Start', 'Interim-Update']);
  });
});

describe('Stop', () => {
  it('at a logout over the API: Admin-Reset, the session time and its bytes with their gigawords', async () => {
    await c.ok(apiLogin('V1', 'x'));
    sim.addTraffic(MAC, { up: 5 * 2 ** 32 + 7, down: 2 ** 32 - 1 });
    now += 125_000;
    await c.ok(['/ip/hotspot/active/remove', '=numbers=*1']);
    await sim.radiusSettled();
    expect(aaa.statuses()).toEqual(['Start', 'Stop']);
    expect(last()).toMatchObject({
      'Acct-Terminate-Cause': 'Admin-Reset',
      'Acct-Session-Time': 125,
      'Acct-Input-Octets': 7,
      'Acct-Input-Gigawords': 5,
      'Acct-Output-Octets': 2 ** 32 - 1,
      'Acct-Output-Gigawords': 0,
    });
  });

  it('Session-Timeout reached: the session ends on the clock, Stop says Session-Timeout', async () => {
    grant(['Session-Timeout', 600]);
    await c.ok(apiLogin('V1', 'x'));
    await pass(599);
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    await pass(1);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(last()).toMatchObject({ 'Acct-Terminate-Cause': 'Session-Timeout', 'Acct-Session-Time': 600 });
    expect(sim.rows('/log').map((l) => l.message)).toContain(`V1 (${IP}): logged out: session timeout`);
  });

  it('Mikrotik-Total-Limit used up: the session ends as it reaches it', async () => {
    grant(['Mikrotik-Total-Limit', 10_000]);
    await c.ok(apiLogin('V1', 'x'));
    sim.addTraffic(MAC, { up: 1000, down: 8000 });
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    sim.addTraffic(MAC, { up: 0, down: 1000 });
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    await sim.radiusSettled();
    expect(last()).toMatchObject({
      'Acct-Terminate-Cause': 'Session-Timeout',
      'Acct-Input-Octets': 1000,
      'Acct-Output-Octets': 9000,
    });
    expect(sim.rows('/log').map((l) => l.message)).toContain(`V1 (${IP}): logged out: traffic limit reached`);
  });

  it('Idle-Timeout: no traffic for that long ends the session', async () => {
    grant(['Idle-Timeout', 300]);
    await c.ok(apiLogin('V1', 'x'));
    await pass(200);
    sim.addTraffic(MAC, { up: 10, down: 10 });
    await pass(299);
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    await pass(1);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(last()).toMatchObject({ 'Acct-Terminate-Cause': 'Idle-Timeout' });
  });

  it('the device leaving the network: Lost-Carrier; a reboot: Admin-Reboot', async () => {
    await c.ok(apiLogin('V1', 'x'));
    sim.removeDevice(MAC);
    await sim.radiusSettled();
    expect(last()).toMatchObject({ 'Acct-Terminate-Cause': 'Lost-Carrier' });
    sim.addDevice({ mac: MAC, ip: IP });
    await c.ok(apiLogin('V1', 'x'));
    await sim.reboot();
    await sim.radiusSettled();
    expect(last()).toMatchObject({ 'Acct-Terminate-Cause': 'Admin-Reboot' });
    c = await RawClient.login(sim.port);
  });
});

describe('which sessions are accounted, and where', () => {
  it('radius-accounting=no: logins through RADIUS, no accounting', async () => {
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=radius-accounting=no']);
    await c.ok(apiLogin('V1', 'x'));
    await c.ok(['/ip/hotspot/active/remove', '=numbers=*1']);
    await sim.radiusSettled();
    expect(aaa.accounting()).toEqual([]);
  });

  it("a local user's session on a use-radius profile is accounted too", async () => {
    await c.ok(['/ip/hotspot/user/add', '=name=staff', '=password=p']);
    await c.ok(apiLogin('staff', 'p'));
    await c.ok(['/ip/hotspot/active/remove', '=numbers=*1']);
    await sim.radiusSettled();
    expect(aaa.accessRequests()).toEqual([]);
    expect(aaa.statuses()).toEqual(['Start', 'Stop']);
    expect(last()['User-Name']).toBe('staff');
  });

  it('an unanswered request is resent, then goes to the next entry', async () => {
    const second = await FakeAaa.start();
    try {
      await c.ok(['/radius/set', '=numbers=*1', '=accounting-port=9']); // nothing listens there
      await c.ok([
        '/radius/add',
        '=service=hotspot',
        '=address=127.0.0.1',
        `=secret=${SECRET}`,
        '=timeout=100ms',
        `=authentication-port=${second.authPort}`,
        `=accounting-port=${second.acctPort}`,
      ]);
      await c.ok(apiLogin('V1', 'x'));
      await sim.radiusSettled();
      expect(second.statuses()).toEqual(['Start']);
      expect(sim.rows('/radius')).toHaveLength(2);
    } finally {
      await second.close();
    }
  });
});
