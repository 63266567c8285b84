/**
 * `pisonet subscribers adopt` from the terminal, against the harness's simulated router: a dry run changes nothing,
 * a bad entry is refused naming it (exit 2, nothing written), then the secrets (without NAMEs: every one not ours)
 * become subscribers and the same secrets ours.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { ownersSetUp, PROFILES } from './helpers';

jest.setTimeout(180_000); // seven runs of the terminal, each compiling its sources when dist/ is not current
let h: Harness;
const rows = () => h.sim.rows('/ppp/secret').map((r) => ({ ...r }));

beforeAll(async () => {
  h = await createHarness({ profiles: PROFILES });
  await ownersSetUp(h);
  await h.router.add('/ppp/secret', { name: 'dodong', password: 'Dodong-pass-1', profile: 'default' });
  await h.router.add('/ppp/secret', { name: 'inday', password: 'Inday-pass-1', profile: 'default' });
});
afterAll(async () => {
  await h.close();
});

const base = ['subscribers', 'adopt', '--site', 'default', '--plan', 'HOME10', '--billing-day', '5'];

describe('pisonet subscribers adopt', () => {
  it('shows a dry run, refuses a bad entry by name, then adopts', async () => {
    const before = rows();
    const dry = await runCli(h, [...base, '--dry-run', 'dodong=09171230001', 'inday=09171230002']);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/dodong\s+S-000001\s+default → pisonet-HOME10\s+offline/);
    expect(dry.stdout).toContain('Dry run: nothing changed. 2 secret(s) would be adopted.');
    expect(rows()).toEqual(before);

    const bad = await runCli(h, [...base, 'dodong=09171230001', 'inday=555', 'ghost=09171230003']);
    expect(bad.code).toBe(2);
    // Each problem named by its secret, not by an index the terminal never showed.
    expect(bad.stderr).toMatch(/inday \(mobile\): /);
    expect(bad.stderr).toMatch(/ghost: there is no PPP secret ghost/);
    expect(bad.stderr).not.toMatch(/secrets\[/);
    expect(rows()).toEqual(before);
    expect(await h.core!.db('subscribers').count({ n: '*' }).first()).toMatchObject({ n: 0 });

    const done = await runCli(h, [...base, '--json', 'dodong=09171230001', 'inday=09171230002']);
    expect(done.stderr).toBe('');
    const out = JSON.parse(done.stdout);
    expect(out).toMatchObject({ dry_run: false, applied: 'done' });
    expect(out.secrets.map((s: { subscriber: { account_no: string } }) => s.subscriber.account_no)).toEqual([
      'S-000001',
      'S-000002',
    ]);
    const dodong = h.sim.rows('/ppp/secret').filter((r) => r.name === 'dodong');
    expect(dodong).toEqual([
      expect.objectContaining({
        comment: 'pisonet subscriber S-000001',
        profile: 'pisonet-HOME10',
        password: 'Dodong-pass-1',
      }),
    ]);

    const none = await runCli(h, base);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('nothing to adopt');
  });

  it("without NAME names a bad secret by its name, and shows each secret's fixed address", async () => {
    await h.router.add('/ppp/secret', { name: 'shortpw', password: '1234', profile: 'default' });
    await h.router.add('/ppp/secret', {
      name: 'cam.fixed',
      password: 'Cam-fixed-pass-1',
      profile: 'default',
      'remote-address': '10.99.0.5',
    });
    const all = await runCli(h, [...base, '--dry-run']);
    expect(all.code).toBe(2);
    expect(all.stderr).toMatch(/shortpw: the router's password is not one a subscriber can have/);
    expect(all.stderr).not.toMatch(/secrets\[/);
    const cam = await runCli(h, [...base, '--dry-run', 'cam.fixed']);
    expect(cam.stderr).toBe('');
    expect(cam.stdout).toMatch(
      /cam\.fixed\s+S-000003\s+default → pisonet-HOME10\s+10\.99\.0\.5 kept\s+offline/,
    );
  });
});
