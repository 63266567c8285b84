/**
 * Fixed addresses from the terminal: the default site's static pool, a subscriber added with --static-ip auto
 * (checked against the router the terminal reaches), and the site's addresses listed; on a branch, the terminal
 * connects to the branch's router to check the address.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { PROFILES } from './helpers';
import { harnessWithBranches, type Branch } from '../sites/helpers';

describe('pisonet fixed addresses', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ profiles: PROFILES });
    await h.router.add('/ip/address', { address: '10.20.0.1/24', interface: 'ether2' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('sets the pool, adds with --static-ip auto and lists the addresses', async () => {
    const pool = await runCli(h, ['sites', 'edit', 'default', '--static-pool', '10.20.0.0/28']);
    expect(pool.stderr).toBe('');
    expect(pool.stdout).toContain('Saved site default (the router in .env): static pool 10.20.0.0/28.');
    const refused = await runCli(h, ['sites', 'edit', 'default', '--host', '10.1.1.1']);
    expect(refused.code).not.toBe(0);

    const add = (username: string, mobile: string, ip: string) =>
      runCli(h, [
        'subscribers',
        'add',
        '--name',
        'Cam',
        '--mobile',
        mobile,
        '--profile',
        'HOME10',
        '--billing-day',
        '5',
        '--username',
        username,
        '--static-ip',
        ip,
      ]);
    const added = await add('cam.one', '09171234567', 'auto');
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('fixed address: 10.20.0.2');
    const own = await add('cam.two', '09171234568', '10.20.0.1');
    expect(own.code).not.toBe(0);
    expect(own.stderr).toContain("10.20.0.1 is one of the router's own addresses");

    const listed = await runCli(h, ['sites', 'addresses', 'default']);
    expect(listed.stdout).toContain(
      "Site default: static pool 10.20.0.0/28, 1 used, 12 free, 1 held by the router (its pools, its own or its secrets' addresses: auto skips them).",
    );
    expect(listed.stdout).toMatch(/10\.20\.0\.2\s+S-000001\s+cam\.one\s+Cam/);
    const json = JSON.parse((await runCli(h, ['sites', 'addresses', '1', '--json'])).stdout);
    expect(json).toMatchObject({
      pool: '10.20.0.0/28',
      used: 1,
      free: 12,
      on_router: 1,
      addresses: [{ ip: '10.20.0.2', subscriber: { username: 'cam.one', account_no: 'S-000001' } }],
    });
  }, 120_000);
});

describe('pisonet fixed addresses on a branch', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches({ profiles: PROFILES }));
    await h
      .core!.siteStacks.get(branch.a.id)!
      .router.add('/ip/address', { address: '10.30.0.1/24', interface: 'ether2' });
  });
  afterAll(() => close());

  it("adds and edits with --static-ip on the branch's router, which the terminal connects to", async () => {
    const pool = await runCli(h, ['sites', 'edit', 'branch-a', '--static-pool', '10.30.0.0/28']);
    expect(pool.stderr).toBe('');
    const add = (username: string, ip: string) =>
      runCli(h, [
        'subscribers',
        'add',
        '--name',
        'Bea',
        '--profile',
        'HOME10',
        '--billing-day',
        '5',
        '--username',
        username,
        '--site',
        'branch-a',
        '--static-ip',
        ip,
      ]);
    const added = await add('bea.one', 'auto');
    expect(added.stderr).toBe('');
    expect(added.stdout).toContain('fixed address: 10.30.0.2');
    const own = await add('bea.two', '10.30.0.1');
    expect(own.code).not.toBe(0);
    expect(own.stderr).toContain("10.30.0.1 is one of the router's own addresses");
    const moved = await runCli(h, ['subscribers', 'edit', 'bea.one', '--static-ip', '10.30.0.9']);
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toContain('fixed address: 10.30.0.9');
  }, 120_000);
});
