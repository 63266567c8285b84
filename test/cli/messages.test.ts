/**
 * The terminal's own words for bad values and what it shows: a negative value after an option gets the value's
 * check (not the parser's "ambiguous"), an extension is refused in the words typed, an unknown `--site` is
 * SITE_NOT_FOUND everywhere, and `vouchers show` says what its price is when the plan is another now.
 */
import { createHarness, Harness } from '../helpers/harness';
import type { SYSTEM } from '../../src/services/types';
import { addDevice, makeVouchers } from '../portal/helpers';
import { runCli } from './helpers';

jest.setTimeout(120000);

const ACTOR: typeof SYSTEM = { name: 'test', via: 'system' };
let h: Harness;
let phones = 0;
beforeAll(async () => {
  h = await createHarness({ fakeClock: false });
});
afterAll(() => h?.close());

/** A voucher of `profile` in use from now on (the terminal runs on the real clock). */
const sold = async (profile: string) => {
  const [code] = await makeVouchers(h, profile, 1);
  await h.core!.services.redemption.redeem({ code, ...addDevice(h, ++phones) });
  return code;
};

describe('a value that starts with "-"', () => {
  test('after an option that takes a value, it is the value, and its own check refuses it', async () => {
    const code = await sold('BASIC');
    const time = await runCli(h, ['users', 'extend', code, '--time', '-5m']);
    expect(time.code).toBe(2);
    expect(time.stderr).toMatch(/^error: time: "-5m" is not a duration; use a duration like 30s/);
    expect(time.stderr).not.toContain('ambiguous');

    const vendo = await h.core!.services.vendos.create(
      { name: 'Box', profile: 'BASIC', rates: [{ amount: 5, validity: '1h' }] },
      ACTOR,
    );
    const counted = await runCli(h, ['vendos', 'collect', vendo.vendo.id, '--counted', '-5']);
    expect(counted.code).toBe(2);
    expect(counted.stderr).toMatch(/^error: counted: "-5" is not an amount; use an amount like 5/);
    expect(await h.core!.db('vendo_collections')).toHaveLength(0);
  });

  test('an option where a value belongs says the value is missing', async () => {
    const r = await runCli(h, ['users', 'extend', 'ABCD1234', '--time', '--yes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error: --time needs a value before --yes (USAGE)');
  });
});

test('an extension out of bounds is refused in the words typed', async () => {
  const code = await sold('BASIC');
  const r = await runCli(h, ['users', 'extend', code, '--time', '400d']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: time: "400d" is not an extension that can be added; use more than 0/);
});

test('an unknown --site is SITE_NOT_FOUND for the lists and reports too', async () => {
  for (const args of [
    ['events', '--site', 'nowhere'],
    ['vouchers', 'list', '--site', 'nowhere'],
    ['report', 'sales', '--site', '99'],
  ]) {
    const r = await runCli(h, args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Site "(nowhere|99)" not found \(SITE_NOT_FOUND\)/);
  }
  const all = await runCli(h, ['events', '--site', 'all']);
  expect(all.code).toBe(0);
});

describe('vouchers show', () => {
  test('one Status line; the price of a voucher moved since it was sold is labelled as its sale', async () => {
    const code = await sold('STANDARD');
    const before = await runCli(h, ['vouchers', 'show', code]);
    expect(before.stdout).toMatch(/Profile:\s+STANDARD \(₱10\.00\)\n/);
    expect(before.stdout).toMatch(/Status:\s+active\n/);
    expect(before.stdout).toMatch(/State:\s+normal\n/);

    await h.core!.services.vouchers.changeProfile(code, 'PREMIUM', ACTOR, { charge: false });
    const moved = await runCli(h, ['vouchers', 'show', code]);
    expect(moved.stdout).toMatch(/Profile:\s+PREMIUM \(₱20\.00\); sold at ₱10\.00 as STANDARD\n/);
    const json = JSON.parse((await runCli(h, ['vouchers', 'show', code, '--json'])).stdout);
    expect(json.voucher).toMatchObject({
      profile: 'PREMIUM',
      price: 10,
      profile_price: 20,
      profile_price_centavos: 2000,
      sale_profile: 'STANDARD',
    });

    const { vouchers } = await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, ACTOR);
    const unused = await runCli(h, ['vouchers', 'show', vouchers[0].code]);
    expect(unused.stdout).toMatch(/Status:\s+unused\n/);
    expect(unused.stdout).not.toContain('State:');
    expect(unused.stdout).toMatch(/Profile:\s+BASIC \(₱5\.00\)\n/);
  });
});
