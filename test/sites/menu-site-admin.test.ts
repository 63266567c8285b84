/**
 * The terminal menu's Sites screen: the sites and their routers listed, a site's router tested, a
 * site added (a refusal by the service shown, the answers kept for fixing), edited (the password kept unless
 * changed), removed (a site with vouchers asks before ending them) and a replaced router adopted, on the same
 * service and router steps as the admin and `pisonet sites` / `pisonet router adopt --site`.
 */
import type { Harness } from '../helpers/harness';
import { cliEnv, TmuxCli } from '../cli/helpers';
import { api, harnessWithBranches, replaceRouter, type Branch } from './helpers';

jest.setTimeout(180_000);

const SECRET = 'Menu-s1te-pass';

describe('menu: sites (routers)', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  let tmux: TmuxCli;
  const siteRow = (name: string) => h.core!.db('sites').where({ name }).first();

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
    // What the server read of the branches, which the terminal shows (it polls none of them itself).
    await h.core!.siteMonitor!.refreshAll();
    tmux = new TmuxCli();
    tmux.start(cliEnv(h, { NO_COLOR: '' }), { width: 110 });
    const first = await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
    // Under the .env router's line, every site at a glance.
    expect(first).toMatch(/router: connected · .*\nsites: 3 of 3 online\n/);
    await tmux.step(['8', 'Enter'], 'Adopt a site’s router (ends safe mode)');
  });
  afterAll(async () => {
    tmux.kill();
    await close();
  });

  test('list and test; add with a refusal fixed; edit keeps the password', async () => {
    const list = await tmux.step(['1', 'Enter'], 'ACTIVE VOUCHERS');
    expect(list).toMatch(/1\s+default\s+127\.0\.0\.1:\d+\s+online/);
    expect(list).toMatch(/branch-a\s+127\.0\.0\.1:\d+\s+(online|not read yet)/);

    const pick = await tmux.step(['2', 'Enter'], 'Test which site’s router?');
    expect(pick).toContain('(.env router)');
    const tested = await tmux.step(['Down', 'Enter'], 'Round trip:');
    expect(tested).toContain('Site branch-a');
    expect(tested).toMatch(/Identity:\s+Branch-A/);

    await tmux.step(['3', 'Enter'], 'Site name');
    await tmux.step(['branch-a', 'Enter'], 'Router address');
    await tmux.step(['127.0.0.1', 'Enter'], 'Connect with TLS');
    await tmux.step(['Enter'], 'API port:');
    await tmux.step(['BSpace', '9', 'Enter'], 'API user:');
    await tmux.step(['pisonet', 'Enter'], 'Hotspot server');
    await tmux.step(['Enter'], 'Hotspot user profile');
    await tmux.step(['Enter'], 'Time zone');
    await tmux.step(['Enter'], 'WiFi name on its cards');
    await tmux.step(['Enter'], 'API password of pisonet (Enter: none):');
    const refused = await tmux.step([SECRET, 'Enter'], 'Not saved yet.');
    expect(refused).toContain('SITE_NAME_TAKEN');
    expect(refused).not.toContain(SECRET);
    expect(await h.core!.db('sites').pluck('name')).toHaveLength(3); // nothing saved
    await tmux.step(['Enter'], 'Site name');
    await tmux.step(['branch-c', 'Enter'], 'Router address');
    for (const next of [
      'Connect with TLS',
      'API port:',
      'API user:',
      'Hotspot server',
      'Hotspot user profile',
    ])
      await tmux.step(['Enter'], next);
    await tmux.step(['Enter'], 'Time zone');
    await tmux.step(['Enter'], 'WiFi name on its cards');
    const added = await tmux.step(['Enter'], 'Added site branch-c');
    expect(added).toContain('127.0.0.1:9, user pisonet, password stored encrypted.');
    const row = await siteRow('branch-c');
    expect(row).toMatchObject({ host: '127.0.0.1', port: 9, username: 'pisonet', tz: null, wifi_name: null });
    expect(row.password_enc).toBeTruthy();
    expect(row.password_enc).not.toContain(SECRET);

    const editable = await tmux.step(['4', 'Enter'], 'Edit which site?');
    const choices = editable.slice(editable.lastIndexOf('Edit which site?'));
    expect(choices).toContain('branch-c');
    expect(choices).not.toContain('default');
    await tmux.step(['Down', 'Down', 'Enter'], 'Site name');
    await tmux.step(['Enter'], 'Router address');
    await tmux.step(['Enter'], 'Connect with TLS');
    await tmux.step(['y', 'Enter'], 'API port:');
    for (const next of ['API user:', 'Hotspot server', 'Hotspot user profile', 'Time zone'])
      await tmux.step(['Enter'], next);
    await tmux.step(['Asia/Jakarta', 'Enter'], 'WiFi name on its cards');
    await tmux.step(['Branch-C WiFi', 'Enter'], 'Change the stored password?');
    const saved = await tmux.step(['Enter'], 'Saved site branch-c');
    expect(saved).toContain('127.0.0.1:9 with TLS');
    const after = await siteRow('branch-c');
    expect(after).toMatchObject({
      port: 9,
      tz: 'Asia/Jakarta',
      wifi_name: 'Branch-C WiFi',
      password_enc: row.password_enc,
    });
    expect(Boolean(after.tls)).toBe(true);
  });

  test('remove asks before ending the vouchers; a replaced router is adopted', async () => {
    const made = await api(h, 'POST', '/vouchers', { profile: 'BASIC', count: 2, site: 'branch-c' });
    expect(made.status).toBe(201);
    await tmux.step(['5', 'Enter'], 'Remove which site?');
    await tmux.step(['Down', 'Down', 'Enter'], 'Its router is left as it is.');
    const asked = await tmux.step(['y', 'Enter'], 'End them');
    expect(asked).toContain('still has 2 unused vouchers');
    expect(await siteRow('branch-c')).toBeDefined();
    const removed = await tmux.step(['y', 'Enter'], 'Removed site branch-c.');
    expect(removed).toContain('Ended 2 unused and 0 active voucher(s)');
    expect(await siteRow('branch-c')).toBeUndefined();
    const codes = (made.json.vouchers as Array<{ code: string }>).map((v) => v.code);
    const statuses = await h.core!.db('vouchers').whereIn('code', codes).pluck('status');
    expect(statuses).toEqual(['revoked', 'revoked']);

    branch.b = await replaceRouter(branch.b, 'Not-Branch-B'); // stopped by close()
    await tmux.step(['6', 'Enter'], 'Adopt the router of which site?');
    const ask = await tmux.step(['Down', 'Down', 'Enter'], 'for this database?');
    expect(ask).toContain('Adopt router "Not-Branch-B" for site branch-b');
    const adopted = await tmux.step(['y', 'Enter'], 'adopted for site branch-b');
    expect(adopted).toContain('the next poll brings it to this database');
    // A second look, on a new connection, finds it bound.
    await tmux.step(['6', 'Enter'], 'Adopt the router of which site?');
    const again = await tmux.step(['Down', 'Down', 'Enter'], 'nothing to adopt');
    expect(again).toContain(`Router "Not-Branch-B" is already this database's router for site branch-b`);

    // A branch the server last found down is named under the main menu's router line.
    await h.core!.db('sites').where({ name: 'branch-a' }).update({
      last_error_code: 'ROUTER_UNREACHABLE',
      last_error: 'The router refused the connection',
    });
    const main = await tmux.step(['0', 'Enter'], '8) Sites (routers)');
    expect(main).toMatch(/sites: 2 of 3 online · branch-a offline/);
  });
});
