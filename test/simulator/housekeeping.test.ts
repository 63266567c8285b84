/**
 * The menus a shop owner's housekeeping pages read: hotspot hosts, sessions and cookies that follow the devices,
 * DHCP leases, the log, resources and health, interface traffic, and `/system/reboot`. Each is as strict as
 * RouterOS: arguments and commands it does not have are refused the way RouterOS refuses them.
 */
import { RouterSimulator, RouterSimulatorOptions } from '../../src/simulator';
import { attrs, RawClient } from './raw-client';

const START = Date.UTC(2026, 0, 5, 2, 0, 0); // 10:00 in Manila
let now = START;
const clock = (): number => now;
const running: { sim: RouterSimulator; c: RawClient }[] = [];

async function router(opts: RouterSimulatorOptions = {}): Promise<{ sim: RouterSimulator; c: RawClient }> {
  const sim = new RouterSimulator({ clock, timeZone: 'Asia/Manila', ...opts });
  const c = await RawClient.login((await sim.start()).port);
  running.push({ sim, c });
  return { sim, c };
}

/** The `!re` rows of a command that must succeed. */
async function rows(c: RawClient, words: string[]): Promise<Record<string, string>[]> {
  const reply = await c.ok(words);
  return reply.filter((s) => s[0] === '!re').map(attrs);
}

/** The trap messages of a command that must fail. */
async function traps(c: RawClient, words: string[]): Promise<string[]> {
  const reply = await c.command(words);
  const found = reply.filter((s) => s[0] === '!trap').map((s) => attrs(s).message);
  expect(found.length).toBeGreaterThan(0);
  return found;
}

const PHONE = { mac: '02:50:00:00:00:01', ip: '10.5.50.11', hostName: 'Galaxy-A12' };

/** A hotspot user logged in from the phone (as the controller does it). */
async function logIn(c: RawClient, user = 'ABCD1234', password = 'p'): Promise<void> {
  await c.ok(['/ip/hotspot/user/add', `=name=${user}`, `=password=${password}`]);
  await c.ok([
    '/ip/hotspot/active/login',
    `=user=${user}`,
    `=password=${password}`,
    `=ip=${PHONE.ip}`,
    `=mac-address=${PHONE.mac}`,
  ]);
}

beforeEach(() => {
  now = START;
});

afterEach(async () => {
  for (const { sim, c } of running.splice(0)) {
    await c.close();
    await sim.stop();
  }
});

describe('hotspot hosts, sessions and cookies follow the devices', () => {
  it('a login authorises the host, opens a session and leaves a cookie for the profile’s lifetime', async () => {
    const { sim, c } = await router();
    sim.addDevice(PHONE);
    expect((await rows(c, ['/ip/hotspot/host/print']))[0]).toMatchObject({
      'mac-address': PHONE.mac,
      address: PHONE.ip,
      authorized: 'false',
    });
    expect(await c.command(['/ip/hotspot/cookie/print'])).toEqual([['!empty'], ['!done']]);
    await logIn(c);
    expect((await rows(c, ['/ip/hotspot/host/print']))[0].authorized).toBe('true');
    expect((await rows(c, ['/ip/hotspot/active/print']))[0]).toMatchObject({ user: 'ABCD1234' });
    const [cookie] = await rows(c, ['/ip/hotspot/cookie/print']);
    expect(cookie).toEqual({
      '.id': cookie['.id'],
      user: 'ABCD1234',
      domain: '',
      'mac-address': PHONE.mac,
      'expires-in': '3d',
    });
    // The session ends; the cookie stays (that is what it is for), counting down, until its lifetime is over.
    await c.ok([
      '/ip/hotspot/active/remove',
      `=.id=${(await rows(c, ['/ip/hotspot/active/print']))[0]['.id']}`,
    ]);
    now += 86400_000;
    expect((await rows(c, ['/ip/hotspot/cookie/print']))[0]['expires-in']).toBe('2d');
    now += 2 * 86400_000;
    sim.tick(1);
    expect(await c.command(['/ip/hotspot/cookie/print'])).toEqual([['!empty'], ['!done']]);
  });

  it('a cookie can be removed but not added or changed; unknown arguments are refused', async () => {
    const { sim, c } = await router();
    sim.addDevice(PHONE);
    await logIn(c);
    const [cookie] = await rows(c, ['/ip/hotspot/cookie/print']);
    expect(await traps(c, ['/ip/hotspot/cookie/add', '=user=x'])).toEqual([
      'no such command or directory (add)',
      'no such command prefix',
    ]);
    expect(await traps(c, ['/ip/hotspot/cookie/set', `=.id=${cookie['.id']}`, '=user=x'])).toEqual([
      'no such command or directory (set)',
      'no such command prefix',
    ]);
    expect(await traps(c, ['/ip/hotspot/cookie/print', '=stats='])).toEqual(['unknown parameter stats']);
    await c.ok(['/ip/hotspot/cookie/remove', `=.id=${cookie['.id']}`]);
    expect(await c.command(['/ip/hotspot/cookie/print'])).toEqual([['!empty'], ['!done']]);
    expect(await traps(c, ['/ip/hotspot/cookie/remove', `=.id=${cookie['.id']}`])).toEqual(['no such item']);
  });

  it('no cookie when the server profile does not log in by cookie', async () => {
    const { sim, c } = await router();
    sim.addDevice(PHONE);
    await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=login-by=http-pap']);
    await logIn(c);
    expect(await c.command(['/ip/hotspot/cookie/print'])).toEqual([['!empty'], ['!done']]);
  });
});

