import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { PROFILES } from './helpers';

describe('pisonet subscribers import', () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await createHarness({ profiles: PROFILES });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-cli-'));
  });
  afterAll(async () => {
    await h.close();
  });
  const file = (name: string, text: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  };

  it('checks with --dry-run, refuses a bad file naming its rows, imports, and skips what exists', async () => {
    const good = file(
      'good.csv',
      'username,name,mobile,plan,billing_day\nana.reyes,Ana Reyes,09171234501,HOME10,5\nben.cruz,Ben Cruz,09171234502,HOME25,15\n',
    );
    const dry = await runCli(h, ['subscribers', 'import', good, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('row 2: ana.reyes would be added');
    expect(dry.stdout).toMatch(/Dry run on default: 2 would be added, 0 exist already/);
    expect(await h.core!.db('subscribers').count({ n: '*' })).toEqual([{ n: 0 }]);

    const bad = file(
      'bad.csv',
      'username,name,mobile,plan,billing_day\ncora,Cora Lim,09171234503,GOLD99,5\n',
    );
    const refused = await runCli(h, ['subscribers', 'import', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/row 2, plan: .*GOLD99/);

    const done = await runCli(h, ['subscribers', 'import', good, '--json']);
    expect(done.code).toBe(0);
    const out = JSON.parse(done.stdout);
    expect(out).toMatchObject({ created: 2, exists: 0 });
    expect(out.rows[0]).toMatchObject({ row: 2, outcome: 'created', password_made: true });
    expect(out.rows[0].password).toMatch(/^[A-Za-z0-9]{16}$/);
    const again = await runCli(h, ['subscribers', 'import', good]);
    expect(again.stdout).toMatch(/0 added, 2 existed already/);
  }, 180_000);

  it("shows each row's plan and opening balance, flags a likely typo, and imports it only with --yes", async () => {
    const rows = ['dan.typo,Dan Uy,HOME10,5,99900', 'eve.ok,Eve Go,HOME10,5,999'];
    const typo = file('typo.csv', ['username,name,plan,billing_day,opening_balance', ...rows, ''].join('\n'));
    const dry = await runCli(h, ['subscribers', 'import', typo, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'row 2: dan.typo would be added (HOME10 ₱999.00/month, opening balance ₱99,900.00)',
    );
    expect(dry.stdout).toContain('flagged: ₱99,900.00 brought forward is 100 months of HOME10');
    expect(dry.stdout).toContain(
      'row 3: eve.ok would be added (HOME10 ₱999.00/month, opening balance ₱999.00)',
    );
    expect(dry.stdout).toMatch(/1 opening balance flagged: .*--yes/);

    const refused = await runCli(h, ['subscribers', 'import', typo]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/row 2, dan\.typo: ₱99,900\.00 brought forward/);
    expect(refused.stderr).toMatch(/add --yes if it is right/);
    expect(await h.core!.db('subscribers').where({ username: 'dan.typo' }).first()).toBeUndefined();

    const done = await runCli(h, ['subscribers', 'import', typo, '--yes']);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/2 added/);
  }, 180_000);
});
