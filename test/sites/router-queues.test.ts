/**
 * Router things of every site: the admin's "Router queues" tab and GET /admin/api/queues list the
 * narrowed site's router's queues, or every site's with the site named, a router that is down or hung shown
 * with its error beside the others; and the terminal's router commands take --site, connecting to that site's
 * router with its stored (encrypted) password, with a clear error for an unknown site or a router that is down.
 */
import type { RouterSimulator } from '../../src/simulator';
import { SYSTEM } from '../../src/services/types';
import type { SiteStack } from '../../src/services/network/site-stack';
import { createHarness, type Harness } from '../helpers/harness';
import { redeemApi } from '../portal/helpers';
import { AdminClient } from '../admin/client';
import { cliEnv, runCli, TmuxCli } from '../cli/helpers';
import { api, startRouter, harnessWithBranches, type Branch } from './helpers';

const PASS = 'Branch-pa55word';

describe('router queues and router commands per site', () => {
  let h: Harness;
  let c: AdminClient;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  const phone = {
    home: { mac: '02:D0:00:00:00:01', ip: '10.5.50.241' },
    a: { mac: '02:DA:00:00:00:01', ip: '10.77.1.11' },
    b: { mac: '02:DB:00:00:00:01', ip: '10.77.2.11' },
  };
  const stack = (id: number): SiteStack => h.core!.siteStacks.get(id)!;
  const sell = async (site: string, d: { mac: string; ip: string }) => {
    const [code] = (
      await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1, site }, SYSTEM)
    ).vouchers.map((v) => v.code);
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);
    return code;
  };
  const queueName = (d: { mac: string }) => `pisonet-${d.mac}`;

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
    h.sim.addDevice(phone.home);
    branch.a.sim.addDevice(phone.a);
    branch.b.sim.addDevice(phone.b);
    await sell('default', phone.home);
    await sell('branch-a', phone.a);
    await sell('branch-b', phone.b);
    c = new AdminClient(h.app!.url);
    expect((await c.login()).status).toBe(303);
  });
  afterAll(() => close());

  test('the tab narrowed to a site lists its router’s queues; all sites: every router’s, with the site', async () => {
    const atA = await c.html(`/admin/bandwidth?tab=queues&site=${branch.a.id}`);
    expect(atA).toContain(queueName(phone.a));
    expect(atA).not.toContain(queueName(phone.home));
    expect(atA).not.toContain(queueName(phone.b));
    expect(atA).toContain('Queues on branch-a’s router');
    // The picker keeps the tab; the tabs keep the site.
    expect(atA).toContain('<input type="hidden" name="tab" value="queues">');
    expect(atA).toContain(`href="/admin/bandwidth?site=${branch.a.id}"`);

    const all = await c.html('/admin/bandwidth?tab=queues');
    for (const d of Object.values(phone)) expect(all).toContain(queueName(d));
    expect(all).toContain('<th>Site</th>');
    expect(all).toMatch(
      /<td data-label="Site">branch-b<\/td>\s*<td data-label="Name" class="mono key">pisonet-02:DB/,
    );

    const json = await api(h, 'GET', `/queues?site=branch-b`);
    expect(json.status).toBe(200);
    expect(json.json.queues.map((q: { name: string }) => q.name)).toEqual([queueName(phone.b)]);
    expect(json.json.queues[0]).toMatchObject({ site: branch.b.id, comment: expect.any(String) });
    const every = await api(h, 'GET', '/queues');
    expect(every.json.sites).toEqual([
      { id: 1, name: 'default', error: null },
      { id: branch.a.id, name: 'branch-a', error: null },
      { id: branch.b.id, name: 'branch-b', error: null },
    ]);
    expect(every.json.queues.map((q: { site: number }) => q.site).sort()).toEqual(
      [1, branch.a.id, branch.b.id].sort(),
    );
    expect((await api(h, 'GET', '/queues?site=nowhere')).status).toBe(400);
  });

  test('a router down or hung shows its error in place; the other sites are still listed', async () => {
    branch.b.sim.setReachable(false);
    await waitFor(() => !stack(branch.b.id).router.status.connected);
    const page = await c.html('/admin/bandwidth?tab=queues');
    expect(page).toMatch(/<strong>branch-b:<\/strong> Its router is not connected/);
    expect(page).toContain(queueName(phone.a));
    expect(page).toContain(queueName(phone.home));
    const every = await api(h, 'GET', '/queues');
    expect(every.status).toBe(200);
    expect(every.json.sites[2]).toMatchObject({
      name: 'branch-b',
      error: expect.stringMatching(/not connected/),
    });
    // Narrowed to the site that is down: its error is the answer.
    const down = await api(h, 'GET', `/queues?site=${branch.b.id}`);
    expect([down.status, down.json.code]).toEqual([503, 'ROUTER_UNREACHABLE']);
    expect(await c.html(`/admin/bandwidth?tab=queues&site=${branch.b.id}`)).toMatch(
      /class="flash flash-error" role="alert">Its router is not connected/,
    );

    // Branch A accepts the connection and never answers: the page is not held for its router's timeout.
    branch.a.sim.faults.silenceAfterLogin();
    const hung = await c.html('/admin/bandwidth?tab=queues');
    expect(hung).toMatch(/<strong>branch-a:<\/strong> Its router did not answer within 0.5 s \(narrowed/);
    expect(hung).toContain(queueName(phone.home));
    branch.a.sim.faults.clear();
    branch.b.sim.setReachable(true);
  });
});