describe('/ip/dhcp-server/lease', () => {
  it('each device on the network has a dynamic lease; a device that leaves frees it', async () => {
    const { sim, c } = await router();
    sim.addDevice(PHONE);
    sim.addDevice({ mac: '02:50:00:00:00:02', ip: '10.5.50.12' });
    const leases = await rows(c, ['/ip/dhcp-server/lease/print']);
    expect(leases).toHaveLength(2);
    expect(leases[0]).toMatchObject({
      address: PHONE.ip,
      'mac-address': PHONE.mac,
      server: 'dhcp1',
      status: 'bound',
      'host-name': 'Galaxy-A12',
      'expires-after': '1h',
      dynamic: 'true',
    });
    // A phone that sent no name has no host-name at all.
    expect(leases[1]['host-name']).toBeUndefined();
    now += 10 * 60_000;
    expect((await rows(c, ['/ip/dhcp-server/lease/print']))[0]['expires-after']).toBe('50m');
    sim.removeDevice(PHONE.mac);
    const left = await rows(c, ['/ip/dhcp-server/lease/print', '=.proplist=mac-address']);
    expect(left).toEqual([{ 'mac-address': '02:50:00:00:00:02' }]);
  });

  it('refuses what RouterOS does not have and what the simulator does not model', async () => {
    const { c } = await router();
    expect(await traps(c, ['/ip/dhcp-server/lease/print', '=bogus=1'])).toEqual(['unknown parameter bogus']);
    expect(await traps(c, ['/ip/dhcp-server/lease/renew'])).toEqual([
      'no such command or directory (renew)',
      'no such command prefix',
    ]);
    // RouterOS has make-static; the simulator does not model static leases and says so instead of pretending.
    expect(await traps(c, ['/ip/dhcp-server/lease/make-static', '=numbers=*1'])).toEqual([
      'not supported by simulator',
    ]);
  });
});

describe('/log', () => {
  it('logs logins, logouts, refused logins, DHCP and the API user, oldest first', async () => {
    const { sim, c } = await router();
    sim.addDevice(PHONE);
    await logIn(c);
    await c.command([
      '/ip/hotspot/active/login',
      '=user=NOPE',
      '=password=x',
      `=ip=${PHONE.ip}`,
      `=mac-address=${PHONE.mac}`,
    ]);
    sim.removeDevice(PHONE.mac);
    const log = (await rows(c, ['/log/print'])).map((r) => `${r.topics} | ${r.message}`);
    expect(log).toEqual([
      'system,info,account | user admin logged in from 127.0.0.1 via api',
      'dhcp,info | dhcp1 assigned 10.5.50.11 for 02:50:00:00:00:01 Galaxy-A12',
      'hotspot,account,info,debug | ABCD1234 (10.5.50.11): logged in',
      'hotspot,info,debug | NOPE (10.5.50.11): login failed: invalid username or password',
      'dhcp,info | dhcp1 deassigned 10.5.50.11 for 02:50:00:00:00:01 Galaxy-A12',
      'hotspot,account,info,debug | ABCD1234 (10.5.50.11): logged out: lost dhcp lease',
    ]);
  });

  it('prints today’s lines with the time only and older ones with the date, in the router’s zone', async () => {
    const { c } = await router();
    now += 16 * 3600_000; // 02:00 the next day in Manila
    await c.ok(['/log/info', '=message=after midnight']);
    const [first, second] = await rows(c, ['/log/print']);
    expect(first.time).toBe('2026-01-05 10:00:00');
    expect(second).toMatchObject({ time: '02:00:00', topics: 'script,info', message: 'after midnight' });
  });

  it('keeps info, warning and error lines from scripts, not debug ones; 1000 lines at most', async () => {
    const { c } = await router();
    await c.ok(['/log/warning', '=message=w']);
    await c.ok(['/log/error', '=message=e']);
    await c.ok(['/log/debug', '=message=d']);
    const topics = (await rows(c, ['/log/print'])).map((r) => r.topics);
    expect(topics.filter((t) => t.startsWith('script,'))).toEqual(['script,warning', 'script,error']);
    for (let i = 0; i < 1000; i++) c.send(['/log/info', `=message=line ${i}`]);
    for (let i = 0; i < 1000; i++) await c.untilDone();
    const all = await rows(c, ['/log/print']);
    expect(all).toHaveLength(1000);
    expect(all[999].message).toBe('line 999');
    expect(all[0].message).toBe('line 0');
  });

  it('refuses unknown arguments and commands', async () => {
    const { c } = await router();
    expect(await traps(c, ['/log/print', '=topics=hotspot'])).toEqual(['unknown parameter topics']);
    expect(await traps(c, ['/log/info', '=text=x'])).toEqual(['unknown parameter text']);
    expect(await traps(c, ['/log/remove', '=numbers=*1'])).toEqual([
      'no such command or directory (remove)',
      'no such command prefix',
    ]);
  });
});

