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
    const json = await runCli(h, ['sites', 'list', '--json']);
    const listed = (JSON.parse(json.stdout) as { sites: Record<string, unknown>[] }).sites;
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
