/**
 * `/ip/hotspot/active/login` is as strict as a real hotspot: only devices in the host list, with their own
 * MAC, and every account check refused with its own text. A login never adds a host.
 */
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

const MAC = '02:50:00:00:00:01';
const MAC2 = '02:50:00:00:00:02';
let now: number;
let sim: RouterSimulator;
let c: RawClient;
const clock = (): number => now;

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  sim = new RouterSimulator({ clock });
  c = await RawClient.login((await sim.start()).port);
  await ok(['/ip/hotspot/user/profile/add', '=name=5peso', '=shared-users=1']);
  await ok(['/ip/hotspot/user/add', '=name=V1', '=password=123', '=profile=5peso']);
  sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

const ok = (words: string[]): Promise<string[][]> => c.ok(words);

const login = (user: string, pass: string, ip: string | null, mac: string | null): string[] => [
  '/ip/hotspot/active/login',
  `=user=${user}`,
  `=password=${pass}`,
  ...(ip === null ? [] : [`=ip=${ip}`]),
  ...(mac === null ? [] : [`=mac-address=${mac}`]),
];

/** The refusal's whole reply: one trap without a category, then done. */
async function refusal(words: string[]): Promise<string> {
  const reply = await c.command(words);
  expect(reply.map((s) => s[0])).toEqual(['!trap', '!done']);
  return attrs(reply[0]).message;
}

describe('the device must be a host the hotspot sees', () => {
  it('an IP that is not in /ip/hotspot/host: unknown host IP, and no host is created', async () => {
    expect(await refusal(login('V1', '123', '10.5.50.99', '02:50:00:00:00:63'))).toBe(
      'unknown host IP 10.5.50.99',
    );
    expect(sim.rows('/ip/hotspot/host').map((h) => h.address)).toEqual(['10.5.50.11']);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
  });

  it('a known IP with another MAC: wrong MAC provided, and the host keeps its MAC', async () => {
    expect(await refusal(login('V1', '123', '10.5.50.11', MAC2))).toBe('wrong MAC provided');
    expect(sim.rows('/ip/hotspot/host')).toEqual([
      expect.objectContaining({ 'mac-address': MAC, address: '10.5.50.11', authorized: 'false' }),
    ]);
  });

  it('a known MAC at an IP the host does not have is not moved there', async () => {
    expect(await refusal(login('V1', '123', '10.5.50.12', MAC))).toBe('unknown host IP 10.5.50.12');
    expect(sim.rows('/ip/hotspot/host')[0].address).toBe('10.5.50.11');
  });

  it('mac-address and ip are required and must parse', async () => {
    expect(await refusal(login('V1', '123', '10.5.50.11', null))).toBe(
      'invalid value of mac-address, mac address required',
    );
    expect(await refusal(login('V1', '123', null, MAC))).toBe('invalid value for argument ip');
    expect(await refusal(login('V1', '123', '10.5.50', MAC))).toBe('invalid value for argument ip');
    expect(await refusal(login('V1', '123', '10.5.50.11', '02:50:00'))).toBe(
      'invalid value for argument mac-address',
    );
  });
});

describe('credentials', () => {
  it('a wrong password, an unknown user, a disabled user: invalid username or password', async () => {
    expect(await refusal(login('V1', 'bad', '10.5.50.11', MAC))).toBe('invalid username or password');
    expect(await refusal(login('nobody', '123', '10.5.50.11', MAC))).toBe('invalid username or password');
    await ok(['/ip/hotspot/user/disable', '=numbers=V1']);
    expect(await refusal(login('V1', '123', '10.5.50.11', MAC))).toBe('invalid username or password');
    await ok(['/ip/hotspot/user/enable', '=numbers=V1']);
    await ok(login('V1', '123', '10.5.50.11', MAC));
  });

  it('a user tied to another server: invalid username or password', async () => {
    await ok(['/ip/hotspot/add', '=name=hotspot2', '=interface=ether2']);
    await ok(['/ip/hotspot/user/set', '=numbers=V1', '=server=hotspot2']);
    expect(await refusal(login('V1', '123', '10.5.50.11', MAC))).toBe('invalid username or password');
  });
});

describe('account checks, worded like the hotspot error page', () => {
  it('a user bound to another MAC', async () => {
    await ok(['/ip/hotspot/user/set', '=numbers=V1', `=mac-address=${MAC2}`]);
    expect(await refusal(login('V1', '123', '10.5.50.11', MAC))).toBe(
      'user V1 is not allowed to log in from this MAC address',
    );
    await ok(['/ip/hotspot/user/set', '=numbers=V1', '=mac-address=00:00:00:00:00:00']);
    await ok(login('V1', '123', '10.5.50.11', MAC));
  });

  it('uptime limit used up', async () => {
    await ok(['/ip/hotspot/user/set', '=numbers=V1', '=limit-uptime=1m']);
    await ok(login('V1', '123', '10.5.50.11', MAC));
    now += 60_000;
    sim.tick(60);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(await refusal(login('V1', '123', '10.5.50.11', MAC))).toBe('user V1 has reached uptime limit');
  });

  it('traffic limit used up', async () => {
    await ok(['/ip/hotspot/user/set', '=numbers=V1', '=limit-bytes-total=1000']);
    await ok(login('V1', '123', '10.5.50.11', MAC));
    sim.addTraffic(MAC, { up: 400, down: 600 });
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(await refusal(login('V1', '123', '10.5.50.11', MAC))).toBe('user V1 has reached traffic limit');
  });

  it('shared-users reached', async () => {
    sim.addDevice({ mac: MAC2, ip: '10.5.50.12' });
    await ok(login('V1', '123', '10.5.50.11', MAC));
    expect(await refusal(login('V1', '123', '10.5.50.12', MAC2))).toBe(
      'no more sessions are allowed for user V1',
    );
    await ok(['/ip/hotspot/user/profile/set', '=numbers=5peso', '=shared-users=2']);
    await ok(login('V1', '123', '10.5.50.12', MAC2));
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(2);
  });

  it('a successful login answers a bare !done and authorizes the host it found', async () => {
    expect(await c.command(login('V1', '123', '10.5.50.11', MAC))).toEqual([['!done']]);
    expect(sim.rows('/ip/hotspot/host')).toEqual([
      expect.objectContaining({ 'mac-address': MAC, authorized: 'true' }),
    ]);
    expect(sim.rows('/ip/hotspot/active')[0]).toMatchObject({ user: 'V1', address: '10.5.50.11' });
  });
});
