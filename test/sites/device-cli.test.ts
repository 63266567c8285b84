/**
 * The terminal's device commands on every site: `pisonet bandwidth set|remove|reset MAC` and the
 * menu's Bandwidth Control and Active users act on the router of the device's voucher's site, connecting to a
 * branch's router for it; `--site` naming another site is refused with nothing changed; a branch router that is
 * down does not lose the change (saved, applied at the server's next poll of that site, and said so).
 */
import { siteOfDeviceVoucher } from '../../src/services/business/sites/device-sites';
import { SYSTEM } from '../../src/services/types';
import type { Harness } from '../helpers/harness';
import { redeemApi } from '../portal/helpers';
import { cliEnv, runCli, TmuxCli } from '../cli/helpers';
import { harnessWithBranches, type Branch } from './helpers';

// Each test starts CLI processes (tsx compiles the CLI each time): generous on a loaded 2-core machine.
jest.setTimeout(180_000);

describe('device commands on a branch’s router', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  const phone = {
    home: { mac: '02:E0:00:00:00:01', ip: '10.5.50.221' },
    a: { mac: '02:EA:00:00:00:01', ip: '10.79.1.11' },
    a2: { mac: '02:EA:00:00:00:02', ip: '10.79.1.12' },
  };
  const codes: Record<string, string> = {};
  const sell = async (key: keyof typeof phone, site: string, profile = 'BASIC') => {
    const [code] = (
      await h.core!.services.vouchers.generate({ profile, count: 1, site }, SYSTEM)
    ).vouchers.map((v) => v.code);
    expect((await redeemApi(h, { code, ...phone[key] })).status).toBe(200);
    codes[key] = code;
  };
  const queueAt = (b: Branch, d: { mac: string }) =>
    b.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${d.mac}`)?.['max-limit'];
  const override = async (d: { mac: string }) =>
    (await h
      .core!.db('vouchers as v')
      .join('voucher_devices as dv', 'dv.voucher_id', 'v.id')
      .where({ 'dv.mac': d.mac, 'v.status': 'active' })
      .first('v.override_up', 'v.override_down')) as {
      override_up: number | null;
      override_down: number | null;
    };

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
    // The terminal runs on the real clock: the server's (fake) one starts at now, so a 1 h code is running in both.
    h.clock.set(Date.now());
    h.sim.addDevice(phone.home);
    branch.a.sim.addDevice(phone.a);
    branch.a.sim.addDevice(phone.a2);
    await sell('home', 'default');
    await sell('a', 'branch-a');
    await sell('a2', 'branch-a');
    // The polls that add the devices' queues (the server's, as it runs them).
    await h.core!.services.usage.runCycle();
    await h.core!.siteStacks.get(branch.a.id)!.usage.runCycle();
    expect(queueAt(branch.a, phone.a)).toBeDefined();
  });
  afterAll(() => close());

  test('the service finds the device’s site and refuses a site it is not at', async () => {
    const db = h.core!.db;
    expect(await siteOfDeviceVoucher(db, phone.a.mac.toLowerCase())).toEqual({
      id: branch.a.id,
      name: 'branch-a',
    });
    expect(await siteOfDeviceVoucher(db, phone.a.mac, 'BRANCH-A')).toMatchObject({ id: branch.a.id });
    expect(await siteOfDeviceVoucher(db, phone.home.mac)).toMatchObject({ id: 1 });
    await expect(siteOfDeviceVoucher(db, phone.a.mac, 'branch-b')).rejects.toMatchObject({
      code: 'DEVICE_OTHER_SITE',
      status: 409,
      field: 'site',
      message: expect.stringContaining('its voucher is at branch-a'),
    });
    await expect(siteOfDeviceVoucher(db, '02:EE:00:00:00:99')).rejects.toMatchObject({
      code: 'DEVICE_NOT_FOUND',
    });
    await expect(siteOfDeviceVoucher(db, phone.a.mac, 'nowhere')).rejects.toMatchObject({
      code: 'SITE_NOT_FOUND',
    });
    await expect(siteOfDeviceVoucher(db, 'not-a-mac')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  test('bandwidth set / remove / reset change the branch router’s queue at once and name the site', async () => {
    const set = await runCli(h, ['bandwidth', 'set', phone.a.mac, '--up', '512K', '--down', '3M']);
    expect(set.stderr).toBe('');
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Limit for ${phone.a.mac} at branch-a: 3 Mbps down / 512 kbps up.`);
    expect(set.stdout).not.toContain('next poll');
    expect(queueAt(branch.a, phone.a)).toBe('512000/3000000');
    expect(await override(phone.a)).toEqual({ override_up: 512000, override_down: 3000000 });

    // --site naming the device's own site is fine.
    const removed = await runCli(h, ['bandwidth', 'remove', '--mac', phone.a.mac, '--site', 'branch-a']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`Speed limit removed for ${phone.a.mac} at branch-a: unlimited`);
    expect(queueAt(branch.a, phone.a)).toBe('0/0');

    const reset = await runCli(h, ['bandwidth', 'reset', phone.a.mac]);
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/at branch-a is back to its plan: BASIC, /);
    expect(await override(phone.a)).toEqual({ override_up: null, override_down: null });
    expect(queueAt(branch.a, phone.a)).not.toBe('0/0');

    // Every site's devices, with a SITE column.
    const listed = await runCli(h, ['bandwidth', 'users']);
    expect(listed.stdout).toMatch(new RegExp(`${phone.a.mac}\\s+branch-a`));
    expect(listed.stdout).toMatch(new RegExp(`${phone.home.mac}\\s+default`));

    // A device of the default site: the .env router, worded as before (no site named).
    const home = await runCli(h, ['bandwidth', 'set', phone.home.mac, '--up', '1M', '--down', '2M']);
    expect(home.code).toBe(0);
    expect(home.stdout).toContain(`Limit for ${phone.home.mac}: 2 Mbps down / 1 Mbps up.`);
    expect(
      h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${phone.home.mac}`)?.['max-limit'],
    ).toBe('1000000/2000000');
  });

  test('with --json, bandwidth set / remove / reset print the change in the API’s words', async () => {
    const set = await runCli(h, ['bandwidth', 'set', phone.a.mac, '--up', '512K', '--down', '3M', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({
      mac: phone.a.mac,
      profile: 'BASIC',
      up: 512000,
      down: 3000000,
      applied: true,
      site: { id: branch.a.id, name: 'branch-a' },
    });
    const removed = await runCli(h, ['bandwidth', 'remove', phone.a.mac, '--json']);
    expect(JSON.parse(removed.stdout)).toMatchObject({ up: 0, down: 0, applied: true });
    const reset = await runCli(h, ['bandwidth', 'reset', phone.a.mac, '--json']);
    expect(reset.code).toBe(0);
    expect(JSON.parse(reset.stdout)).toMatchObject({ mac: phone.a.mac, profile: 'BASIC', applied: true });
    expect(await override(phone.a)).toEqual({ override_up: null, override_down: null });
  });

  test('two sites: the device tables keep codes, MACs, IPs and sites whole, piped and in narrow columns', async () => {
    const whole = (text: string) => {
      for (const key of ['a', 'a2', 'home'] as const) {
        expect(text).toContain(codes[key]);
        expect(text).toContain(phone[key].mac);
      }
      expect(text).toContain('branch-a');
      expect(text).toContain('default');
    };
    // Piped: nothing is cut, every column shown.
    const users = await runCli(h, ['users', 'list']);
    whole(users.stdout);
    expect(users.stdout).toMatch(/VOUCHER\s+SITE\s+MAC\s+PROFILE\s+DOWN\s+UP\s+RATE ↓\s+LEFT/);
    const traffic = await runCli(h, ['bandwidth', 'users']);
    whole(traffic.stdout);
    expect(traffic.stdout).toContain(phone.a.ip);
    // COLUMNS=60 (a phone's terminal): less important columns give way, and the table says which.
    for (const args of [
      ['users', 'list'],
      ['bandwidth', 'users'],
    ]) {
      const narrow = await runCli(h, args, { env: { COLUMNS: '60' } });
      whole(narrow.stdout);
      for (const line of narrow.stdout.trimEnd().split('\n'))
        expect([...line].length).toBeLessThanOrEqual(60);
      expect(narrow.stdout).toMatch(/\([A-Z ↓,]*\bUP\b[A-Z ↓,]* left out to fit 60 columns\)/);
    }
    const wide = await runCli(h, ['bandwidth', 'users'], { env: { COLUMNS: '120' } });
    expect(wide.stdout).toMatch(/DOWN\s+UP\s+LIMIT ↓\/↑\s+RATE ↓/);
  });

  test('--site naming another site is refused and nothing changes', async () => {
    const before = queueAt(branch.a, phone.a);
    const wrong = await runCli(h, [
      'bandwidth',
      'set',
      phone.a.mac,
      '--up',
      '64K',
      '--down',
      '64K',
      '--site',
      'branch-b',
    ]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(`${phone.a.mac} is not on the site branch-b: its voucher is at branch-a.`);
    expect(await override(phone.a)).toEqual({ override_up: null, override_down: null });
    expect(queueAt(branch.a, phone.a)).toBe(before);
    const unknown = await runCli(h, ['bandwidth', 'reset', phone.a.mac, '--site', 'nowhere']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Site "nowhere" not found');
  });

  test('a branch router that is down: the change is saved, applied at the next poll, and said so', async () => {
    branch.a.sim.setReachable(false);
    try {
      const down = await runCli(h, ['bandwidth', 'set', phone.a2.mac, '--up', '256K', '--down', '768K'], {
        env: { ROUTER_TIMEOUT_SECONDS: '1' },
      });
      expect(down.stderr).toBe('');
      expect(down.code).toBe(0);
      expect(down.stdout).toContain(`Limit for ${phone.a2.mac} at branch-a: 768 kbps down / 256 kbps up.`);
      expect(down.stdout).toContain('Saved; applied at the next poll (the router could not take it now).');
      expect(down.stdout).toContain(
        'Site "branch-a": its router cannot be reached now (details in the log); the server applies the change at its next poll of branch-a.',
      );
      expect(down.stdout).not.toContain('Nothing was changed');
      expect(await override(phone.a2)).toEqual({ override_up: 256000, override_down: 768000 });
    } finally {
      branch.a.sim.setReachable(true);
    }
    // The server's next poll of branch A brings its router to the saved limit.
    const stack = h.core!.siteStacks.get(branch.a.id)!;
    await waitFor(() => stack.router.status.connected);
    await stack.usage.runCycle();
    expect(queueAt(branch.a, phone.a2)).toBe('256000/768000');
  });

  test('the menu: site columns, a branch device’s limit on its router, extend and move there', async () => {
    const tmux = new TmuxCli();
    try {
      tmux.start(cliEnv(h, { NO_COLOR: '' }), { width: 100 });
      await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
      await tmux.step(['4', 'Enter'], 'View users with traffic stats');
      const list = await tmux.step(['1', 'Enter'], phone.a2.mac);
      expect(list).toMatch(/MAC\s+SITE\s+IP/);
      expect(list).toMatch(new RegExp(`${phone.a.mac}\\s+branch-a`));
      expect(list).toMatch(new RegExp(`${phone.home.mac}\\s+default`));

      await tmux.step(['2', 'Enter'], 'Limit which device?');
      // Devices by MAC: 02:E0 (default), 02:EA…01, 02:EA…02 (branch-a); pick the second.
      const picker = await tmux.waitFor(`${codes.a}  branch-a`);
      expect(picker).toContain(`${codes.home}  default`);
      await tmux.step(['Down', 'Enter'], 'Speed:');
      await tmux.step(['Up', 'Enter'], 'Download limit');
      await tmux.step(['4M', 'Enter'], 'Upload limit');
      await tmux.step(['1M', 'Enter'], `Limit ${phone.a.mac} to 4 Mbps down / 1 Mbps up?`);
      await tmux.step(['y', 'Enter'], `Limit set for ${phone.a.mac} at branch-a: 4 Mbps down / 1 Mbps up.`);
      expect(queueAt(branch.a, phone.a)).toBe('1000000/4000000');
      await tmux.step(['0', 'Enter'], '0) Exit');

      // Active users → Move: only what branch A sells is offered (not branch B's own profile).
      await h.core!.services.profiles.create(
        {
          name: 'BONLY',
          price: 7,
          validity: '2h',
          users: 1,
          rate_up: '1M',
          rate_down: '3M',
          site: 'branch-b',
        },
        SYSTEM,
      );
      await h.core!.services.profiles.create(
        {
          name: 'AONLY',
          price: 9,
          validity: '3h',
          users: 1,
          rate_up: '2M',
          rate_down: '6M',
          site: 'branch-a',
        },
        SYSTEM,
      );
      await tmux.step(['2', 'Enter'], 'Move to another profile');
      await tmux.step(['4', 'Enter'], 'Move which user?');
      await tmux.waitFor(`${codes.a2}  ${phone.a2.mac}  BASIC  branch-a`);
      // Users by MAC as above: the third is a2.
      const offered = await tmux.step(['Down', 'Down', 'Enter'], 'New profile:');
      const menuPart = offered.slice(offered.lastIndexOf('New profile:'));
      expect(menuPart).toContain('AONLY');
      expect(menuPart).not.toContain('BONLY');
      // Arrow down to AONLY wherever the list puts it.
      const lines = menuPart.split('\n').filter((l) => /^\s*[❯ ]\s*\S/.test(l));
      const index = lines.findIndex((l) => l.includes('AONLY'));
      await tmux.step(
        [...Array<string>(index).fill('Down'), 'Enter'],
        `Move ${codes.a2} from BASIC to AONLY?`,
      );
      await tmux.step(['y', 'Enter'], `${codes.a2} is now on AONLY`);
      const moved = await h.core!.db('vouchers').where({ code: codes.a2 }).first('profile_id');
      const aonly = await h.core!.db('profiles').where({ name: 'AONLY' }).first('id');
      expect(moved.profile_id).toBe(aonly.id);
      // The hotspot user on branch A's router carries the new profile in its comment/limit.
      const user = branch.a.sim.rows('/ip/hotspot/user').find((u) => u.name === codes.a2);
      expect(user?.['limit-uptime']).toBe('3h');

      // Extend: the time limit of its hotspot user on branch A's router grows at once.
      await tmux.step(['3', 'Enter'], 'Extend which user?');
      await tmux.step(['Down', 'Down', 'Enter'], 'Add how much time?');
      // The plan's rate for the time is offered as the price (Enter takes it), then the sale is confirmed.
      await tmux.step(['30m', 'Enter'], 'Price in pesos');
      await tmux.step(['Enter'], `to ${codes.a2} for ₱`);
      await tmux.step(['y', 'Enter'], `Added 30m to ${codes.a2}`);
      const longer = branch.a.sim.rows('/ip/hotspot/user').find((u) => u.name === codes.a2);
      expect(longer?.['limit-uptime']).toBe('3h30m');
      expect(
        (await h.core!.db('vouchers').where({ code: codes.a2 }).first('extra_seconds')).extra_seconds,
      ).toBe(1800);
    } finally {
      tmux.kill();
    }
  });

  test('pisonet users move / extend and vouchers revoke change a branch voucher’s user on its router; down: nothing changes', async () => {
    // (AONLY and BONLY were made in the menu test above.)
    const userOf = (code: string) => branch.a.sim.rows('/ip/hotspot/user').find((u) => u.name === code);
    const other = await runCli(h, ['users', 'move', codes.a, '--profile', 'BONLY']);
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain('Profile BONLY is sold on the site branch-b only');
    const moved = await runCli(h, ['users', 'move', codes.a, '--profile', 'AONLY', '--yes']);
    expect(moved.stderr).toBe('');
    expect(moved.stdout).toContain(`${codes.a} is now on AONLY.`);
    expect(userOf(codes.a)?.['limit-uptime']).toBe('3h');
    const extended = await runCli(h, ['users', 'extend', codes.a, '--time', '1h']);
    expect(extended.stderr).toBe('');
    // Time sold at the counter is a sale: the plan's rate for the hour added.
    expect(extended.stdout).toContain(`Added 1h to ${codes.a} for ₱3.00.`);
    expect(userOf(codes.a)?.['limit-uptime']).toBe('4h');

    branch.a.sim.setReachable(false);
    try {
      const down = await runCli(h, ['users', 'extend', codes.a, '--time', '1h'], {
        env: { ROUTER_TIMEOUT_SECONDS: '1' },
      });
      expect(down.code).not.toBe(0);
      expect(down.stderr).toMatch(/Site "branch-a": its router at 127\.0\.0\.1:\d+ cannot be reached/);
    } finally {
      branch.a.sim.setReachable(true);
    }
    const row = await h.core!.db('vouchers').where({ code: codes.a }).first('extra_seconds');
    expect(row.extra_seconds).toBe(3600);

    // Revoke: the branch router's user and session go at once.
    const revoked = await runCli(h, ['vouchers', 'revoke', codes.a, '--yes']);
    expect(revoked.stderr).toBe('');
    expect(revoked.stdout).toContain(`Voucher ${codes.a} revoked.`);
    expect(userOf(codes.a)).toBeUndefined();
    expect(branch.a.sim.rows('/ip/hotspot/active').map((x) => x['mac-address'])).not.toContain(phone.a.mac);
  });

  test('a phone with a running voucher at two sites: the named site’s, else the newest', async () => {
    const roamer = '02:EB:00:00:00:07';
    h.sim.addDevice({ mac: roamer, ip: '10.5.50.77' });
    branch.b.sim.addDevice({ mac: roamer, ip: '10.80.1.77' });
    const redeemAt = async (site: string, ip: string) => {
      const [code] = (
        await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1, site }, SYSTEM)
      ).vouchers.map((v) => v.code);
      expect((await redeemApi(h, { code, mac: roamer, ip })).status).toBe(200);
    };
    await redeemAt('default', '10.5.50.77');
    h.clock.advance(60_000);
    await redeemAt('branch-b', '10.80.1.77');
    const db = h.core!.db;
    expect(await siteOfDeviceVoucher(db, roamer)).toMatchObject({ id: branch.b.id, name: 'branch-b' });
    expect(await siteOfDeviceVoucher(db, roamer, 'default')).toMatchObject({ id: 1 });
    expect(await siteOfDeviceVoucher(db, roamer, 'branch-b')).toMatchObject({ id: branch.b.id });
    await expect(siteOfDeviceVoucher(db, roamer, 'branch-a')).rejects.toMatchObject({
      code: 'DEVICE_OTHER_SITE',
    });
  });
});

async function waitFor(ok: () => boolean, ms = 10000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
