/**
 * `pisonet router hosts|active|leases|log|resource|traffic|reboot` as a script runs them (a child process, no
 * terminal), against the harness's simulated router and a second site's.
 */
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { cliEnv, runCli, TmuxCli } from '../cli/helpers';
import { startRouter } from '../sites/helpers';

let h: Harness;
let branch: Awaited<ReturnType<typeof startRouter>>;
const PHONE = { mac: '02:50:00:00:00:41', ip: '10.5.50.51', hostName: 'OPPO-A5s' };

beforeAll(async () => {
  h = await createHarness({ sim: { identity: 'Shop-Main', rebootDownMs: 300 } });
  h.sim.addDevice(PHONE);
  await h.router.add('/ip/hotspot/user', { name: 'CLI12345', password: 'p' });
  await h.router.hotspotLogin({ user: 'CLI12345', password: 'p', mac: PHONE.mac, ip: PHONE.ip });
  h.sim.addTraffic(PHONE.mac, { up: 125_000, down: 2_500_000 }, 10);
  branch = await startRouter({ identity: 'Branch-2', devices: 1 });
  await h.core!.services.sites.add(
    { name: 'branch-2', host: '127.0.0.1', port: branch.port, user: 'pisonet' },
    SYSTEM,
  );
}, 60_000);

afterAll(async () => {
  await h?.close();
  await branch?.sim.stop();
});

test('hosts, active and leases as JSON for scripts', async () => {
  const hosts = await runCli(h, ['router', 'hosts', '--json']);
  expect(hosts.code).toBe(0);
  const parsed = JSON.parse(hosts.stdout);
  expect(parsed).toMatchObject({ site: { id: 1, name: 'default' }, identity: 'Shop-Main' });
  expect(parsed.hosts).toEqual([expect.objectContaining({ mac: PHONE.mac, authorized: true })]);
  expect(typeof parsed.read_at).toBe('string');
  const active = JSON.parse((await runCli(h, ['router', 'active', '--json'])).stdout);
  expect(active.sessions.map((s: { user: string }) => s.user)).toEqual(['CLI12345']);
  const leases = JSON.parse((await runCli(h, ['router', 'leases', '--json'])).stdout);
  expect(leases.leases).toEqual([expect.objectContaining({ host_name: 'OPPO-A5s', address: PHONE.ip })]);
});

test('log narrowed by topic, resource and traffic as text', async () => {
  const log = await runCli(h, ['router', 'log', '--topic', 'hotspot']);
  expect(log.code).toBe(0);
  expect(log.stdout).toContain('Router Shop-Main');
  expect(log.stdout).toContain('CLI12345 (10.5.50.51): logged in');
  expect(log.stdout).not.toContain('dhcp1 assigned');
  const resource = await runCli(h, ['router', 'resource']);
  expect(resource.stdout).toMatch(/CPU load:\s+\d+%/);
  expect(resource.stdout).toMatch(/Temperature:\s+not reported/);
  const traffic = await runCli(h, ['router', 'traffic', '--json']);
  expect(JSON.parse(traffic.stdout).traffic).toEqual({
    name: 'bridge-hotspot',
    rx_bps: 100_000,
    tx_bps: 2_000_000,
    rx_pps: 9,
    tx_pps: 167,
  });
  const wrong = await runCli(h, ['router', 'log', '--limit', '0']);
  expect(wrong.code).toBe(2);
});

test('--site reads that site’s router', async () => {
  const r = await runCli(h, ['router', 'hosts', '--site', 'branch-2', '--json']);
  expect(r.code).toBe(0);
  const parsed = JSON.parse(r.stdout);
  expect(parsed.identity).toBe('Branch-2');
  expect(parsed.hosts.map((x: { mac: string }) => x.mac)).toEqual(['02:66:00:00:00:01']);
  const unknown = await runCli(h, ['router', 'hosts', '--site', 'nowhere']);
  expect([unknown.code, unknown.stderr]).toEqual([1, 'error: Site "nowhere" not found (SITE_NOT_FOUND)\n']);
});

test('a router that is down: exit 1 and its reason, no hang', async () => {
  h.sim.setReachable(false);
  try {
    // The terminal waits ROUTER_TIMEOUT_SECONDS for it: one second, not the harness's three.
    const r = await runCli(h, ['router', 'leases'], { env: { ROUTER_TIMEOUT_SECONDS: '1' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: .*\(ROUTER_UNREACHABLE\)\n$/);
  } finally {
    h.sim.setReachable(true);
    await h.router.waitConnected(5000);
  }
});

test('the terminal menu: Router, the site picked first, then its resources and log', async () => {
  const tmux = new TmuxCli();
  try {
    tmux.start(cliEnv(h), { width: 110 });
    await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
    await tmux.step(['9', 'Enter'], 'Which router?');
    await tmux.step(['Down', 'Enter'], 'Router (site branch-2)');
    const resources = await tmux.step(['1', 'Enter'], 'Temperature:');
    expect(resources).toContain('Router Branch-2 (site branch-2)');
    expect(resources).toMatch(/CPU load:\s+\d+%/);
    const log = await tmux.step(['8', 'Enter'], 'u1 (10.66.0.11): logged in');
    expect(log).toContain('TOPICS');
  } finally {
    tmux.kill();
  }
}, 90000);

test('reboot asks first; with --yes it is sent, waited for and audited', async () => {
  const refused = await runCli(h, ['router', 'reboot']);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toContain('add --yes to confirm');
  expect((await h.core!.services.audit.list({ action: 'router.reboot' })).total).toBe(0);
  const r = await runCli(h, ['router', 'reboot', '--yes', '--wait', '--json']);
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout)).toMatchObject({
    rebooted: true,
    site: { id: 1, name: 'default' },
    identity: 'Shop-Main',
    back_after_seconds: expect.any(Number),
  });
  const { entries } = await h.core!.services.audit.list({ action: 'router.reboot' });
  expect(entries).toHaveLength(1);
  expect(entries[0].actor).toMatch(/\(cli\)$/);
  await h.router.waitConnected(5000);
}, 60_000);
