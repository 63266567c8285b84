/**
 * `--site` on the terminal's listings and reports (vouchers list/export, report sales/usage, events): the same
 * service arguments as the admin's `?site=`; an unknown site is SITE_NOT_FOUND (exit 1), as every `--site` says it.
 */
import { runCli } from '../cli/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { seedTwoSites, type Fixture } from './fixture';

const RANGE = ['--from', '2026-11-01', '--to', '2026-11-30'];

describe('pisonet … --site', () => {
  let h: Harness;
  let f: Fixture;
  beforeAll(async () => {
    h = await createHarness();
    f = await seedTwoSites(h);
  });
  afterAll(async () => {
    await h.close();
  });

  const json = async (args: string[]) => {
    const r = await runCli(h, args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };

  it('report sales and usage: one site each, adding up to every site', async () => {
    const total = async (site?: string) =>
      (
        (
          await json([
            'report',
            'sales',
            ...RANGE,
            '--by',
            'day',
            '--json',
            ...(site ? ['--site', site] : []),
          ])
        ).total as { count: number; amount: number; amount_centavos: number }
      ).amount_centavos;
    const [a, b, all] = [await total('default'), await total('branch-b'), await total()];
    // The terminal answers money as the HTTP API does: pesos, with the centavos beside.
    expect([a, b, all]).toEqual([3500, 3200, 6700]);
    const byName = await json(['report', 'sales', ...RANGE, '--site', 'BRANCH-B', '--json']);
    expect(byName.site).toBe('branch-b');
    const usage = await json(['report', 'usage', ...RANGE, '--site', String(f.siteB), '--json']);
    expect(usage).toMatchObject({ site: 'branch-b', bytes_up: 3000, bytes_down: 30000, vouchers: 2 });
  });

  it('vouchers list and export, events: one site', async () => {
    const list = await json(['vouchers', 'list', '--site', 'branch-b', '--status', 'active', '--json']);
    expect((list.vouchers as { code: string }[]).map((v) => v.code).sort()).toEqual(['BBBB0001', 'BBBB0002']);
    const csv = await runCli(h, ['vouchers', 'export', '--site', 'default']);
    expect(csv.stdout).toContain('AAAA0001');
    expect(csv.stdout).not.toContain('BBBB0001');
    const events = await json(['events', '--site', 'branch-b', '--json']);
    expect((events.events as { message: string; code: string }[]).map((e) => [e.code, e.message])).toEqual([
      ['BBBB0002', 'Online on B'],
      ['BBBB0001', 'Sold on B'],
    ]);
    const every = await runCli(h, ['events']);
    expect(every.stdout).toContain('Router away');
    expect(every.stdout).toMatch(/Sale\s+AAAA0001\s+Sold on A/);
  });

  it('an unknown site is SITE_NOT_FOUND (exit 1), as for the commands that talk to a router', async () => {
    for (const args of [
      ['vouchers', 'list', '--site', 'nowhere'],
      ['report', 'sales', '--site', '99'],
      ['events', '--site', 'nowhere'],
    ]) {
      const r = await runCli(h, args);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: Site ".+" not found \(SITE_NOT_FOUND\)/);
    }
  });

  it("sites list shows each site's income today and active vouchers", async () => {
    const r = await runCli(h, ['sites', 'list']);
    expect(r.code).toBe(0);
    // The terminal runs on the real clock, so "today" is not the fixture's day: the active vouchers tell.
    expect(r.stdout).toMatch(/SITE\s+INCOME TODAY\s+SOLD TODAY\s+ACTIVE VOUCHERS/);
    expect(r.stdout).toMatch(/default\s+₱[\d,.]+\s+\d+\s+2\n/);
    expect(r.stdout).toMatch(/branch-b\s+₱[\d,.]+\s+\d+\s+2\n/);
  });
});
