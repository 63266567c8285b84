/**
 * A hotspot session takes its user's limits at login, as RouterOS does: `limit-bytes-total` and `limit-uptime`
 * minus what the user's ended sessions used then. A change to the user while the session runs reaches it only at
 * its next login. And simple queues stay a tree: no parent loop, no removal of a queue other queues hang from.
 */
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

const MAC = '02:51:00:00:00:01';
const IP = '10.5.50.21';
const MB = 1_000_000;
let now: number;
let sim: RouterSimulator;
let c: RawClient;

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  sim = new RouterSimulator({ clock: () => now });
  c = await RawClient.login((await sim.start()).port);
  await c.ok(['/ip/hotspot/user/profile/add', '=name=plan', '=shared-users=1']);
  await c.ok([
    '/ip/hotspot/user/add',
    '=name=V1',
    '=password=V1',
    '=profile=plan',
    `=limit-bytes-total=${10 * MB}`,
    '=limit-uptime=1h',
  ]);
  sim.addDevice({ mac: MAC, ip: IP });
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

const login = () =>
  c.ok(['/ip/hotspot/active/login', '=user=V1', '=password=V1', `=ip=${IP}`, `=mac-address=${MAC}`]);
const session = () => sim.rows('/ip/hotspot/active').find((a) => a['mac-address'] === MAC);
const userId = () => sim.rows('/ip/hotspot/user').find((u) => u.name === 'V1')!['.id'];

async function refusal(words: string[]): Promise<string> {
  const reply = await c.command(words);
  expect(reply.map((s) => s[0])).toEqual(['!trap', '!done']);
  return attrs(reply[0]).message;
}

describe('a session keeps the limits it took at login', () => {
  it('a byte limit raised while online does not reach the session: it is cut at the old one', async () => {
    await login();
    expect(session()).toMatchObject({ 'limit-bytes-total': String(10 * MB) });
    await c.ok(['/ip/hotspot/user/set', `=.id=${userId()}`, `=limit-bytes-total=${20 * MB}`]);
    const moved = sim.addTraffic(MAC, { up: 0, down: 15 * MB }, 10);
    expect(moved.down).toBe(10 * MB);
    sim.tick(1);
    expect(session()).toBeUndefined();
    // Logged in again, the session takes the new limit minus what the user has used: 10 MB more.
    await login();
    expect(session()).toMatchObject({ 'limit-bytes-total': String(10 * MB) });
    expect(sim.addTraffic(MAC, { up: 0, down: 15 * MB }, 10).down).toBe(10 * MB);
  });

  it('a byte limit set while online does not reach a session that logged in without one', async () => {
    await c.ok(['/ip/hotspot/user/set', `=.id=${userId()}`, '=limit-bytes-total=0']);
    await login();
    expect(session()!['limit-bytes-total']).toBeUndefined();
    await c.ok(['/ip/hotspot/user/set', `=.id=${userId()}`, `=limit-bytes-total=${5 * MB}`]);
    expect(sim.addTraffic(MAC, { up: 0, down: 8 * MB }, 10).down).toBe(8 * MB);
  });

  it('a time limit raised while online does not reach the session: it ends at the old one', async () => {
    await login();
    expect(session()).toMatchObject({ 'session-time-left': '1h' });
    await c.ok(['/ip/hotspot/user/set', `=.id=${userId()}`, '=limit-uptime=2h']);
    now += 3600_000;
    sim.tick(3600);
    expect(session()).toBeUndefined();
    await login();
    expect(session()).toMatchObject({ 'session-time-left': '1h' });
  });
});

describe('simple queues stay a tree', () => {
  beforeEach(async () => {
    await c.ok(['/queue/simple/add', '=name=top', '=target=10.5.50.0/24']);
    await c.ok(['/queue/simple/add', '=name=mid', '=target=10.5.50.0/25', '=parent=top']);
    await c.ok(['/queue/simple/add', '=name=leaf', '=target=10.5.50.21/32', '=parent=mid']);
  });
  const parentOf = (name: string) => sim.rows('/queue/simple').find((q) => q.name === name)!.parent;

  it('a parent that would put a queue under itself is refused, and nothing changes', async () => {
    expect(await refusal(['/queue/simple/set', '=numbers=top', '=parent=leaf'])).toMatch(/loop/);
    expect(await refusal(['/queue/simple/set', '=numbers=mid', '=parent=mid'])).toMatch(/loop/);
    expect(parentOf('top')).toBe('none');
    expect(parentOf('mid')).toBe('top');
    // A parent elsewhere in the tree is fine.
    await c.ok(['/queue/simple/set', '=numbers=leaf', '=parent=top']);
    expect(parentOf('leaf')).toBe('top');
  });

  it('a queue other queues name as their parent cannot be removed; with its children it can', async () => {
    expect(await refusal(['/queue/simple/remove', '=numbers=mid'])).toMatch(/parent/);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['top', 'mid', 'leaf']);
    await c.ok(['/queue/simple/remove', '=numbers=leaf,mid']);
    expect(sim.rows('/queue/simple').map((q) => q.name)).toEqual(['top']);
  });
});
