/**
 * Fixed addresses from the terminal: the default site's static pool, a subscriber added with --static-ip auto
 * (checked against the router the terminal reaches), and the site's addresses listed.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { PROFILES } from './helpers';

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
    expect(listed.stdout).toContain('Site default: static pool 10.20.0.0/28, 1 used, 13 free.');
    expect(listed.stdout).toMatch(/10\.20\.0\.2\s+S-000001\s+cam\.one\s+Cam/);
    const json = JSON.parse((await runCli(h, ['sites', 'addresses', '1', '--json'])).stdout);
    expect(json).toMatchObject({
      pool: '10.20.0.0/28',
      used: 1,
      free: 13,
      addresses: [{ ip: '10.20.0.2', subscriber: { username: 'cam.one', account_no: 'S-000001' } }],
    });
  }, 120_000);
});
