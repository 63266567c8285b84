/**
 * The terminal's RADIUS commands, as a script runs them: `pisonet sites add --mode radius` (the secret from
 * standard input, never printed) and `pisonet radius freeradius-config` (exit 0, one line per file written, files
 * readable by their owner only, every RADIUS site a client). On SQLite both are refused with what to do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHarness, type Harness } from '../helpers/harness';
import { onPostgres } from '../helpers/test-db';
import { runCli } from '../cli/helpers';

const SECRET = 'Cli-radius-Secret-9';

describe('pisonet sites add --mode radius and pisonet radius freeradius-config', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await createHarness();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-frconf-'));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await h.close();
  });

  const add = () =>
    runCli(
      h,
      [
        'sites',
        'add',
        '--name',
        'branch-r',
        '--mode',
        'radius',
        '--nas-address',
        '10.30.0.1',
        '--radius-secret-stdin',
        '--json',
      ],
      { input: `${SECRET}\n` },
    );

  if (!onPostgres) {
    it('on SQLite both are refused, saying RADIUS mode needs PostgreSQL (exit 1)', async () => {
      const r = await add();
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/RADIUS_NEEDS_POSTGRES/);
      const c = await runCli(h, ['radius', 'freeradius-config', '--dir', dir]);
      expect(c.code).toBe(1);
      expect(c.stderr).toMatch(/PostgreSQL/);
    });
    return;
  }

  it('adds a RADIUS site with the secret from stdin; it is never printed', async () => {
    const r = await add();
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).site).toMatchObject({
      name: 'branch-r',
      mode: 'radius',
      nas_address: '10.30.0.1',
      coa_port: 3799,
      radius_secret_set: true,
      api_access: false,
    });
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    const bad = await runCli(
      h,
      [
        'sites',
        'add',
        '--name',
        'branch-s',
        '--mode',
        'radius',
        '--nas-address',
        'nope',
        '--radius-secret-stdin',
      ],
      {
        input: 'short\n',
      },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/nas_address/);
    expect(bad.stderr).not.toContain('short');
  });

  it('writes the configuration: exit 0, one line per file, owner-only files, the site a client', async () => {
    const r = await runCli(h, [
      'radius',
      'freeradius-config',
      '--dir',
      dir,
      '--auth-port',
      '21812',
      '--acct-port',
      '21813',
    ]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(8);
    for (const line of lines) {
      const file = /^wrote (.+)$/.exec(line)?.[1];
      expect(file).toBeDefined();
      expect(fs.statSync(file!).mode & 0o777).toBe(0o600);
    }
    const clients = fs.readFileSync(path.join(dir, 'clients.conf'), 'utf8');
    expect(clients).toContain('ipaddr = 10.30.0.1');
    expect(clients).toContain(`secret = "${SECRET}"`);
    expect(fs.readFileSync(path.join(dir, 'sites-enabled', 'pisonet'), 'utf8')).toContain('port = 21812');
    // FreeRADIUS itself finds it complete (its own configuration check), when it is installed here.
    if (fs.existsSync('/usr/sbin/freeradius')) {
      const { execFileSync } = await import('node:child_process');
      expect(() => execFileSync('/usr/sbin/freeradius', ['-C', '-d', dir], { stdio: 'pipe' })).not.toThrow();
    }
    const same = await runCli(h, [
      'radius',
      'freeradius-config',
      '--dir',
      dir,
      '--auth-port',
      '1812',
      '--acct-port',
      '1812',
    ]);
    expect(same.code).toBe(2);
  });
});
