/** Less central behaviour: getall, follow, bindings, device moves, reboot downtime, demo traffic, challenge login. */
import { RouterOSAPI } from 'node-routeros';
import { RouterSimulator } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

const MAC = '02:50:00:00:00:01';
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

it('getall is print', async () => {
  await c.command(['/queue/simple/add', '=name=a']);
  const reply = await c.command(['/queue/simple/getall', '=.proplist=name']);
  expect(reply).toEqual([['!re', '=name=a'], ['!done']]);
});

it('print =follow= sends current rows then changes until /cancel', async () => {
  await c.command(['/queue/simple/add', '=name=a']);
  c.send(['/queue/simple/print', '=follow=', '=.proplist=name', '.tag=f']);
  expect(await c.next()).toEqual(['!re', '.tag=f', '=name=a']);
  await c.command(['/queue/simple/set', '=numbers=a', '=name=b']);
  expect(await c.command(['/cancel'])).toEqual([
    ['!trap', '.tag=f', '=category=2', '=message=interrupted'],
    ['!done'],
  ]);
  expect(await c.next()).toEqual(['!done', '.tag=f']);
});

it('ip-binding: bypassed hosts show as bypassed, blocked ones cannot log in', async () => {
  sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
  await c.command(['/ip/hotspot/user/add', '=name=u', '=password=p']);
  const [added] = await c.command([
    '/ip/hotspot/ip-binding/add',
    `=mac-address=${MAC.toLowerCase()}`,
    '=type=bypassed',
  ]);
  expect(sim.rows('/ip/hotspot/ip-binding')[0]).toMatchObject({
    'mac-address': MAC,
    type: 'bypassed',
    disabled: 'false',
  });
  expect(sim.rows('/ip/hotspot/host')[0].bypassed).toBe('true');
  await c.command(['/ip/hotspot/ip-binding/set', `=.id=${attrs(added).ret}`, '=type=blocked']);
  const reply = await c.command([
    '/ip/hotspot/active/login',
    '=user=u',
    '=password=p',
    '=ip=10.5.50.11',
    `=mac-address=${MAC}`,
  ]);
  expect(attrs(reply[0]).message).toBe('host is blocked');
  await c.command(['/ip/hotspot/ip-binding/disable', `=numbers=${attrs(added).ret}`]);
  expect(
    (
      await c.command([
        '/ip/hotspot/active/login',
        '=user=u',
        '=password=p',
        '=ip=10.5.50.11',
        `=mac-address=${MAC}`,
      ])
    )[0],
  ).toEqual(['!done']);
});

it('a device that changes IP takes its session queue along; removing the host logs it out', async () => {
  await c.command(['/ip/hotspot/user/profile/set', '=numbers=default', '=rate-limit=1M']);
  await c.command(['/ip/hotspot/user/add', '=name=u', '=password=p']);
  sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
  await c.command([
    '/ip/hotspot/active/login',
    '=user=u',
    '=password=p',
    '=ip=10.5.50.11',
    `=mac-address=${MAC}`,
  ]);
  sim.setDeviceIp(MAC, '10.5.50.99');
  expect(sim.rows('/queue/simple')[0].target).toBe('10.5.50.99/32');
  expect(sim.rows('/ip/hotspot/active')[0].address).toBe('10.5.50.99');
  const hostId = sim.rows('/ip/hotspot/host')[0]['.id'];
  await c.command(['/ip/hotspot/host/remove', `=.id=${hostId}`]);
  expect(sim.rows('/ip/hotspot/active')).toEqual([]);
  expect(sim.rows('/queue/simple')).toEqual([]);
});

it('refuses connections while rebooting', async () => {
  const rebooting = sim.reboot({ downMs: 100 });
  await c.ended;
  const refused = await RawClient.connect(sim.port);
  await refused.ended;
  await rebooting;
  c = await RawClient.login(sim.port);
  expect((await c.command(['/system/resource/print', '=.proplist=uptime']))[0]).toEqual([
    '!re',
    '=uptime=0s',
  ]);
});

