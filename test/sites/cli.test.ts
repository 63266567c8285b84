import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';

const SECRET = 'Cli-r0uter-pass';

describe('pisonet sites', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('add (password from stdin), list, edit, remove; the password is never printed', async () => {
    const added = await runCli(
      h,
      [
        'sites',
        'add',
        '--name',
        'branch-2',
        '--host',
        '10.20.0.1',
        '--user',
        'pisonet',
        '--password-stdin',
        '--json',
      ],
      { input: `${SECRET}\n` },
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const { site } = JSON.parse(added.stdout) as { site: Record<string, unknown> };
    expect(site).toMatchObject({ name: 'branch-2', host: '10.20.0.1', port: 8728, password_set: true });
    const row = await h.core!.db('sites').where({ name: 'branch-2' }).first();
    expect(row.password_enc).not.toContain(SECRET);

    const list = await runCli(h, ['sites', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/default\s+127\.0\.0\.1:\d+/);
    expect(list.stdout).toMatch(/branch-2\s+10\.20\.0\.1:8728\s+not read yet/);

    // What the server last read shows in the terminal.
    await h.core!.db('sites').where({ id: row.id }).update({
      identity: 'Branch2-hAP',
      online: 7,
      last_poll_at: h.clock.now(),
      last_error_code: null,
    });
    // The server polled the .env router: the terminal, which polls nothing, shows when (not "never").
    await h.core!.services.usage.runCycle();
    const json = await runCli(h, ['sites', 'list', '--json']);
    const listed = (JSON.parse(json.stdout) as { sites: Record<string, unknown>[] }).sites;
    expect(listed[0]).toMatchObject({ name: 'default', last_poll_at: new Date(h.clock.now()).toISOString() });
    expect(listed[1]).toMatchObject({
      name: 'branch-2',
      identity: 'Branch2-hAP',
      online: 7,
      connected: true,
      live: false,
    });

    const edited = await runCli(h, [
      'sites',
      'edit',
      'branch-2',
      '--tls',
      '--port',
      '8729',
      '--name',
      'Branch-Two',
    ]);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('Saved site Branch-Two');
    const after = await h.core!.db('sites').where({ id: row.id }).first();
    expect(after).toMatchObject({ name: 'Branch-Two', port: 8729, password_enc: row.password_enc });
    expect(Boolean(after.tls)).toBe(true);

    const pw = await runCli(h, ['sites', 'edit', String(row.id), '--password-stdin'], {
      input: 'N3w-pass\n',
    });
    expect(pw.code).toBe(0);
    expect((await h.core!.db('sites').where({ id: row.id }).first()).password_enc).not.toBe(row.password_enc);

    const refused = await runCli(h, ['sites', 'remove', 'branch-two']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--yes');
    expect(await h.core!.db('sites').where({ id: row.id }).first()).toBeDefined();
    const removed = await runCli(h, ['sites', 'remove', 'branch-two', '--yes']);
    expect(removed.code).toBe(0);
    expect(await h.core!.db('sites').where({ id: row.id }).first()).toBeUndefined();

    for (const r of [added, list, json, edited, pw, refused, removed]) {
      expect(r.stdout + r.stderr).not.toContain(SECRET);
      expect(r.stdout + r.stderr).not.toContain('N3w-pass');
    }
  }, 120000);

  it('bad input: exit 2 with every field named; the default site is refused with where to change it', async () => {
    const bad = await runCli(h, [
      'sites',
      'add',
      '--name',
      'no spaces',
      '--host',
      'a..b',
      '--port',
      '99999',
      '--user',
      'x',
      '--no-password',
    ]);
    expect(bad.code).toBe(2);
    for (const f of ['name:', 'host:', 'port:']) expect(bad.stderr).toContain(f);
    expect(await h.core!.db('sites')).toHaveLength(1);
    const def = await runCli(h, ['sites', 'edit', 'default', '--host', '10.0.0.1']);
    expect(def.code).toBe(1);
    expect(def.stderr).toContain('.env');
  }, 60000);
});

describe('pisonet sites login-page and vouchers generate --site', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
    await runCli(
      h,
      ['sites', 'add', '--name', 'branch-3', '--host', '10.30.0.1', '--user', 'pisonet', '--password-stdin'],
      {
        input: 'x\n',
      },
    );
  });
  afterAll(async () => {
    await h.close();
  });

  it("prints a site's login page with the portal address and the site's name; without an address it says what to set", async () => {
    const page = await runCli(h, ['sites', 'login-page', 'branch-3', '--portal', 'http://10.5.50.2:5000']);
    expect(page.code).toBe(0);
    expect(page.stdout).toContain('<input type="hidden" name="site" value="branch-3" />');
    expect(page.stdout).toContain('action="http://10.5.50.2:5000/portal"');
    const noAddress = await runCli(h, ['sites', 'login-page', 'branch-3']);
    expect(noAddress.code).toBe(2);
    expect(noAddress.stderr).toContain('set PORTAL_URL in .env or pass --portal URL');
    const bad = await runCli(h, ['sites', 'login-page', 'branch-3', '--portal', 'javascript:alert(1)']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('is not an http(s) address');
    const nowhere = '/no-such-folder/login.html';
    const out = await runCli(h, [
      'sites',
      'login-page',
      'branch-3',
      '--portal',
      'http://10.5.50.2:5000',
      '--out',
      nowhere,
    ]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`out: cannot write ${nowhere}: the folder /no-such-folder does not exist`);
  });

  it('makes a batch for another site (pushed by the server later) or a roaming one; not both', async () => {
    const made = await runCli(h, [
      'vouchers',
      'generate',
      '--profile',
      'BASIC',
      '--count',
      '2',
      '--site',
      'branch-3',
      '--json',
    ]);
    expect(made.code).toBe(0);
    const { batch_id: batchId } = JSON.parse(made.stdout) as { batch_id: number };
    const rows = (await h.core!.db('vouchers').where({ batch_id: batchId })) as Array<{ site_id: number }>;
    const site = await h.core!.db('sites').where({ name: 'branch-3' }).first();
    expect(rows.map((r) => r.site_id)).toEqual([site.id, site.id]);
    // Not on the .env router: they belong to branch-3's.
    expect(h.sim.rows('/ip/hotspot/user').map((u) => u.name)).not.toContain(
      ((await h.core!.db('vouchers').where({ batch_id: batchId }).first()) as { code: string }).code,
    );
    const both = await runCli(h, [
      'vouchers',
      'generate',
      '--profile',
      'BASIC',
      '--count',
      '1',
      '--site',
      'branch-3',
      '--roaming',
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('choose one of --site and --roaming');
  });
});
