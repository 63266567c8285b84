/** Router lifecycle faults: reboot, configuration reset, and another router at the same address. */
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

const MAC = '02:50:00:00:00:01';
let now: number;
let sim: RouterSimulator;
let c: RawClient;
const clock = (): number => now;

const ok = (words: string[]): Promise<string[][]> => c.ok(words);

async function one(menu: string): Promise<Record<string, string>> {
  return attrs((await ok([`${menu}/print`]))[0]);
}

/** A router in use: a profile with a rate limit, a user logged in, a static queue, a rule, traffic. */
async function shopInUse(): Promise<void> {
  await ok(['/system/identity/set', '=name=Shop-7']);
  // The hotspot's queue goes below ours, so the traffic counts on the static queue.
  await ok([
    '/ip/hotspot/user/profile/add',
    '=name=5peso',
    '=rate-limit=1M/2M',
    '=insert-queue-before=bottom',
  ]);
  await ok(['/ip/hotspot/user/add', '=name=V1', '=password=V1', '=profile=5peso', '=limit-uptime=1h']);
  await ok(['/queue/simple/add', '=name=pisonet-a', '=target=10.5.50.11', '=max-limit=8M/8M']);
  await ok(['/ip/firewall/filter/add', '=chain=forward', '=action=fasttrack-connection']);
  await ok(['/ip/hotspot/ip-binding/add', `=mac-address=02:50:00:00:00:09`, '=type=bypassed']);
  sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
  await ok(['/ip/hotspot/active/login', '=user=V1', '=password=V1', '=ip=10.5.50.11', `=mac-address=${MAC}`]);
  now += 600_000;
  sim.addTraffic(MAC, { up: 1000, down: 4000 });
}

beforeEach(async () => {
  now = Date.UTC(2026, 0, 1);
  sim = new RouterSimulator({ clock, licenseId: 'FirstRouter' });
  c = await RawClient.login((await sim.start()).port);
});

afterEach(async () => {
  await c.close();
  await sim.stop();
});

describe('reboot', () => {
  it('drops connections, ends sessions, restarts uptime and counters, keeps configuration and licence', async () => {
    await shopInUse();
    const hostBefore = sim.rows('/ip/hotspot/host')[0]['.id'];
    expect(sim.rows('/queue/simple').map((q) => [q.name, q.bytes])).toEqual([
      ['pisonet-a', '1000/4000'],
      ['<hotspot-V1>', '0/0'],
    ]);
    expect((await one('/system/resource')).uptime).toBe('10m');
    now += 5000;
    await sim.reboot();
    await c.ended;
    c = await RawClient.login(sim.port);
    expect((await one('/system/resource')).uptime).toBe('0s');
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(sim.rows('/queue/simple')).toEqual([
      expect.objectContaining({ '.id': '*1', name: 'pisonet-a', bytes: '0/0' }),
    ]);
    // The interrupted session counts against the user's limit: a reboot hands out no free time.
    expect(sim.rows('/ip/hotspot/user')[0]).toMatchObject({ name: 'V1', uptime: '10m5s' });
    const host = sim.rows('/ip/hotspot/host')[0];
    expect(host).toMatchObject({ 'mac-address': MAC, authorized: 'false', 'bytes-out': '0' });
    expect(host['.id']).not.toBe(hostBefore);
    expect((await one('/system/identity')).name).toBe('Shop-7');
    expect((await one('/system/license'))['system-id']).toBe('FirstRouter');
    expect(sim.rows('/ip/firewall/filter').some((r) => r.action === 'fasttrack-connection')).toBe(true);
    now += 61_000;
    expect((await one('/system/resource')).uptime).toBe('1m1s');
  });
});

describe('resetConfiguration', () => {
  it('forgets users, queues, rules, bindings and sessions; identity MikroTik; same licence; hosts seen again', async () => {
    await shopInUse();
    await sim.resetConfiguration();
    await c.ended;
    c = await RawClient.login(sim.port);
    expect((await one('/system/identity')).name).toBe('MikroTik');
    expect((await one('/system/license'))['system-id']).toBe('FirstRouter');
    expect((await one('/system/resource')).uptime).toBe('0s');
    expect(sim.rows('/ip/hotspot/user')).toEqual([]);
    expect(sim.rows('/queue/simple')).toEqual([]);
    expect(sim.rows('/ip/hotspot/active')).toEqual([]);
    expect(sim.rows('/ip/hotspot/ip-binding')).toEqual([]);
    expect(sim.rows('/ip/hotspot/user/profile').map((p) => p.name)).toEqual(['default']);
    expect(sim.rows('/ip/firewall/filter').some((r) => r.action === 'fasttrack-connection')).toBe(false);
    expect(sim.rows('/ip/hotspot/host')).toEqual([
      expect.objectContaining({ 'mac-address': MAC, address: '10.5.50.11', authorized: 'false' }),
    ]);
    // Ids start again: a new queue gets *1, the id the old router's first queue had.
    expect(attrs((await ok(['/queue/simple/add', '=name=q']))[0]).ret).toBe('*1');
    // The old user is gone, so its code no longer logs in.
    const reply = await c.command([
      '/ip/hotspot/active/login',
      '=user=V1',
      '=password=V1',
      '=ip=10.5.50.11',
      `=mac-address=${MAC}`,
    ]);
    expect(reply[0][0]).toBe('!trap');
  });
});

describe('another router', () => {
  it('replaceRouter: same address, new licence id, factory configuration', async () => {
    await shopInUse();
    const id = await sim.replaceRouter();
    await c.ended;
    c = await RawClient.login(sim.port);
    expect(id).not.toBe('FirstRouter');
    expect((await one('/system/license'))['system-id']).toBe(id);
    expect(sim.licenseId).toBe(id);
    expect(sim.rows('/ip/hotspot/user')).toEqual([]);
    expect((await one('/system/identity')).name).toBe('MikroTik');
  });

  it('replaceRouter can name the id, the board and the identity', async () => {
    expect(
      await sim.replaceRouter({ licenseId: 'ZZ99-YY88', board: 'routerboard', identity: 'Shop-2' }),
    ).toBe('ZZ99-YY88');
    await c.ended;
    c = await RawClient.login(sim.port);
    expect(await one('/system/license')).toEqual({ 'software-id': 'ZZ99-YY88', nlevel: '4', features: '' });
    expect((await one('/system/identity')).name).toBe('Shop-2');
  });

  it('a second simulator is a different router unless given the same licenseId', async () => {
    const other = new RouterSimulator({ clock });
    const same = new RouterSimulator({ clock, licenseId: 'FirstRouter' });
    expect(other.licenseId).not.toBe(sim.licenseId);
    expect(same.licenseId).toBe(sim.licenseId);
  });
});
