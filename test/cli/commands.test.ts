/**
 * Subcommands as scripts run them: real child processes (`tsx cli/index.ts ...`) against one simulated
 * router and temp database per file. Checks output, JSON shapes, exit codes and error lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { formatCodeForPrint } from '../../src/domain/codes';
import { createHarness, Harness } from '../helpers/harness';
import { runCli } from './helpers';

jest.setTimeout(60000);

const MAC = '02:AA:00:00:00:31';
let h: Harness;
let activeCode = '';

const queueFor = (mac: string) => h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${mac}`);

beforeAll(async () => {
  h = await createHarness({ fakeClock: false });
});

afterAll(async () => {
  await h?.close();
});

describe('usage and help', () => {
  test('--help prints the commands and exits 0', async () => {
    const r = await runCli(h, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vouchers generate');
    expect(r.stdout).toContain('bandwidth set');
    expect(r.stdout).toMatch(/bandwidth remove +remove the speed limit of a device \(unlimited\)/);
    expect(r.stdout).toMatch(/bandwidth reset +back to the plan's speed/);
  });

  test('a command --help prints its usage', async () => {
    const r = await runCli(h, ['bandwidth', 'set', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: pisonet bandwidth set MAC --up RATE --down RATE');
  });

  test('unknown command or option → exit 2 with USAGE on stderr', async () => {
    const a = await runCli(h, ['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^error: unknown command "frobnicate" \(USAGE\)/);
    const b = await runCli(h, ['vouchers', 'list', '--colour']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("error: Unknown option '--colour' (USAGE)");
    expect(b.stdout).toBe('');
  });

  test('the menu refuses to start without a terminal', async () => {
    const r = await runCli(h, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('The menu needs a terminal');
  });
});

describe('profiles and vouchers', () => {
  test('profiles list --json', async () => {
    const r = await runCli(h, ['profiles', 'list', '--json']);
    expect(r.code).toBe(0);
    const { profiles } = JSON.parse(r.stdout);
    const basic = profiles.find((p: { name: string }) => p.name === 'BASIC');
    expect(basic).toMatchObject({
      name: 'BASIC',
      // The HTTP API's profile: its profiles.json entry (pesos), the centavos beside.
      price: 5,
      price_centavos: 500,
      archived: false,
      rate_up: '512K',
      rate_down: '1M',
    });
  });

  test('profiles list as a table fits 80 columns', async () => {
    const r = await runCli(h, ['profiles', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/BASIC\s+₱5\.00\s+1h\s+1\s+1M\/512K/);
    for (const line of r.stdout.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  test('vouchers generate --json: batch on the database and the router', async () => {
    const r = await runCli(h, [
      'vouchers',
      'generate',
      '--profile',
      'basic',
      '--count',
      '3',
      '--prefix',
      'cli',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ count: 3, router_pending: 0 });
    expect(typeof out.batch_id).toBe('number');
    expect(out.vouchers).toHaveLength(3);
    for (const v of out.vouchers) {
      expect(v).toMatchObject({ profile: 'BASIC', price: 5, price_centavos: 500, status: 'unused' });
      expect(v.code).toMatch(/^CLI[A-Z2-9]{8}$/);
    }
    const users = h.sim.rows('/ip/hotspot/user').map((u) => u.name);
    for (const v of out.vouchers) expect(users).toContain(v.code);
  });

  test('vouchers generate --staff: no time limit on the router, still rate-limited, price 0', async () => {
    const r = await runCli(h, [
      'vouchers',
      'generate',
      '--profile',
      'BASIC',
      '--count',
      '1',
      '--staff',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const [v] = JSON.parse(r.stdout).vouchers;
    expect(v).toMatchObject({
      staff: true,
      price: 0,
      price_centavos: 0,
      rate_up: 512000,
      rate_down: 1000000,
      remaining_seconds: null,
    });
    const user = h.sim.rows('/ip/hotspot/user').find((u) => u.name === v.code);
    expect(user?.['limit-uptime'] ?? '0s').toBe('0s');
  });

  test('vouchers generate --csv prints CSV with a header', async () => {
    const r = await runCli(h, ['vouchers', 'generate', '--profile', 'STANDARD', '--count', '2', '--csv']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(lines[0].toLowerCase()).toContain('code');
    expect(lines[1]).toContain('STANDARD');
  });

  test('bad input: unknown profile (404 → 1), bad count and prefix (→ 2)', async () => {
    const a = await runCli(h, ['vouchers', 'generate', '--profile', 'GOLD', '--count', '1']);
    expect(a.code).toBe(1);
    expect(a.stderr).toMatch(/^error: .*\(PROFILE_NOT_FOUND\)/);
    const b = await runCli(h, ['vouchers', 'generate', '--profile', 'BASIC', '--count', 'lots']);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(
      'error: count: "lots" is not a batch size; use a whole number from 1 to 10000 (INVALID_INPUT)\n',
    );
    const c = await runCli(h, [
      'vouchers',
      'generate',
      '--profile',
      'BASIC',
      '--count',
      '1',
      '--prefix',
      'TOO-LONG-PREFIX',
    ]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('(INVALID_INPUT)');
    const d = await runCli(h, ['vouchers', 'generate', '--count', '1']);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('error: --profile is required (USAGE)');
  });

  test('vouchers list, show, revoke', async () => {
    const list = await runCli(h, ['vouchers', 'list', '--status', 'unused', '--search', 'CLI', '--json']);
    expect(list.code).toBe(0);
    const { total, vouchers } = JSON.parse(list.stdout);
    expect(total).toBe(3);
    const code: string = vouchers[0].code;

    const text = await runCli(h, ['vouchers', 'list', '--search', 'CLI']);
    expect(text.stdout).toContain(code);
    expect(text.stdout).toMatch(/CODE\s+PROFILE\s+STATUS/);

    const show = await runCli(h, ['vouchers', 'show', code.toLowerCase(), '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout).voucher).toMatchObject({
      code,
      status: 'unused',
      devices: [],
      profile: 'BASIC',
    });

    const refused = await runCli(h, ['vouchers', 'revoke', code]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('add --yes (USAGE)');

    const revoked = await runCli(h, ['vouchers', 'revoke', code, '--yes']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Voucher ${code} revoked.`);
    expect((await h.core!.services.vouchers.get(code)).status).toBe('revoked');
    expect(h.sim.rows('/ip/hotspot/user').map((u) => u.name)).not.toContain(code);

    const missing = await runCli(h, ['vouchers', 'show', 'NOSUCHCODE']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*\(VOUCHER_NOT_FOUND\)\n$/);

    const badStatus = await runCli(h, ['vouchers', 'list', '--status', 'sold']);
    expect(badStatus.code).toBe(2);
    expect(badStatus.stderr).toContain('status: "sold" is not a voucher status');
  });
});

describe('users, bandwidth and queues', () => {
  beforeAll(async () => {
    const { vouchers } = await h.core!.services.vouchers.generate(
      { profile: 'BASIC', count: 1 },
      { name: 'test', via: 'system' },
    );
    h.sim.addDevice({ mac: MAC, ip: '10.5.50.31' });
    activeCode = vouchers[0].code;
    await h.core!.services.redemption.redeem({ code: vouchers[0].code, mac: MAC, ip: '10.5.50.31' });
    await h.core!.services.usage.runCycle();
  });

  test('users list --json shows the device', async () => {
    const r = await runCli(h, ['users', 'list', '--json']);
    expect(r.code).toBe(0);
    const { users } = JSON.parse(r.stdout);
    expect(users).toEqual([
      expect.objectContaining({ mac: MAC, ip: '10.5.50.31', profile: 'BASIC', connected: true }),
    ]);
  });

  test('bandwidth set / reset change the router queue', async () => {
    const before = queueFor(MAC)!['max-limit'];
    const set = await runCli(h, [
      'bandwidth',
      'set',
      MAC.toLowerCase().replace(/:/g, '-'),
      '--up',
      '1M',
      '--down',
      '2M',
    ]);
    expect(set.code).toBe(0);
    expect(set.stdout).toContain(`Limit for ${MAC}: 2 Mbps down / 1 Mbps up.`);
    expect(queueFor(MAC)!['max-limit']).toBe('1000000/2000000');

    const queues = await runCli(h, ['queues', 'list', '--json']);
    expect(queues.code).toBe(0);
    expect(JSON.parse(queues.stdout).queues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: `pisonet-${MAC}`, max_limit: '1000000/2000000' }),
      ]),
    );

    const reset = await runCli(h, ['bandwidth', 'reset', MAC]);
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(reset.stdout).toContain(`${MAC} is back to its plan: BASIC, 1 Mbps down / 512 kbps up.`);
    expect(queueFor(MAC)!['max-limit']).toBe(before);
  });

  test('bandwidth remove --mac: unlimited, the queue stays at 0/0 over later polls and the bytes still count; reset --mac brings the plan back', async () => {
    const removed = await runCli(h, ['bandwidth', 'remove', '--mac', MAC.toLowerCase()]);
    expect(removed.stderr).toBe('');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toContain(`Speed limit removed for ${MAC}: unlimited`);
    const queueId = queueFor(MAC)!['.id'];
    expect(queueFor(MAC)!['max-limit']).toBe('0/0');

    // 10 MB in 10 s is 8 Mbit/s, eight times BASIC's 1M: all of it passes, and all of it is counted.
    const bytes = async () => (await h.core!.services.vouchers.get(activeCode)).bytesDown;
    for (let i = 0; i < 3; i++) {
      const before = await bytes();
      h.sim.addTraffic(MAC, { up: 10_000, down: 10_000_000 }, 10);
      await h.core!.services.usage.runCycle();
      expect(await bytes()).toBe(before + 10_000_000);
      expect(queueFor(MAC)).toMatchObject({ '.id': queueId, 'max-limit': '0/0' });
    }
    const users = await runCli(h, ['bandwidth', 'users']);
    expect(users.stdout).toMatch(new RegExp(`${MAC}.*unlimited\\*`));

    const reset = await runCli(h, ['bandwidth', 'reset', '--mac', MAC]);
    expect(reset.code).toBe(0);
    expect(queueFor(MAC)!['max-limit']).toBe('512000/1000000');
    const actions = (await h.core!.services.audit.list({ limit: 2 })).entries.map((e) => e.action);
    expect(actions).toEqual(['bandwidth.reset', 'bandwidth.remove']);

    const twice = await runCli(h, ['bandwidth', 'reset', MAC, '--mac', MAC]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('error: give the MAC once, as MAC or --mac MAC (USAGE)');
  });

  test('a change the router refuses now is saved, said so (exit 0), and applied by the next poll', async () => {
    h.sim.faults.trapOn('/queue/simple/set', 'failure: simulated refusal');
    const r = await runCli(h, ['bandwidth', 'remove', MAC]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Saved; applied at the next poll');
    expect(queueFor(MAC)!['max-limit']).toBe('512000/1000000');
    await h.core!.services.usage.runCycle();
    expect(queueFor(MAC)!['max-limit']).toBe('0/0');
    expect((await runCli(h, ['bandwidth', 'reset', MAC])).code).toBe(0);
    expect(queueFor(MAC)!['max-limit']).toBe('512000/1000000');
  });

  test('bandwidth set takes "unlimited" and refuses 10 bit/s or 999999G with the field (exit 2)', async () => {
    const open = await runCli(h, ['bandwidth', 'set', '--mac', MAC, '--up', 'unlimited', '--down', '2 Mbps']);
    expect(open.stderr).toBe('');
    expect(open.code).toBe(0);
    expect(open.stdout).toContain(`Limit for ${MAC}: 2 Mbps down / unlimited up.`);
    expect(queueFor(MAC)!['max-limit']).toBe('0/2000000');

    const tiny = await runCli(h, ['bandwidth', 'set', MAC, '--up', '10', '--down', '1M']);
    expect(tiny.code).toBe(2);
    expect(tiny.stderr).toBe(
      'error: up: "10" is not a speed limit; use a speed from 8K (8 kbit/s) to 10G (10 Gbit/s), like 512K, 2M or "2 Mbps", or "unlimited" (INVALID_INPUT)\n',
    );
    const huge = await runCli(h, ['bandwidth', 'set', MAC, '--up', '1M', '--down', '999999G']);
    expect(huge.code).toBe(2);
    expect(huge.stderr).toMatch(/^error: down: "999999G" is not a speed limit; use a speed from 8K/);
    expect(queueFor(MAC)!['max-limit']).toBe('0/2000000');
    expect((await runCli(h, ['bandwidth', 'reset', MAC])).code).toBe(0);
  });

  test('malformed MAC or rate → exit 2 with the domain message', async () => {
    const a = await runCli(h, ['bandwidth', 'set', '02:AA:00:00:00', '--up', '1M', '--down', '2M']);
    expect(a.code).toBe(2);
    expect(a.stderr).toBe(
      'error: mac: "02:AA:00:00:00" is not a MAC address; use a MAC address like AA:BB:CC:DD:EE:FF, aa-bb-cc-dd-ee-ff or aabb.ccdd.eeff (INVALID_INPUT)\n',
    );
    const b = await runCli(h, ['bandwidth', 'set', MAC, '--up', '12Q', '--down', '2M']);
    expect(b.code).toBe(2);
    expect(b.stderr).toBe(
      'error: up: "12Q" is not a speed limit; use a speed from 8K (8 kbit/s) to 10G (10 Gbit/s), like 512K, 2M or "2 Mbps", or "unlimited" (INVALID_INPUT)\n',
    );
    const c = await runCli(h, ['bandwidth', 'set', MAC, '--up', '1M']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--down is required (USAGE)');
  });

  test('users extend and users move', async () => {
    const before = (await h.core!.services.vouchers.get(activeCode)).remainingSeconds!;
    // Given free (--price 0), so the report below keeps the one sale (a priced one: test/vouchers/counter-extend.test.ts).
    const ext = await runCli(h, ['users', 'extend', activeCode, '--time', '30m', '--price', '0', '--json']);
    expect(ext.stderr).toBe('');
    expect(ext.code).toBe(0);
    expect(JSON.parse(ext.stdout).voucher.remaining_seconds).toBeGreaterThan(before + 1700);
    expect(JSON.parse(ext.stdout).sale).toMatchObject({ price: 0, price_centavos: 0, charge_id: null });
    const bad = await runCli(h, ['users', 'extend', activeCode, '--time', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('time: "soon" is not a duration');
    // Moved free, so the report below keeps the one sale (charges: test/cli/plan-change.test.ts).
    const moved = await runCli(h, ['users', 'move', activeCode, '--profile', 'STANDARD', '--free', '--json']);
    expect(moved.code).toBe(0);
    expect(JSON.parse(moved.stdout).voucher).toMatchObject({ code: activeCode, profile: 'STANDARD' });
    const back = await runCli(h, ['users', 'move', activeCode, '--profile', 'BASIC', '--free']);
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
  });

  test('users kick logs the device out', async () => {
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a['mac-address'])).toContain(MAC);
    const r = await runCli(h, ['users', 'kick', MAC]);
    expect(r.code).toBe(0);
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a['mac-address'])).not.toContain(MAC);
  });
});

describe('reports, router, admin, migrate', () => {
  test('report sales --json: today by profile counts the redeemed voucher', async () => {
    const r = await runCli(h, ['report', 'sales', '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ by: 'profile', from: out.to });
    expect(out.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(out.rows).toEqual([
      expect.objectContaining({ period: 'BASIC', count: 1, amount: 5, amount_centavos: 500 }),
    ]);
    expect(out.total).toEqual({ count: 1, amount: 5, amount_centavos: 500 });

    const bad = await runCli(h, ['report', 'sales', '--from', '2026-13-01']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: from: "2026-13-01" is not a date; use YYYY-MM-DD like 2026-11-21 (INVALID_INPUT)\n',
    );
  });

  test('router test --json when up', async () => {
    const r = await runCli(h, ['router', 'test', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      connected: true,
      simulated: false,
      version: expect.stringContaining('7.18.2'),
      error: null,
    });
  });

  test('router down → exit 1 with ROUTER_UNREACHABLE, no hang', async () => {
    h.sim.setReachable(false);
    // The terminal waits ROUTER_TIMEOUT_SECONDS for a router that is down: one second, not the harness's three.
    const env = { ROUTER_TIMEOUT_SECONDS: '1' };
    try {
      const kick = await runCli(h, ['users', 'kick', MAC], { env });
      expect(kick.code).toBe(1);
      expect(kick.stderr).toMatch(
        /^error: The router is not reachable right now \(.*\)\. Nothing was changed; try again shortly\. \(ROUTER_UNREACHABLE\)\n$/,
      );
      const test = await runCli(h, ['router', 'test', '--json'], { env });
      expect(test.code).toBe(1);
      expect(JSON.parse(test.stdout)).toMatchObject({ connected: false, identity: null });
      expect(test.stderr).toContain('(ROUTER_UNREACHABLE)');
      // Generating works without the router: saved now, pushed later.
      const gen = await runCli(h, ['vouchers', 'generate', '--profile', 'BASIC', '--count', '1', '--json'], {
        env,
      });
      expect(gen.code).toBe(0);
      expect(JSON.parse(gen.stdout)).toMatchObject({ count: 1, router_pending: 1 });
    } finally {
      h.sim.setReachable(true);
    }
  });

  test('admin set-password reads the password from stdin', async () => {
    const r = await runCli(h, ['admin', 'set-password'], { input: 'a brand new passphrase\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Password set for admin.');
    expect(await h.core!.services.admins.verify('admin', 'a brand new passphrase')).toBe(true);
    const empty = await runCli(h, ['admin', 'set-password'], { input: '' });
    expect(empty.code).toBe(2);
  });

  test('profiles create from stdin, validated like profiles.json', async () => {
    const ok = await runCli(h, ['profiles', 'create', '-', '--json'], {
      input: JSON.stringify({
        name: 'VIP',
        price: 50,
        validity: '1d',
        users: 2,
        rate_up: '5M',
        rate_down: '10M',
      }),
    });
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).profile).toMatchObject({
      name: 'VIP',
      price: 50,
      price_centavos: 5000,
      source: 'admin',
    });
    const bad = await runCli(h, ['profiles', 'create', '-'], {
      input: JSON.stringify({
        name: 'SLOW',
        price: 5,
        validity: '1h',
        users: 1,
        rate_up: '1X',
        rate_down: '1M',
      }),
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('rate_up');
    expect(bad.stderr).toContain('(INVALID_INPUT)');
  });

  test('vouchers sheet writes the printable HTML of a batch', async () => {
    const gen = await runCli(h, ['vouchers', 'generate', '--profile', 'BASIC', '--count', '2', '--json']);
    const { batch_id: batchId, vouchers } = JSON.parse(gen.stdout);
    const file = path.join(h.dir, 'sheet.html');
    const r = await runCli(h, ['vouchers', 'sheet', '--batch', String(batchId), '--out', file]);
    expect(r.code).toBe(0);
    const html = fs.readFileSync(file, 'utf8');
    for (const v of vouchers) expect(html).toContain(formatCodeForPrint(v.code));
    expect(html).toContain('<svg');
  });

  test('config show masks secrets', async () => {
    const r = await runCli(h, ['config', 'show', '--json'], { env: { ROUTER_PASSWORD: 'hunter2' } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ROUTER_PASSWORD: '********', ROUTER_HOST: '127.0.0.1' });
    expect(r.stdout).not.toContain('hunter2');
  });

  test('migrate', async () => {
    const r = await runCli(h, ['migrate']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Database is up to date.');
  });
});
