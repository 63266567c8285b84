import { createHarness, Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';

describe('pisonet vendos', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('add prints the secret once; list, rotate-secret and collect work on the same vendo', async () => {
    const added = await runCli(h, [
      'vendos',
      'add',
      '--name',
      'Counter box',
      '--profile',
      'BASIC',
      '--rates',
      '1=10m,5=1h,10=3h',
      '--json',
    ]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const { vendo } = JSON.parse(added.stdout) as { vendo: { id: string; secret: string; rates: unknown[] } };
    expect(vendo.secret).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(vendo.rates).toEqual([
      { amount: 1, validity: '10m', seconds: 600 },
      { amount: 5, validity: '1h', seconds: 3600 },
      { amount: 10, validity: '3h', seconds: 10800 },
    ]);

    const list = await runCli(h, ['vendos', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/Counter box\s+offline\s+BASIC/);
    expect(list.stdout).not.toContain(vendo.secret);

    const rotated = await runCli(h, ['vendos', 'rotate-secret', vendo.id]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/secret: {3}[A-Za-z0-9]{32}/);
    expect(rotated.stdout).not.toContain(vendo.secret);

    const collected = await runCli(h, ['vendos', 'collect', vendo.id, '--counted', '0']);
    expect(collected.stdout).toMatch(/counted ₱0.00, the ledger expected ₱0.00 \(matches\)/);
    expect(await h.core!.db('vendo_collections')).toHaveLength(1);
  }, 90000);

  it('bad input: exit 2 with the field named, nothing written', async () => {
    const bad = await runCli(h, [
      'vendos',
      'add',
      '--name',
      'X',
      '--profile',
      'BASIC',
      '--rates',
      '1=10 minutes',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/rates/);
    const unknown = await runCli(h, ['vendos', 'collect', 'vendo-nope', '--counted', '5']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/No vendo "vendo-nope" \(VENDO_NOT_FOUND\)/);
    expect(await h.core!.db('vendos').where({ name: 'X' })).toHaveLength(0);
  }, 90000);
});
