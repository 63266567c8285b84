/**
 * classifyLoginRefusal (src/router/login-refusals.ts): real texts, the simulator's older texts, look-alikes
 * that must stay `other`; and every refusal the simulator sends today classifies as what it means.
 */
import { classifyLoginRefusal, type LoginRefusal } from '../../src/router/login-refusals';
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

describe('classifyLoginRefusal', () => {
  it.each<[string, LoginRefusal]>([
    // What a router answers (and the simulator now sends).
    ['invalid username or password', 'bad-credentials'],
    ['unknown host IP 10.5.50.11', 'unknown-host'],
    ['wrong MAC provided', 'wrong-mac'],
    ['user 12345678 has reached uptime limit', 'uptime-limit'],
    ['user 12345678 has reached traffic limit', 'traffic-limit'],
    ['no more sessions are allowed for user 12345678', 'too-many-sessions'],
    ['user 12345678 is not allowed to log in from this MAC address', 'mac-not-allowed'],
    ['invalid username (02:50:00:00:00:01): this MAC address is not yours', 'mac-not-allowed'],
    // User names with spaces or odd characters.
    ['user Juan dela Cruz has reached uptime limit', 'uptime-limit'],
    ['no more sessions are allowed for user a.b-c_d', 'too-many-sessions'],
    // The simulator's texts before it spoke like the hotspot.
    ['uptime limit reached', 'uptime-limit'],
    ['traffic limit reached', 'traffic-limit'],
    ['no more sessions are allowed for user', 'too-many-sessions'],
    ['your MAC address is not allowed', 'mac-not-allowed'],
    ['user is disabled', 'bad-credentials'],
    ['no hotspot server for this address', 'unknown-host'],
    // Spelling noise a router or a wrapper may add.
    ['  Invalid Username or Password ', 'bad-credentials'],
    ['failure: user 1 has reached  traffic limit.', 'traffic-limit'],
  ])('%j → %s', (message, kind) => {
    expect(classifyLoginRefusal(message)).toBe(kind);
  });

  it('a device logged in already is told apart, so the login can look at its session', () => {
    expect(classifyLoginRefusal('already authorized')).toBe('already-logged-in');
  });

  it.each([
    // The controller's own API account, not a customer's code.
    'invalid user name or password (6)',
    'cannot log in',
    // The licence's session cap is not a used-up code, whatever a loose /limit reached/ thinks.
    'session limit reached (license)',
    'host is blocked',
    'already authorizing, retry later',
    'invalid value for argument ip',
    'invalid value of mac-address, mac address required',
    'RADIUS server is not responding',
    'unknown host IP',
    'user 1 has reached uptime limit; also something else',
    '',
  ])('%j → other', (message) => {
    expect(classifyLoginRefusal(message)).toBe('other');
  });
});

describe('the simulator and the classifier agree', () => {
  const MAC = '02:50:00:00:00:01';
  let sim: RouterSimulator;
  let c: RawClient;
  let now = Date.UTC(2026, 0, 1);

  beforeEach(async () => {
    sim = new RouterSimulator({ clock: () => now });
    c = await RawClient.login((await sim.start()).port);
    sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
  });

  afterEach(async () => {
    await c.close();
    await sim.stop();
  });

  async function send(words: string[]): Promise<string | null> {
    const reply = await c.command(words);
    const trap = reply.find((s) => s[0] === '!trap');
    return trap ? attrs(trap).message : null;
  }

  const login = (user: string, ip = '10.5.50.11', mac = MAC): string[] => [
    '/ip/hotspot/active/login',
    `=user=${user}`,
    `=password=${user}`,
    `=ip=${ip}`,
    `=mac-address=${mac}`,
  ];

  async function refusedAs(words: string[]): Promise<LoginRefusal> {
    const message = await send(words);
    if (message === null) throw new Error(`not refused: ${words.join(' ')}`);
    return classifyLoginRefusal(message);
  }

  it('every refusal that means something classifies as that', async () => {
    await send(['/ip/hotspot/user/add', '=name=u1', '=password=u1', '=limit-uptime=1m']);
    await send(['/ip/hotspot/user/add', '=name=u2', '=password=u2', '=limit-bytes-out=100']);
    await send(['/ip/hotspot/user/add', '=name=u3', '=password=u3', '=mac-address=02:50:00:00:00:09']);
    expect(await refusedAs(login('nobody'))).toBe('bad-credentials');
    expect(await refusedAs(login('u1', '10.5.50.99'))).toBe('unknown-host');
    expect(await refusedAs(login('u1', '10.5.50.11', '02:50:00:00:00:02'))).toBe('wrong-mac');
    expect(await refusedAs(login('u3'))).toBe('mac-not-allowed');
    expect(await send(login('u1'))).toBeNull();
    now += 60_000;
    sim.tick(60);
    expect(await refusedAs(login('u1'))).toBe('uptime-limit');
    expect(await send(login('u2'))).toBeNull();
    sim.addTraffic(MAC, { up: 0, down: 100 });
    expect(await refusedAs(login('u2'))).toBe('traffic-limit');
    sim.addDevice({ mac: '02:50:00:00:00:02', ip: '10.5.50.12' });
    await send(['/ip/hotspot/user/add', '=name=u4', '=password=u4']);
    expect(await send(login('u4'))).toBeNull();
    expect(await refusedAs(login('u4', '10.5.50.12', '02:50:00:00:00:02'))).toBe('too-many-sessions');
  });
});
