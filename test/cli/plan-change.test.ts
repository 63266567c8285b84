/**
 * Plan changes from the terminal: `pisonet users move` shows the prorated difference first, needs --yes in a
 * script to charge or credit it, moves free with --free, only shows it with --dry-run; the menu shows it and
 * asks, with "free instead" when the charge is declined.
 */
import { createHarness, Harness } from '../helpers/harness';
import type { SYSTEM } from '../../src/services/types';
import { cliEnv, runCli, TmuxCli } from './helpers';

jest.setTimeout(120000);

const ACTOR: typeof SYSTEM = { name: 'test', via: 'system' };
const PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'DAY10', price: 10, validity: '1d', users: 1, rate_up: '1M', rate_down: '2M' },
  { name: 'DAY20', price: 20, validity: '1d', users: 1, rate_up: '2M', rate_down: '4M' },
  // Never a move's choice: a monthly plan (subscribers') and an archived one.
  { name: 'HOME10', billing: 'monthly', price: 999, rate_up: '5M', rate_down: '10M' },
  { name: 'GONE', price: 15, validity: '1d', users: 1, rate_up: '2M', rate_down: '4M' },
];

let h: Harness;
let phone = 0;

/** A voucher of `profile` first used now (the terminal runs on the real clock, as a shop's does). */
async function sold(profile: string): Promise<string> {
  const { vouchers } = await h.core!.services.vouchers.generate({ profile, count: 1 }, ACTOR);
  const d = { mac: `02:AB:00:00:00:${String(++phone).padStart(2, '0')}`, ip: `10.5.50.${60 + phone}` };
  h.sim.addDevice(d);
  await h.core!.services.redemption.redeem({ code: vouchers[0].code, ...d });
  return vouchers[0].code;
}

const profileOf = async (code: string) => (await h.core!.services.vouchers.get(code)).profile;
const charges = () => h.core!.db('voucher_charges').orderBy('id');

beforeAll(async () => {
  h = await createHarness({ fakeClock: false, profiles: PROFILES });
  await h.core!.services.profiles.setArchived('GONE', true, ACTOR);
});
afterAll(async () => {
  await h?.close();
});

