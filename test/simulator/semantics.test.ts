/** RouterOS semantics through the API: hotspot sessions, first-match traffic, reboot, persistence. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

const MAC = '02:50:00:00:00:01';
let now: number;
let sim: RouterSimulator;
let c: RawClient;
const clock = (): number => now;

const ok = (words: string[]): Promise<string[][]> => c.ok(words);

async function trapOf(words: string[]): Promise<string> {
  const reply = await c.command(words);
  const trap = reply.find((s) => s[0] === '!trap');
  if (!trap) throw new Error(`expected a trap for ${words[0]}`);
  return attrs(trap).message;
}

async function advance(seconds: number): Promise<void> {
  now += seconds * 1000;
  sim.tick(seconds);
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  sim = new RouterSimulator({ clock });
  c = await RawClient.login((await sim.start()).port);
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

const login = (user: string, pass: string, ip: string, mac: string): string[] => [
  '/ip/hotspot/active/login',
  `=user=${user}`,
  `=password=${pass}`,
  `=ip=${ip}`,
  `=mac-address=${mac}`,
];

describe('hotspot', () => {
  beforeEach(async () => {
    await ok(['/ip/hotspot/user/profile/add', '=name=5peso', '=rate-limit=512k/2M', '=shared-users=1']);
    await ok(['/ip/hotspot/user/add', '=name=V1', '=password=123', '=profile=5peso', '=limit-uptime=30m']);
    sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
  });

  it('has the default server and profile', () => {
    expect(sim.rows('/ip/hotspot')[0]).toMatchObject({
      name: 'hotspot1',
      interface: 'bridge-hotspot',
      profile: 'hsprof1',
    });
    expect(sim.rows('/ip/hotspot/user/profile')[0]).toMatchObject({ name: 'default', 'shared-users': '1' });
    expect(sim.rows('/ip/hotspot/host')[0]).toMatchObject({
      'mac-address': MAC,
      address: '10.5.50.11',
      authorized: 'false',
    });
  });

  it('login authorizes the host and adds a dynamic queue; logout adds time and bytes to the user', async () => {
    await ok(login('V1', '123', '10.5.50.11', MAC));
    expect(sim.rows('/ip/hotspot/host')[0].authorized).toBe('true');
    const [queue] = sim.rows('/queue/simple');
    expect(queue).toMatchObject({
      name: '<hotspot-V1>',
      target: '10.5.50.11/32',
      'max-limit': '512000/2000000',
      dynamic: 'true',
    });
    await advance(90);
    expect(sim.addTraffic(MAC, { up: 1000, down: 5000 })).toEqual({ up: 1000, down: 5000 });
    const [active] = sim.rows('/ip/hotspot/active');
    expect(active).toMatchObject({
      user: 'V1',
      address: '10.5.50.11',
      uptime: '1m30s',
      'session-time-left': '28m30s',
      'bytes-in': '1000',
      'bytes-out': '5000',
    });
    await ok(['/ip/hotspot/active/remove', `=.id=${active['.id']}`]);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(sim.rows('/queue/simple')).toEqual([]);
    expect(sim.rows('/ip/hotspot/user')[0]).toMatchObject({
      uptime: '1m30s',
      'bytes-in': '1000',
      'bytes-out': '5000',
      'limit-uptime': '30m',
    });
  });

  it('ends the session when limit-uptime is reached and refuses a new login', async () => {
    await ok(login('V1', '123', '10.5.50.11', MAC));
    await advance(29 * 60);
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(1);
    await advance(60);
    expect(sim.rows('/ip/hotspot/active')).toHaveLength(0);
    expect(sim.rows('/ip/hotspot/user')[0].uptime).toBe('30m');
    expect(await trapOf(login('V1', '123', '10.5.50.11', MAC))).toBe('user V1 has reached uptime limit');
  });
});

describe('queues', () => {
  beforeEach(() => sim.addDevice({ mac: MAC, ip: '10.5.50.11' }));

  it('traffic counts on the first matching enabled queue and is capped by its max-limit', async () => {
    await ok(['/queue/simple/add', '=name=all', '=target=10.5.50.0/24', '=max-limit=8M/8M']);
    await ok(['/queue/simple/add', '=name=pc', '=target=10.5.50.11', '=max-limit=80k/160k']);
    sim.addTraffic(MAC, { up: 100_000, down: 100_000 });
    expect(sim.rows('/queue/simple').map((q) => q.bytes)).toEqual(['100000/100000', '0/0']);
    await ok(['/queue/simple/move', '=numbers=pc', '=destination=all']);
    expect(sim.addTraffic(MAC, { up: 100_000, down: 100_000 }, 1)).toEqual({ up: 10_000, down: 20_000 });
    const pc = sim.rows('/queue/simple')[0];
    expect(pc).toMatchObject({
      name: 'pc',
      bytes: '10000/20000',
      rate: '80000/160000',
      'total-bytes': '30000',
    });
    await advance(1);
    await advance(1);
    expect(sim.rows('/queue/simple')[0].rate).toBe('0/0');
    await ok(['/queue/simple/disable', '=numbers=pc']);
    sim.addTraffic(MAC, { up: 1, down: 1 });
    expect(sim.rows('/queue/simple')[1].bytes).toBe('100001/100001');
    expect(sim.rows('/ip/hotspot/host')[0]['bytes-out']).toBe(String(100_000 + 20_000 + 1));
  });

  it('place-before, comma lists and reset-counters', async () => {
    await ok(['/queue/simple/add', '=name=a']);
    await ok(['/queue/simple/add', '=name=b']);
    await ok(['/queue/simple/add', '=name=c', '=place-before=a', '=target=10.5.50.11']);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['c', 'a', 'b']);
    await ok(['/queue/simple/move', '=numbers=a,b', '=destination=c']);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['a', 'b', 'c']);
    sim.addTraffic(MAC, { up: 10, down: 10 });
    await ok(['/queue/simple/reset-counters', '=numbers=c']);
    expect(sim.rows('/queue/simple')[2].bytes).toBe('0/0');
    expect(await trapOf(['/queue/simple/remove', '=numbers=a,zz'])).toBe('no such item');
    expect(sim.rows('/queue/simple')).toHaveLength(3);
  });

  it('handles 10,000 pipelined adds and a print of all of them', async () => {
    for (let i = 0; i < 10_000; i++)
      c.send(['/queue/simple/add', `=name=q${i}`, `=target=10.6.${i >> 8}.${i & 255}`, `.tag=${i}`]);
    let last: string[] = [];
    for (let i = 0; i < 10_000; i++) last = await c.next();
    expect(last).toEqual(['!done', '.tag=9999', `=ret=*${(10_000).toString(16).toUpperCase()}`]);
    const reply = await c.command(['/queue/simple/print', '=.proplist=.id,name']);
    expect(reply).toHaveLength(10_001);
    expect(reply[9_999]).toEqual(['!re', '=.id=*2710', '=name=q9999']);
  });
});

describe('reboot and persistence', () => {
  it('reboot drops connections, sessions, dynamic queues and counters but keeps config and ids', async () => {
    await ok(['/ip/hotspot/user/profile/set', '=numbers=default', '=rate-limit=1M/1M']);
    await ok(['/ip/hotspot/user/add', '=name=u', '=password=p']);
    await ok(['/queue/simple/add', '=name=static', '=target=10.5.50.0/24']);
    sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
    await ok(login('u', 'p', '10.5.50.11', MAC));
    await ok(['/queue/simple/move', '=numbers=static']);
    expect(await trapOf(['/queue/simple/disable', '=numbers=<hotspot-u>'])).toBe(
      'failure: can not change dynamic queue',
    );
    sim.addTraffic(MAC, { up: 500, down: 500 });
    await sim.reboot();
    await c.ended;
    c = await RawClient.login(sim.port);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(sim.rows('/queue/simple')).toEqual([
      expect.objectContaining({ '.id': '*1', name: 'static', bytes: '0/0' }),
    ]);
    expect(sim.rows('/ip/hotspot/user/profile')[0]['rate-limit']).toBe('1M/1M');
    expect(attrs((await ok(['/queue/simple/add', '=name=next']))[0]).ret).toBe('*3');
  });

  it('round-trips config through the state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'routersim-'));
    const file = join(dir, 'state.json');
    try {
      const a = new RouterSimulator({ stateFile: file, clock });
      const d = await RawClient.login((await a.start()).port);
      await d.command(['/system/identity/set', '=name=Shop']);
      await d.command(['/queue/simple/add', '=name=q1', '=target=10.5.50.10', '=max-limit=1M']);
      await d.command(['/queue/simple/add', '=name=q2']);
      await d.command(['/queue/simple/remove', '=numbers=q2']);
      await d.command(['/ip/hotspot/user/add', '=name=v', '=password=p', '=comment=é']);
      a.addDevice({ mac: MAC, ip: '10.5.50.10' });
      a.addTraffic(MAC, { up: 100, down: 100 });
      await d.close();
      await a.stop();
      expect(JSON.parse(readFileSync(file, 'utf8')).identity).toBe('Shop');
      const b = new RouterSimulator({ stateFile: file, clock });
      expect(b.rows('/system/identity')).toEqual([{ name: 'Shop' }]);
      expect(b.rows('/queue/simple')).toEqual([
        expect.objectContaining({ '.id': '*1', name: 'q1', 'max-limit': '1000000/1000000', bytes: '0/0' }),
      ]);
      expect(b.rows('/ip/hotspot/user')[0]).toMatchObject({ name: 'v', comment: 'é' });
      const e = await RawClient.login((await b.start()).port);
      expect(attrs((await e.command(['/queue/simple/add', '=name=q3']))[0]).ret).toBe('*3');
      await e.close();
      await b.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
