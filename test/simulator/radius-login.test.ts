/**
 * A hotspot login on a server whose profile has use-radius: local users first, then an Access-Request to each
 * `/radius` entry for the hotspot in turn; an Access-Accept makes the session from what it grants.
 */
import dgram from 'node:dgram';
import { decodeRequest, encodeResponse } from '../../src/radius/packet';
import { RouterSimulator } from '../../src/simulator';
import { apiLogin, attrsOf, FakeAaa, IP, MAC, radiusRouter, SECRET } from './fake-aaa';
import { attrs, RawClient } from './raw-client';

let aaa: FakeAaa;
let sim: RouterSimulator;
let c: RawClient;
let now: number;

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1, 8);
  aaa = await FakeAaa.start();
  ({ sim, c } = await radiusRouter(aaa, { clock: () => now, identity: 'shop-1' }));
});

afterEach(async () => {
  await c.close();
  await sim.stop();
  await aaa.close();
});

async function refusal(words: string[]): Promise<string> {
  const reply = await c.command(words);
  expect(reply.map((s) => s[0])).toEqual(['!trap', '!done']);
  return attrs(reply[0]).message;
}

describe('the Access-Request', () => {
  it('is PAP with what the router knows of the device and itself', async () => {
    await c.ok(apiLogin('V1', 'pin-123'));
    const [req] = aaa.accessRequests();
    expect(attrsOf(req)).toMatchObject({
      'User-Name': 'V1',
      'User-Password': 'pin-123',
      'Calling-Station-Id': MAC,
      'Called-Station-Id': 'hotspot1',
      'Framed-IP-Address': IP,
      'NAS-IP-Address': '127.0.0.1',
      'NAS-Identifier': 'shop-1',
      'NAS-Port-Type': 'Wireless-802.11',
      'Service-Type': 'Login-User',
      'NAS-Port-Id': 'bridge-hotspot',
    });
    // require-message-auth=yes-for-request-resp: the request is signed.
    expect(attrsOf(req)['Message-Authenticator']).toBeInstanceOf(Buffer);
    const id = String(attrsOf(req)['Acct-Session-Id']);
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    expect(attrsOf(req)['NAS-Port']).toBe(parseInt(id, 16));
  });

  it('formats the MAC as the profile says, and names the src-address as the NAS', async () => {
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=radius-mac-format=XXXXXXXXXXXX']);
    await c.ok(['/radius/set', '=numbers=*1', '=src-address=10.5.50.1', '=require-message-auth=no']);
    await c.ok(apiLogin('V1', 'x'));
    const [req] = aaa.accessRequests();
    expect(attrsOf(req)).toMatchObject({
      'Calling-Station-Id': '025000000001',
      'NAS-IP-Address': '10.5.50.1',
    });
    expect(attrsOf(req)['Message-Authenticator']).toBeUndefined();
  });
});

