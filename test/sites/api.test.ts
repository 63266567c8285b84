import type { RouterSimulator } from '../../src/simulator';
import { createHarness, type Harness } from '../helpers/harness';
import { api, capturingLogger, settlesFirst, startRouter } from './helpers';

const PASS_A = 'Alpha-pa55word';
const PASS_B = 'Bravo-pa55word';

describe('sites API: add, live status from two routers, edit, delete', () => {
  let h: Harness;
  let lines: string[];
  const routers: { sim: RouterSimulator; port: number }[] = [];

  beforeAll(async () => {
    const cap = capturingLogger();
    lines = cap.lines;
    h = await createHarness({ http: true, log: cap.log });
    routers.push(await startRouter({ identity: 'Branch-A', password: PASS_A, devices: 2 }));
    routers.push(await startRouter({ identity: 'Branch-B', password: PASS_B, devices: 3 }));
  });
  afterAll(async () => {
    await h.close();
    for (const r of routers) await r.sim.stop();
  });

  const site = async (name: string) =>
    (await api(h, 'GET', '/sites')).json.sites.find((s: { name: string }) => s.name === name);

  it('needs the admin token; bad input is refused with its fields named', async () => {
    expect((await fetch(`${h.app!.url}/admin/api/sites`)).status).toBe(401);
    const bad = await api(h, 'POST', '/sites', { name: 'a b', host: '300.1.1.1', port: 0, user: '' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    expect(Object.keys(bad.json.fields).sort()).toEqual(['host', 'name', 'port', 'user']);
  });

  it('adds two sites and lists each router live: connected, identity, devices online, last read', async () => {
    for (const [i, [name, password]] of [
      ['branch-a', PASS_A],
      ['branch-b', PASS_B],
    ].entries()) {
      const res = await api(h, 'POST', '/sites', {
        name,
        host: '127.0.0.1',
        port: routers[i].port,
        user: 'pisonet',
        password,
      });
      expect(res.status).toBe(201);
      expect(res.json.site).toMatchObject({ name, password_set: true });
      expect(typeof res.json.site.id).toBe('number');
    }
    // Both connections are up (each connects on its own), then one read of each.
    await waitFor(async () =>
      (await api(h, 'GET', '/sites')).json.sites.every((s: { connected: boolean }) => s.connected),
    );
    await h.core!.siteMonitor!.refreshAll();
    const list = await api(h, 'GET', '/sites');
    expect(list.status).toBe(200);
    expect(list.json.sites.map((s: { name: string }) => s.name)).toEqual(['default', 'branch-a', 'branch-b']);
    expect(list.json.sites[0]).toMatchObject({ id: 1, default: true, connected: true, identity: 'MikroTik' });
    expect(list.json.sites[1]).toMatchObject({
      connected: true,
      identity: 'Branch-A',
      online: 2,
      error: null,
      port: routers[0].port,
      tls: false,
    });
    expect(list.json.sites[2]).toMatchObject({
      connected: true,
      identity: 'Branch-B',
      online: 3,
      error: null,
    });
    expect(Date.parse(list.json.sites[1].last_poll_at)).toBe(h.clock.now());
    // The one read per router asks for ids only.
    expect(routers[0].sim.stats.commandsByPath['/ip/hotspot/active/print']).toBeGreaterThan(0);
  });

  it('edits: a wrong password shows as the router refusing the login; the right one reconnects', async () => {
    const a = await site('branch-a');
    const bad = await api(h, 'PUT', `/sites/${a.id}`, { password: 'wrong-one' });
    expect(bad.status).toBe(200);
    // The new connection fails its login; the site says so in the owner's terms.
    await waitFor(async () => (await site('branch-a')).error?.code === 'ROUTER_LOGIN_FAILED');
    const down = await site('branch-a');
    expect(down.connected).toBe(false);
    expect(down.error.message).toMatch(/password/i);
    expect(down.error.message).not.toContain('wrong-one');
    // Worded for this site, not for the .env router's settings.
    expect(down.error.message).toContain("the site's API user and password");
    expect(down.error.message).not.toContain('ROUTER_PASSWORD');
    // So are the log lines of that site's connection.
    const logged = lines.filter((l) => l.includes('branch-a') && l.includes('ROUTER_LOGIN_FAILED'));
    expect(logged.length).toBeGreaterThan(0);
    for (const l of logged) expect(l).not.toContain('ROUTER_PASSWORD');
    expect(logged.some((l) => l.includes("the site's API user and password"))).toBe(true);
    // /healthz (for a monitoring system) names the site and the same error, never a secret.
    const health = await fetch(`${h.app!.url}/healthz`);
    const body = await health.text();
    const sites = (JSON.parse(body) as { sites: Array<Record<string, unknown>> }).sites;
    expect(sites.map((x) => x.name)).toEqual(['branch-a', 'branch-b']);
    expect(sites[0]).toMatchObject({ connected: false, error: { code: 'ROUTER_LOGIN_FAILED' } });
    expect(sites[1]).toMatchObject({ connected: true, error: null });
    expect(body).not.toContain('wrong-one');
    expect(body).not.toContain(PASS_B);

    const fixed = await api(h, 'PUT', `/sites/branch-a`, { password: PASS_A, tz: 'Asia/Manila' });
    expect(fixed.json.site).toMatchObject({ tz: 'Asia/Manila', password_set: true });
    await waitFor(async () => (await site('branch-a')).connected === true);
    // A change that is not the connection's (the time zone) keeps the connection as it is.
    const before = routers[0].sim.stats.connections;
    await api(h, 'PUT', `/sites/branch-a`, { tz: '' });
    expect(routers[0].sim.stats.connections).toBe(before);
    expect((await api(h, 'PUT', '/sites/1', { host: '10.0.0.1' })).json.code).toBe('SITE_DEFAULT_FIXED');
  });

  it('one router hung (connected, never answers): the other is read and the list and page answer meanwhile', async () => {
    const [a, b] = [await site('branch-a'), await site('branch-b')];
    routers[1].sim.faults.silenceAfterLogin();
    h.clock.advance(60_000);
    const all = h.core!.siteMonitor!.refreshAll();
    const hungRead = h.core!.siteMonitor!.refresh(b.id);
    // Branch A's read completes while Branch B's is still waiting for its router.
    expect(await settlesFirst(h.core!.siteMonitor!.refresh(a.id), hungRead)).toBe(true);
    // The list and the page answer while B's read is still outstanding.
    const listed = api(h, 'GET', '/sites');
    expect(await settlesFirst(listed, hungRead)).toBe(true);
    const { json } = await listed;
    const freshA = json.sites.find((s: { name: string }) => s.name === 'branch-a');
    expect(Date.parse(freshA.last_poll_at)).toBe(h.clock.now());
    const page = fetch(`${h.app!.url}/admin/sites`, {
      headers: { authorization: 'Bearer test-token-0123456789abcdef' },
    });
    expect(await settlesFirst(page, hungRead)).toBe(true);
    expect((await page).status).toBe(200);
    // B's read ends with the timeout, and B says so.
    await all;
    const hung = await site('branch-b');
    expect(hung.error?.code).toBe('ROUTER_TIMEOUT');
    expect(Date.parse(hung.last_poll_at)).toBeLessThan(h.clock.now());
    routers[1].sim.faults.clear();
  });

  it('deletes a site: its connection closes; the default cannot be deleted', async () => {
    const b = await site('branch-b');
    const del = await api(h, 'DELETE', `/sites/${b.id}`);
    expect(del.json).toEqual({
      success: true,
      site: { id: b.id, name: 'branch-b' },
      ended: { unused: 0, active: 0 },
    });
    expect(h.core!.siteMonitor!.status(b.id)).toBeUndefined();
    expect((await api(h, 'GET', '/sites')).json.sites).toHaveLength(2);
    expect((await api(h, 'DELETE', `/sites/${b.id}`)).status).toBe(404);
    const def = await api(h, 'DELETE', '/sites/default');
    expect(def.status).toBe(409);
    expect(def.json.code).toBe('SITE_DEFAULT_FIXED');
  });

  it('the .env router hung: the sites list still answers, from what the controller already knows', async () => {
    h.sim.faults.silenceAfterLogin();
    const hung = h.router.print('/system/identity');
    const listed = api(h, 'GET', '/sites');
    expect(await settlesFirst(listed, hung)).toBe(true);
    const { status, json } = await listed;
    expect(status).toBe(200);
    expect(json.sites[0]).toMatchObject({ name: 'default', identity: 'MikroTik' });
    await hung.catch(() => undefined);
    h.sim.faults.clear();
  });

  it('never shows or logs a router password', async () => {
    const everything = lines.join('\n');
    expect(lines.length).toBeGreaterThan(10);
    for (const p of [PASS_A, PASS_B, 'wrong-one']) expect(everything).not.toContain(p);
    const listed = (await api(h, 'GET', '/sites')).text;
    for (const p of [PASS_A, PASS_B]) expect(listed).not.toContain(p);
    expect(listed).not.toContain('password_enc');
  });
});

/** Polls `cond` until true (a reconnect takes the client's backoff, which is real time). */
async function waitFor(cond: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