describe('pisonet users move', () => {
  test('shows the charge, refuses it in a script without --yes, charges with --yes', async () => {
    const code = await sold('DAY10');

    const dry = await runCli(h, ['users', 'move', code, '--profile', 'DAY20', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const preview = JSON.parse(dry.stdout);
    // The API's preview (GET …/profile-change): a charge's amount in centavos.
    expect(preview).toMatchObject({
      dry_run: true,
      code,
      from: { profile: 'DAY10', price_centavos: 1000 },
      to: { profile: 'DAY20', price_centavos: 2000 },
      direction: 'charge',
      basis: 'prorated',
    });
    // Used for a few seconds of its day: almost the whole ₱10.00 difference.
    expect(preview.amount).toBeGreaterThanOrEqual(999);
    expect(preview.amount).toBeLessThanOrEqual(1000);

    const refused = await runCli(h, ['users', 'move', code, '--profile', 'DAY20']);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(
      /^DAY10 ₱10\.00 → DAY20 ₱20\.00: Upgrade: \S+( \S+)? left of DAY10's 1d \(₱\d+\.\d\d\) → \S+( \S+)? left of DAY20's 1d /,
    );
    expect(refused.stderr).toMatch(/moving .* charges ₱\d+\.\d\d: add --yes to go ahead, or --free/);
    expect(await profileOf(code)).toBe('DAY10');
    expect(await charges()).toHaveLength(0);

    const moved = await runCli(h, ['users', 'move', code, '--profile', 'DAY20', '--yes', '--json']);
    expect(moved.stderr).toBe('');
    expect(moved.code).toBe(0);
    const out = JSON.parse(moved.stdout);
    const [row] = await charges();
    expect(out).toMatchObject({
      voucher: { code, profile: 'DAY20' },
      charge: {
        id: row.id,
        kind: 'plan_change',
        direction: 'charge',
        amount: row.amount,
        credit: 0,
        free: false,
      },
    });
    // The operator's login name, as every terminal change is audited.
    expect(row).toMatchObject({ actor: expect.any(String), kind: 'plan_change' });
    const audit = (await h.core!.services.audit.list({ limit: 1 })).entries[0];
    expect(audit).toMatchObject({ action: 'voucher.change_profile', target: code });
    expect(audit.details).toMatchObject({ from: 'DAY10', to: 'DAY20', amount: row.amount, free: false });

    // Back down: a credit, in words, with its receipt's address.
    const back = await runCli(h, ['users', 'move', code, '--profile', 'DAY10', '--yes']);
    expect(back.code).toBe(0);
    expect(back.stdout).toMatch(
      new RegExp(
        `${code} is now on DAY10\\. ₱\\d+\\.\\d\\d credit noted for the customer\\. Receipt No\\. \\d+: /admin/vouchers/${code}/charges/\\d+/receipt`,
      ),
    );
    expect((await charges())[1]).toMatchObject({ amount: 0 });
  });

  test('--free moves without charge; the same profile, an unknown one or an ended voucher are refused', async () => {
    const code = await sold('DAY10');
    const free = await runCli(h, ['users', 'move', code, '--profile', 'DAY20', '--free']);
    expect(free.stderr).toBe('');
    expect(free.code).toBe(0);
    expect(free.stdout).toMatch(/Moved free: nothing charged or credited/);
    expect(free.stdout).toContain(`${code} is now on DAY20. Moved free.`);
    expect(
      await h
        .core!.db('voucher_charges')
        .whereIn('voucher_id', h.core!.db('vouchers').select('id').where({ code })),
    ).toEqual([]);

    const same = await runCli(h, ['users', 'move', code, '--profile', 'day20']);
    expect(same.code).toBe(2);
    expect(same.stderr).toBe(
      `error: profile: ${code} is already on DAY20; choose another profile (INVALID_INPUT)\n`,
    );
    const unknown = await runCli(h, ['users', 'move', code, '--profile', 'GOLD']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/GOLD.*\(PROFILE_NOT_FOUND\)/);
    await h.core!.services.vouchers.revoke(code, ACTOR);
    const ended = await runCli(h, ['users', 'move', code, '--profile', 'DAY10', '--yes']);
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(/revoked.*\(VOUCHER_ENDED\)/);
  });
});

describe('the menu: Active users → Move to another profile', () => {
  test('shows the charge and asks; declined, it offers to move free; accepted, it charges', async () => {
    // The only voucher online now: the picker's one choice.
    await h.core!.db('vouchers').where({ status: 'active' }).update({ status: 'revoked' });
    for (const d of h.sim.rows('/ip/hotspot/active')) h.sim.removeDevice(String(d['mac-address']));
    const code = await sold('BASIC');
    await h.core!.services.usage.runCycle();
    const tmux = new TmuxCli();
    try {
      tmux.start(cliEnv(h, { NO_COLOR: '' }), { width: 160 });
      await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
      await tmux.step(['2', 'Enter'], 'Move to another profile');
      await tmux.step(['4', 'Enter'], 'Move which user?');
      const picker = await tmux.step(['Enter'], 'New profile:');
      expect(picker).toMatch(/DAY20/);
      expect(picker).not.toMatch(/HOME10|GONE/);
      // DAY10 is the first other profile.
      const asked = await tmux.step(['Enter'], `Move ${code} from BASIC to DAY10?`);
      expect(asked).toMatch(
        /BASIC ₱5\.00 → DAY10 ₱10\.00: Upgrade: \S+( \S+)? left of BASIC's 1h \(₱\d\.\d\d\) → \S+( \S+)? left of DAY10's 1d \(₱\d+\.\d\d\) = /,
      );
      expect(asked).toMatch(/Move \S+ from BASIC to DAY10\? ₱\d+\.\d\d is charged\. Usage so far is kept\./);
      await tmux.step(['n', 'Enter'], `Move ${code} to DAY10 free instead`);
      await tmux.step(
        ['y', 'Enter'],
        `${code} is now on DAY10; the new speed applies within one poll cycle. Moved free.`,
      );
      expect(await profileOf(code)).toBe('DAY10');

      await tmux.step(['4', 'Enter'], 'Move which user?');
      await tmux.step(['Enter'], 'New profile:');
      // BASIC, then DAY20: the second choice.
      await tmux.step(['Down', 'Enter'], `Move ${code} from DAY10 to DAY20?`);
      const done = await tmux.step(['y', 'Enter'], `${code} is now on DAY20`);
      expect(done).toMatch(/₱\d+\.\d\d charged\. Receipt No\. \d+/);
      expect(await profileOf(code)).toBe('DAY20');
    } finally {
      tmux.kill();
    }
    const [last] = await h.core!.db('voucher_charges').orderBy('id', 'desc').limit(1);
    expect(last).toMatchObject({ kind: 'plan_change', credit: 0 });
    expect(Number(last.amount)).toBeGreaterThan(900);
  });
});