describe('an Access-Accept', () => {
  it('makes a session like a local login, with radius=true, and the log says so', async () => {
    await c.ok(apiLogin('V1', 'x'));
    expect(sim.rows('/ip/hotspot/active')).toEqual([
      expect.objectContaining({ user: 'V1', address: IP, 'mac-address': MAC, radius: 'true' }),
    ]);
    expect(sim.rows('/ip/hotspot/host')[0].authorized).toBe('true');
    expect(sim.rows('/log').map((l) => l.message)).toContain(`V1 (${IP}): logged in`);
  });

  it('grants a rate limit (a dynamic queue), a session timeout, an idle timeout and a byte limit', async () => {
    aaa.auth = () => ({
      code: 'Access-Accept',
      attributes: [
        ['Mikrotik-Rate-Limit', '512k/2M'],
        ['Session-Timeout', 3600],
        ['Idle-Timeout', 300],
        ['Mikrotik-Total-Limit', 1000],
        ['Mikrotik-Total-Limit-Gigawords', 1],
      ],
    });
    await c.ok(apiLogin('V1', 'x'));
    expect(sim.rows('/queue/simple')).toEqual([
      expect.objectContaining({
        name: '<hotspot-V1>',
        target: `${IP}/32`,
        'max-limit': '512000/2000000',
        dynamic: 'true',
      }),
    ]);
    expect(sim.rows('/ip/hotspot/active')[0]).toMatchObject({
      'session-time-left': '1h',
      'idle-timeout': '5m',
      'limit-bytes-total': String(2 ** 32 + 1000),
    });
    now += 600_000;
    expect(sim.rows('/ip/hotspot/active')[0]['session-time-left']).toBe('50m');
  });

  it('Mikrotik-Group picks the hotspot user profile when the router has it, else default', async () => {
    await c.ok(['/ip/hotspot/user/profile/add', '=name=5peso', '=rate-limit=1M/3M', '=session-timeout=2h']);
    aaa.auth = (req) => ({
      code: 'Access-Accept',
      attributes: [['Mikrotik-Group', attrsOf(req)['User-Name'] === 'V1' ? '5peso' : 'nosuch']],
    });
    await c.ok(apiLogin('V1', 'x'));
    // The profile's own rate and session timeout apply where the server granted none.
    expect(sim.rows('/queue/simple')[0]['max-limit']).toBe('1000000/3000000');
    expect(sim.rows('/ip/hotspot/active')[0]['session-time-left']).toBe('2h');
    await c.ok(['/ip/hotspot/active/remove', '=numbers=*1']);
    await c.ok(apiLogin('V2', 'x'));
    expect(sim.rows('/queue/simple')).toEqual([]);
    expect(sim.rows('/ip/hotspot/active')[0]).not.toHaveProperty('session-time-left');
  });

  it("the profile's shared-users counts RADIUS sessions of the same name", async () => {
    sim.addDevice({ mac: '02:50:00:00:00:02', ip: '10.5.50.12' });
    await c.ok(apiLogin('V1', 'x'));
    expect(await refusal(apiLogin('V1', 'x', '10.5.50.12', '02:50:00:00:00:02'))).toBe(
      'no more sessions are allowed for user V1',
    );
  });

  it('a device logged in already is refused without asking', async () => {
    await c.ok(apiLogin('V1', 'x'));
    expect(await refusal(apiLogin('V2', 'x'))).toBe('already authorized');
    expect(aaa.accessRequests()).toHaveLength(1);
  });
});

describe('refusals', () => {
  it('an Access-Reject: its Reply-Message, else invalid username or password; both logged', async () => {
    aaa.auth = (req) => ({
      code: 'Access-Reject',
      attributes: attrsOf(req)['User-Name'] === 'V1' ? [['Reply-Message', 'voucher used up']] : [],
    });
    expect(await refusal(apiLogin('V1', 'x'))).toBe('voucher used up');
    expect(await refusal(apiLogin('V2', 'x'))).toBe('invalid username or password');
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(sim.rows('/log').map((l) => l.message)).toEqual(
      expect.arrayContaining([
        `V1 (${IP}): login failed: voucher used up`,
        `V2 (${IP}): login failed: invalid username or password`,
      ]),
    );
  });

  it('no server answering: RADIUS server is not responding, after the tries', async () => {
    aaa.auth = () => undefined;
    const started = Date.now();
    expect(await refusal(apiLogin('V1', 'x'))).toBe('RADIUS server is not responding');
    // Three tries of 100 ms each.
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect(aaa.accessRequests().length).toBeGreaterThanOrEqual(1);
    const [mon] = await c.ok(['/radius/monitor', '=numbers=*1', '=once=']);
    expect(attrs(mon)).toMatchObject({ requests: '1', timeouts: '1', resends: '2', pending: '0' });
  });

  it('no /radius entry for the hotspot at all: not responding either', async () => {
    await c.ok(['/radius/set', '=numbers=*1', '=service=ppp']);
    expect(await refusal(apiLogin('V1', 'x'))).toBe('RADIUS server is not responding');
    await c.ok(['/radius/set', '=numbers=*1', '=service=hotspot', '=disabled=yes']);
    expect(await refusal(apiLogin('V1', 'x'))).toBe('RADIUS server is not responding');
    expect(aaa.accessRequests()).toEqual([]);
  });

  it('the device must be a host the hotspot sees, as for a local login', async () => {
    expect(await refusal(apiLogin('V1', 'x', '10.5.50.99', '02:50:00:00:00:63'))).toBe(
      'unknown host IP 10.5.50.99',
    );
    expect(aaa.accessRequests()).toEqual([]);
  });

  it('a second login of the device while its request is out: already authorizing, retry later', async () => {
    aaa.auth = () => undefined;
    await c.ok(['/radius/set', '=numbers=*1', '=timeout=400ms']);
    const d = await RawClient.login(sim.port);
    const first = c.command(apiLogin('V1', 'x'));
    await new Promise((r) => setTimeout(r, 100));
    const second = await d.command(apiLogin('V1', 'x'));
    expect(attrs(second[0]).message).toBe('already authorizing, retry later');
    expect(attrs((await first)[0]).message).toBe('RADIUS server is not responding');
    await d.close();
  });
});

