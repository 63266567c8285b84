/**
 * A branch's router replaced by another machine at the same address: the site's stack goes into safe
 * mode (it writes nothing there), the Sites page and GET /admin/api/sites say so with what to do for THAT site,
 * and the owner adopts the new router from the Sites page, the API or the terminal
 * (`pisonet router adopt --site`); the site's next poll then puts its vouchers' users on the new router. A server
 * whose binding is in safe mode sees an adoption made by the terminal within SAFE_RECHECK_MS.
 */
import { SAFE_RECHECK_MS } from '../../src/services/network/router-binding';
import { AdminClient } from '../admin/client';
import { runCli } from '../cli/helpers';
import type { Harness } from '../helpers/harness';
import type { RouterSimulator } from '../../src/simulator';
import { api, harnessWithBranches, replaceRouter, type Branch } from './helpers';

// One test starts a CLI process (tsx compiles the CLI): generous on a loaded 2-core machine.
jest.setTimeout(180_000);

type SiteJson = { name: string; connected: boolean; error: { code: string; message: string } | null };

describe('adopting a branch router that replaced the old one', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
  });
  afterAll(() => close());

  const stackOf = (b: Branch) => h.core!.siteStacks.get(b.id)!;

  /** Another machine answers at the branch's address and port; the stack reconnects and checks it. */
  async function replace(key: 'a' | 'b', identity: string): Promise<RouterSimulator> {
    branch[key] = await replaceRouter(branch[key], identity); // stopped by close()
    const other = branch[key].sim;
    const s = stackOf(branch[key]);
    for (let i = 0; i < 200 && !(s.router.status.connected && s.router.status.identity === identity); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await s.binding.check()).mode).toBe('safe');
    await h.core!.siteMonitor!.refresh(branch[key].id);
    return other;
  }

  const siteJson = async (name: string): Promise<SiteJson> => {
    const res = await api(h, 'GET', '/sites');
    return (res.json.sites as SiteJson[]).find((s) => s.name === name)!;
  };

  test('safe mode is shown for the site with its own remedy; the Sites page and the API adopt; the poll repairs', async () => {
    const made = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 2, site: 'branch-b' });
    expect(made.status).toBe(201);
    const codes = (made.json.vouchers as Array<{ code: string }>).map((v) => v.code);
    const other = await replace('b', 'Not-Branch-B');

    const site = await siteJson('branch-b');
    expect(site.error?.code).toBe('SAFE_MODE');
    expect(site.error?.message).toContain('Sites → branch-b → Adopt this router');
    expect(site.error?.message).toContain('npm run cli -- router adopt --site branch-b');
    expect(site.error?.message).not.toContain('ROUTER_HOST');
    // Nothing is written to the stranger while in safe mode: the poll is skipped.
    await stackOf(branch.b).pollOnce();
    expect(other.rows('/ip/hotspot/user').filter((u) => codes.includes(u.name))).toHaveLength(0);

    const admin = new AdminClient(h.app!.url);
    await admin.login();
    const page = await admin.html('/admin/sites');
    expect(page).toMatch(/data-site="branch-b"[\s\S]*safe mode[\s\S]*data-testid="site-adopt"/);
    expect(page.match(/data-testid="site-adopt"/g)).toHaveLength(1);

    const res = await admin.post(`/admin/sites/${branch.b.id}/adopt`, {}, await admin.token('/admin/sites'));
    expect(res.status).toBe(303);
    const after = await admin.html('/admin/sites');
    expect(after).toContain('Router &#34;Not-Branch-B&#34; adopted for site branch-b');
    expect(after).not.toContain('data-testid="site-adopt"');
    expect((await siteJson('branch-b')).error).toBeNull();
    const audit = await h.core!.db('audit_log').where({ action: 'router.adopt' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ target: 'Not-Branch-B' });
    expect(JSON.parse(String(audit[0].details))).toMatchObject({ site: 'branch-b' });

    // The site's next poll puts its vouchers' users on the new router.
    await stackOf(branch.b).pollOnce();
    expect(other.rows('/ip/hotspot/user').filter((u) => codes.includes(u.name))).toHaveLength(2);

    // Adopting again through the API is harmless; a site that is not connected is a clear 503.
    const again = await api(h, 'POST', `/sites/branch-b/adopt`);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ success: true, site: { name: 'branch-b' }, identity: 'Not-Branch-B' });
    expect((await api(h, 'POST', '/sites/no-such-site/adopt')).status).toBe(404);
  });

  test('the terminal adopts a branch; the server in safe mode sees it within a minute', async () => {
    await replace('a', 'Not-Branch-A');
    const refused = await runCli(h, ['router', 'adopt', '--site', 'branch-a']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('--yes');

    const res = await runCli(h, ['router', 'adopt', '--site', 'branch-a', '--yes']);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Router "Not-Branch-A" adopted for site branch-a');

    // The server's binding looked a moment ago: it looks again once SAFE_RECHECK_MS have passed.
    const s = stackOf(branch.a);
    expect(s.binding.state().mode).toBe('safe');
    h.clock.advance(SAFE_RECHECK_MS);
    expect(await s.binding.ready()).toBe(true);
    expect(s.binding.state()).toMatchObject({ mode: 'bound', identity: 'Not-Branch-A' });
  });

  test('a router that is down cannot be adopted: 503, nothing changes', async () => {
    await branch.b.sim.stop();
    const s = stackOf(branch.b);
    for (let i = 0; i < 200 && s.router.status.connected; i++) await new Promise((r) => setTimeout(r, 50));
    const res = await api(h, 'POST', `/sites/${branch.b.id}/adopt`);
    expect(res.status).toBe(503);
    expect(String(res.json.error)).toMatch(/Connect to the router first/);
  });
});