it('demo traffic moves counters of logged-in devices only', async () => {
  sim.addDevice({ mac: MAC, ip: '10.5.50.11' });
  sim.addDevice({ mac: '02:50:00:00:00:02', ip: '10.5.50.12' });
  await c.command(['/ip/hotspot/user/add', '=name=u', '=password=p']);
  await c.command([
    '/ip/hotspot/active/login',
    '=user=u',
    '=password=p',
    '=ip=10.5.50.11',
    `=mac-address=${MAC}`,
  ]);
  sim.startDemoTraffic({ intervalMs: 20 });
  while (sim.rows('/ip/hotspot/active')[0]['bytes-out'] === '0') await new Promise((r) => setTimeout(r, 10));
  sim.stopDemoTraffic();
  expect(sim.rows('/ip/hotspot/host').find((h) => h.address === '10.5.50.12')?.['bytes-out']).toBe('0');
});

it('node-routeros logs in to the pre-6.43 challenge mode', async () => {
  const old = new RouterSimulator({
    loginMode: 'challenge',
    version: '6.42',
    users: [{ name: 'admin', password: 'x' }],
  });
  const { port } = await old.start();
  const api = new RouterOSAPI({ host: '127.0.0.1', port, user: 'admin', password: 'x', timeout: 5 });
  api.on('error', () => undefined);
  await api.connect();
  expect(await api.write('/system/identity/print')).toEqual([{ name: 'MikroTik' }]);
  await api.close();
  await old.stop();
});

it('walled-garden ip takes the arguments RouterOS 7.18.2 has, and refuses the HTTP-level ones', async () => {
  const added = await c.command([
    '/ip/hotspot/walled-garden/ip/add',
    '=action=accept',
    '=dst-host=checkout.paymongo.com',
    '=dst-address-list=pay',
    '=src-address-list=customers',
    '=protocol=tcp',
    '=dst-port=443',
    '=server=all',
    '=comment=pisonet: ip checkout.paymongo.com',
  ]);
  expect(added[0]?.[0]).toBe('!done');
  const [row] = (await c.ok(['/ip/hotspot/walled-garden/ip/print'])).map(attrs);
  expect(row).toEqual(
    expect.objectContaining({ 'dst-host': 'checkout.paymongo.com', action: 'accept', 'dst-port': '443' }),
  );
  for (const httpOnly of ['=path=/pay', '=method=GET']) {
    const refused = await c.command(['/ip/hotspot/walled-garden/ip/add', '=dst-host=maya.ph', httpOnly]);
    expect(refused[0]).toContainEqual(expect.stringMatching(/^=message=unknown parameter/));
  }
  // The HTTP-level list has no IP-level arguments either.
  const refused = await c.command(['/ip/hotspot/walled-garden/add', '=dst-host=maya.ph', '=protocol=tcp']);
  expect(refused[0]).toContainEqual(expect.stringMatching(/^=message=unknown parameter/));
});

it('unset is the same verb in every menu: a default comes back, the name stays, an unknown property is an argument error', async () => {
  await c.command(['/ip/hotspot/user/profile/add', '=name=plan', '=rate-limit=2M/5M', '=shared-users=3']);
  expect(
    await c.command(['/ip/hotspot/user/profile/unset', '=numbers=plan', '=value-name=rate-limit']),
  ).toEqual([['!done']]);
  const row = () => sim.rows('/ip/hotspot/user/profile').find((r) => r.name === 'plan');
  expect(row()).not.toHaveProperty('rate-limit');
  for (const name of ['name', 'no-such-property']) {
    const [trap] = await c.command([
      '/ip/hotspot/user/profile/unset',
      '=numbers=plan',
      `=value-name=${name}`,
    ]);
    expect(trap).toEqual(['!trap', '=category=1', '=message=invalid value for argument value-name']);
  }
  const [garden] = await c.command(['/ip/hotspot/walled-garden/add', '=dst-host=maya.ph', '=action=deny']);
  await c.command(['/ip/hotspot/walled-garden/unset', `=numbers=${attrs(garden).ret}`, '=value-name=action']);
  expect(sim.rows('/ip/hotspot/walled-garden')[0].action).toBe('allow');
});