describe('which server answers', () => {
  it('a local user with the name is tried first, and RADIUS is not asked', async () => {
    await c.ok(['/ip/hotspot/user/add', '=name=V1', '=password=local']);
    expect(await refusal(apiLogin('V1', 'wrong'))).toBe('invalid username or password');
    await c.ok(apiLogin('V1', 'local'));
    expect(sim.rows('/ip/hotspot/active')[0].radius).toBe('false');
    expect(aaa.accessRequests()).toEqual([]);
  });

  it('without use-radius only the local users count', async () => {
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=use-radius=no']);
    expect(await refusal(apiLogin('V1', 'x'))).toBe('invalid username or password');
    expect(aaa.requests).toEqual([]);
  });

  it('an entry that does not answer is followed by the next one', async () => {
    const second = await FakeAaa.start();
    try {
      await c.ok(['/radius/set', '=numbers=*1', '=authentication-port=9']); // nothing listens there
      await c.ok([
        '/radius/add',
        '=service=hotspot',
        '=address=127.0.0.1',
        `=secret=${SECRET}`,
        `=authentication-port=${second.authPort}`,
        `=accounting-port=${second.acctPort}`,
      ]);
      await c.ok(apiLogin('V1', 'x'));
      expect(second.accessRequests()).toHaveLength(1);
      expect(sim.rows('/ip/hotspot/active')[0].radius).toBe('true');
    } finally {
      await second.close();
    }
  });

  it('another secret: the server cannot verify the request and drops it, so nobody answers', async () => {
    await c.ok(['/radius/set', '=numbers=*1', '=secret=other']);
    expect(await refusal(apiLogin('V1', 'x'))).toBe('RADIUS server is not responding');
  });
});

describe('require-message-auth', () => {
  /** A server that answers every Access-Request with an Access-Accept that has no Message-Authenticator. */
  async function unsignedServer(): Promise<{ port: number; close(): Promise<void> }> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      const req = decodeRequest(msg, SECRET);
      const reply = encodeResponse('Access-Accept', req, [], SECRET, { messageAuthenticator: false });
      socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    return {
      port: socket.address().port,
      close: () => new Promise((resolve) => socket.close(() => resolve())),
    };
  }

  it('yes-for-request-resp (the default): an Accept without Message-Authenticator does not count', async () => {
    const server = await unsignedServer();
    try {
      await c.ok(['/radius/set', '=numbers=*1', `=authentication-port=${server.port}`]);
      expect(await refusal(apiLogin('V1', 'x'))).toBe('RADIUS server is not responding');
      const [mon] = await c.ok(['/radius/monitor', '=numbers=*1', '=once=']);
      expect(Number(attrs(mon)['bad-replies'])).toBeGreaterThanOrEqual(1);
      await c.ok(['/radius/set', '=numbers=*1', '=require-message-auth=no']);
      await c.ok(apiLogin('V1', 'x'));
      expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