describe('one router', () => {
  test('a shop with one router waits for its router’s list as before (no 0.5 s cut)', async () => {
    const h = await createHarness({ http: true });
    try {
      const d = { mac: '02:D1:00:00:00:01', ip: '10.5.50.231' };
      h.sim.addDevice(d);
      const [code] = (
        await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, SYSTEM)
      ).vouchers.map((v) => v.code);
      expect((await redeemApi(h, { code, ...d })).status).toBe(200);
      h.sim.setLatency(700); // slower than the all-sites cap, well within the client's timeout
      const c = new AdminClient(h.app!.url);
      expect((await c.login()).status).toBe(303);
      const page = await c.html('/admin/bandwidth?tab=queues');
      expect(page).toContain(`pisonet-${d.mac}`);
      expect(page).not.toContain('did not answer');
      expect(page).not.toContain('<th>Site</th>');
      h.sim.setLatency(0);
    } finally {
      await h.close();
    }
  });
});

describe('pisonet router commands --site', () => {
  // Each test starts CLI processes (tsx compiles the CLI each time): generous on a loaded 2-core machine.
  jest.setTimeout(120_000);
  let h: Harness;
  let sim: RouterSimulator;
  const d = { mac: '02:DC:00:00:00:01', ip: '10.78.1.11' };

  beforeAll(async () => {
    h = await createHarness({
      http: true,
      sites: { sitePolls: false, siteReconnect: { minMs: 50, maxMs: 300 } },
    });
    const r = await startRouter({ identity: 'Branch-C', password: PASS });
    sim = r.sim;
    await h.core!.services.sites.add(
      { name: 'branch-c', host: '127.0.0.1', port: r.port, user: 'pisonet', password: PASS },
      SYSTEM,
    );
    // A device of branch C online on its voucher, as the server left it.
    const stackC = [...h.core!.siteStacks.values()][0];
    await stackC.router.waitConnected(5000);
    expect((await stackC.binding.check()).mode).toBe('bound');
    sim.addDevice(d);
    const [code] = (
      await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1, site: 'branch-c' }, SYSTEM)
    ).vouchers.map((v) => v.code);
    await stackC.redemption.redeem({ code, ...d }, { peerIp: null });
  });
  afterAll(async () => {
    await h.close();
    await sim.stop();
  });

  test('router test, queues list, users list and users kick on a site’s router', async () => {
    const test = await runCli(h, ['router', 'test', '--site', 'branch-c', '--json']);
    expect(test.stderr).toBe('');
    expect(test.code).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ site: { name: 'branch-c' }, identity: 'Branch-C' });

    const queues = await runCli(h, ['queues', 'list', '--site', 'branch-c', '--json']);
    expect(queues.code).toBe(0);
    const listed = JSON.parse(queues.stdout) as { queues: Array<{ name: string }> };
    expect(listed.queues.map((q) => q.name)).toEqual([`pisonet-${d.mac}`]);
    // Without --site: the .env router's, which does not hold branch C's queue.
    const home = JSON.parse((await runCli(h, ['queues', 'list', '--json'])).stdout) as typeof listed;
    expect(home.queues.map((q) => q.name)).not.toContain(`pisonet-${d.mac}`);

    const users = await runCli(h, ['users', 'list', '--site', 'branch-c']);
    expect(users.code).toBe(0);
    expect(users.stdout).toContain(d.mac);

    const kick = await runCli(h, ['users', 'kick', d.mac, '--site', 'branch-c']);
    expect(kick.stderr).toBe('');
    expect(kick.stdout).toContain(`Logged out ${d.mac} at branch-c.`);
    expect(sim.rows('/ip/hotspot/active').map((s) => s['mac-address'])).not.toContain(d.mac);
    // Back online; without --site the device is logged out on the router of its voucher's site.
    const stackC = [...h.core!.siteStacks.values()][0];
    const v = await h.core!.db('vouchers').where({ site_id: stackC.site.id, status: 'active' }).first('code');
    await stackC.redemption.redeem({ code: v.code, ...d }, { peerIp: null });
    expect(sim.rows('/ip/hotspot/active').map((s) => s['mac-address'])).toContain(d.mac);
    const again = await runCli(h, ['users', 'kick', d.mac]);
    expect(again.stderr).toBe('');
    expect(again.stdout).toContain(`Logged out ${d.mac} at branch-c.`);
    expect(sim.rows('/ip/hotspot/active').map((s) => s['mac-address'])).not.toContain(d.mac);
  });

  test('the terminal menu asks which site’s queues to show when there are several', async () => {
    const tmux = new TmuxCli();
    try {
      tmux.start(cliEnv(h, { NO_COLOR: '' }));
      await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
      await tmux.step(['4', 'Enter'], 'View all queues on the router');
      await tmux.step(['5', 'Enter'], 'Which site’s router?');
      const screen = await tmux.step(['Down', 'Enter'], `pisonet-${d.mac}`);
      expect(screen).toContain('Site branch-c:');
    } finally {
      tmux.kill();
    }
  });

  test('an unknown site and a router that is down are clear errors', async () => {
    const unknown = await runCli(h, ['queues', 'list', '--site', 'nowhere']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Site "nowhere" not found/);
    sim.setReachable(false);
    try {
      const down = await runCli(h, ['router', 'test', '--site', 'branch-c'], {
        env: { ROUTER_TIMEOUT_SECONDS: '1' },
      });
      expect(down.code).toBe(1);
      expect(down.stderr).toMatch(/Site "branch-c": its router at 127\.0\.0\.1:\d+ cannot be reached/);
      expect(down.stderr).not.toContain(PASS);
    } finally {
      sim.setReachable(true);
    }
  });
});

async function waitFor(ok: () => boolean, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
