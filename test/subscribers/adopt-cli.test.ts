/**
 * `pisonet subscribers adopt` from the terminal, against the harness's simulated router: a dry run changes nothing,
 * a bad entry is refused naming it (exit 2, nothing written), then the secrets (without NAMEs: every one not ours)
 * become subscribers and the same secrets ours.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { ownersSetUp, PROFILES } from './helpers';

jest.setTimeout(240_000); // nine runs of the terminal, each compiling its sources when dist/ is not current
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
    // Every change the dry run names: account, comment, profile, service (the router's `any` → pppoe), session.
    expect(dry.stdout).toMatch(
      /dodong\s+S-000001\s+\(none\) → pisonet subscriber S-000001\s+default → pisonet-HOME10\s+any → pppoe\s+offline/,
    );
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
      /cam\.fixed\s+S-000003\s+\(none\) → pisonet subscriber S-000003\s+default → pisonet-HOME10\s+any → pppoe\s+10\.99\.0\.5 kept\s+offline/,
    );
  });

  it('shows the comment it replaces, and takes what a customer owes (NAME=MOBILE:OWED), a typo only with --yes', async () => {
    await h.router.add('/ppp/secret', {
      name: 'maria.cli',
      password: 'Maria-cli-pass-1',
      profile: 'default',
      service: 'l2tp',
      comment: 'Maria, Purok 3',
    });
    const dry = await runCli(h, [...base, '--dry-run', 'maria.cli=09171230005:850']);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toMatch(/Maria, Purok 3 → pisonet subscriber S-\d{6}/);
    expect(dry.stdout).toMatch(/l2tp → pppoe/);
    // ₱99,900 for a ₱999 plan: a typo? Refused, naming the secret, until --yes says it is right.
    const typo = await runCli(h, [...base, 'maria.cli=09171230005:99900']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toMatch(/maria\.cli: ₱99,900\.00 brought forward is 100 months of HOME10/);
    expect(typo.stderr).toMatch(/add --yes if it is right/);
    expect(await h.core!.db('subscribers').where({ username: 'maria.cli' }).first()).toBeUndefined();
    const done = await runCli(h, [...base, '--yes', '--json', 'maria.cli=09171230005:99900']);
    expect(done.stderr).toBe('');
    const maria = await h
      .core!.db('subscribers')
      .where({ username: 'maria.cli' })
      .first('mobile', 'opening_balance');
    expect({ ...maria, opening_balance: Number(maria.opening_balance) }).toEqual({
      mobile: '+639171230005',
      opening_balance: 99900_00,
    });
  });
});