describe('/system/resource and /system/health', () => {
  it('cpu load follows the traffic; free memory the tables the router holds', async () => {
    const { sim, c } = await router();
    const resource = async () => (await rows(c, ['/system/resource/print']))[0];
    const idle = await resource();
    expect(Number(idle['cpu-load'])).toBeLessThan(5);
    for (let i = 1; i <= 20; i++)
      sim.addDevice({ mac: `02:50:00:00:01:${i.toString(16).padStart(2, '0')}`, ip: `10.5.51.${i}` });
    sim.addDevice(PHONE);
    sim.addTraffic(PHONE.mac, { up: 25_000_000, down: 250_000_000 }, 1); // 2.2 Gbit/s through a CHR
    const busy = await resource();
    expect(Number(busy['cpu-load'])).toBeGreaterThanOrEqual(20);
    expect(Number(busy['free-memory'])).toBeLessThan(Number(idle['free-memory']));
    expect(busy['total-memory']).toBe(idle['total-memory']);
  });

  it('a CHR has no sensors; a RouterBOARD lists voltage and temperature', async () => {
    const chr = await router();
    expect(await chr.c.command(['/system/health/print'])).toEqual([['!empty'], ['!done']]);
    const rb = await router({ board: 'routerboard' });
    const health = await rows(rb.c, ['/system/health/print']);
    expect(health.map((r) => [r.name, r.type])).toEqual([
      ['voltage', 'V'],
      ['temperature', 'C'],
    ]);
    expect(Number(health[1].value)).toBeGreaterThan(30);
    // `.proplist` is the API's own; `proplist` is not an argument of this print in RouterOS 7.18.
    expect(await rows(rb.c, ['/system/health/print', '=.proplist=name'])).toEqual([
      { name: 'voltage' },
      { name: 'temperature' },
    ]);
    expect(await traps(rb.c, ['/system/health/print', '=proplist=name'])).toEqual([
      'unknown parameter proplist',
    ]);
    expect(await traps(rb.c, ['/system/resource/print', '=count-only='])).toEqual([
      'unknown parameter count-only',
    ]);
  });
});

describe('/interface', () => {
  it('lists the ports with counters that follow the devices’ traffic', async () => {
    const { sim, c } = await router();
    sim.addDevice(PHONE);
    sim.addTraffic(PHONE.mac, { up: 1500, down: 30000 }, 1);
    const list = await rows(c, ['/interface/print']);
    expect(list.map((r) => [r.name, r.type])).toEqual([
      ['ether1', 'ether'],
      ['ether2', 'ether'],
      ['bridge-hotspot', 'bridge'],
    ]);
    const byName = Object.fromEntries(list.map((r) => [r.name, r]));
    expect(byName['bridge-hotspot']).toMatchObject({ 'rx-byte': '1500', 'tx-byte': '30000' });
    expect(byName.ether1).toMatchObject({ 'rx-byte': '30000', 'tx-byte': '1500', running: 'true' });
    await c.ok(['/interface/reset-counters', '=numbers=ether1']);
    expect((await rows(c, ['/interface/print', '?name=ether1']))[0]['rx-byte']).toBe('0');
  });

  it('monitor-traffic once: the rates through each port asked for', async () => {
    const { sim, c } = await router();
    sim.addDevice(PHONE);
    sim.addTraffic(PHONE.mac, { up: 100_000, down: 2_500_000 }, 10); // 80 kbit/s up, 2 Mbit/s down
    const sample = await rows(c, [
      '/interface/monitor-traffic',
      '=interface=bridge-hotspot,ether1',
      '=once=',
    ]);
    expect(sample.map((r) => [r.name, r['rx-bits-per-second'], r['tx-bits-per-second']])).toEqual([
      ['bridge-hotspot', '80000', '2000000'],
      ['ether1', '2000000', '80000'],
    ]);
    expect(Object.keys(sample[0])).toContain('tx-queue-drops-per-second');
    // The traffic was for the last 10 s; later, nothing flows.
    now += 11_000;
    const later = await rows(c, ['/interface/monitor-traffic', '=interface=ether1', '=once=']);
    expect(later[0]['rx-bits-per-second']).toBe('0');
  });

  it('monitor-traffic without once goes on until cancelled, or for its duration', async () => {
    const { c } = await router();
    c.send(['/interface/monitor-traffic', '=interface=ether1', '=interval=50ms', '.tag=m']);
    const first = await c.next();
    const second = await c.next();
    expect([first[0], second[0]]).toEqual(['!re', '!re']);
    const cancel = await c.command(['/cancel', '=tag=m']);
    expect(cancel[0]).toEqual(expect.arrayContaining(['!trap', '=message=interrupted']));
    await c.drain(50);
    const timed = await c.command([
      '/interface/monitor-traffic',
      '=interface=ether1',
      '=duration=0.12',
      '=interval=50ms',
    ]);
    expect(timed[timed.length - 1][0]).toBe('!done');
    expect(timed.filter((s) => s[0] === '!re').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses an unknown port, a missing one, a bad interval and what RouterOS does not take', async () => {
    const { c } = await router();
    expect(await traps(c, ['/interface/monitor-traffic', '=interface=ether9', '=once='])).toEqual([
      'input does not match any value of interface',
    ]);
    expect(await traps(c, ['/interface/monitor-traffic', '=once='])).toEqual(['expected interface']);
    expect(await traps(c, ['/interface/monitor-traffic', '=interface=ether1', '=interval=10s'])).toEqual([
      'invalid value for argument interval',
    ]);
    expect(await traps(c, ['/interface/monitor-traffic', '=interface=ether1', '=once=', '=stats='])).toEqual([
      'unknown parameter stats',
    ]);
    expect(await traps(c, ['/interface/monitor-traffic', '=interface=ether1', '=do={}'])).toEqual([
      'not supported by simulator',
    ]);
    expect(await traps(c, ['/interface/traffic/print'])).toEqual([
      'no such command or directory (traffic)',
      'no such command prefix',
    ]);
  });
});

describe('/system/reboot', () => {
  it('the connection ends without a reply; the router is away, then back with a fresh uptime', async () => {
    const { sim, c } = await router({ rebootDownMs: 300 });
    sim.addDevice(PHONE);
    await logIn(c);
    now += 3600_000;
    expect((await rows(c, ['/system/resource/print']))[0].uptime).toBe('1h');
    c.send(['/system/reboot']);
    await c.ended;
    expect(await c.drain(0)).toEqual([]); // no !done, no !fatal: the router just went
    await expect(RawClient.login(sim.port)).rejects.toThrow(); // refused while it starts
    await new Promise((r) => setTimeout(r, 400));
    const back = await RawClient.login(sim.port);
    running.push({ sim, c: back });
    expect((await rows(back, ['/system/resource/print']))[0].uptime).toBe('0s');
    // The device is seen again, not logged in; its cookie and the memory log went with the power.
    expect((await rows(back, ['/ip/hotspot/host/print']))[0]).toMatchObject({
      'mac-address': PHONE.mac,
      authorized: 'false',
    });
    expect(await back.command(['/ip/hotspot/active/print'])).toEqual([['!empty'], ['!done']]);
    expect(await back.command(['/ip/hotspot/cookie/print'])).toEqual([['!empty'], ['!done']]);
    expect((await rows(back, ['/log/print'])).map((r) => r.message)).toEqual([
      'router rebooted',
      'user admin logged in from 127.0.0.1 via api',
    ]);
    // The lease survives (the DHCP server keeps its leases).
    expect((await rows(back, ['/ip/dhcp-server/lease/print']))[0].address).toBe(PHONE.ip);
  });

  it('takes no arguments', async () => {
    const { c } = await router({ rebootDownMs: 50 });
    expect(await traps(c, ['/system/reboot', '=now=yes'])).toEqual(['unknown parameter now']);
    expect(await traps(c, ['/system/shutdown'])).toEqual([
      'no such command or directory (shutdown)',
      'no such command prefix',
    ]);
  });
});
