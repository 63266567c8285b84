/**
 * Code styles in the terminal: the shop's style shown with its figures and set (a style under the floor
 * refused, exit 2), batches in another style, and passwords in the output.
 */
import { createHarness, Harness } from '../helpers/harness';
import { runCli } from './helpers';

jest.setTimeout(60000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ fakeClock: false });
});
afterAll(async () => {
  await h?.close();
});

test('settings code-style: shown with its figures, a style under the floor refused, a good one saved', async () => {
  const shown = await runCli(h, ['settings', 'code-style']);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toMatch(/^8 capital letters and numbers: 853 billion possible codes \(39.6 bits\)/);

  const low = await runCli(h, ['settings', 'code-style', '--alphabet', 'digits', '--length', '8']);
  expect(low.code).toBe(2);
  expect(low.stderr).toMatch(
    /^error: length: 8 digits is 100 million possible codes: .* within 3 hours .*Use at least 12 digits.* \(INVALID_INPUT\)\n$/,
  );
  // --check shows the figures without saving.
  const check = await runCli(h, [
    'settings',
    'code-style',
    '--alphabet',
    'digits',
    '--length',
    '8',
    '--check',
  ]);
  expect(check.code).toBe(0);
  expect(check.stdout).toMatch(/^8 digits: 100 million possible codes/);
  expect(check.stdout).toMatch(/Use at least 12 digits/);

  const set = await runCli(h, [
    'settings',
    'code-style',
    '--alphabet',
    'digits',
    '--length',
    '6',
    '--password-alphabet',
    'digits',
    '--password-length',
    '6',
    '--json',
  ]);
  expect(set.code).toBe(0);
  expect(JSON.parse(set.stdout)).toMatchObject({
    style: { alphabet: 'digits', length: 6, prefix: '', password_alphabet: 'digits', password_length: 6 },
    possible: 1e12,
    meets_floor: true,
    problem: null,
    // The prefix too: stored for the first time (empty).
    changed: [
      'voucher.code_alphabet',
      'voucher.code_length',
      'voucher.prefix',
      'voucher.pass_alphabet',
      'voucher.pass_length',
    ],
  });
});

test('vouchers generate: the shop’s style with passwords printed; another style for one batch', async () => {
  const made = await runCli(h, ['vouchers', 'generate', '--profile', 'BASIC', '--count', '2']);
  expect(made.code).toBe(0);
  expect(made.stdout).toMatch(/CODE\s+PASSWORD\s+PROFILE/);
  const json = await runCli(h, ['vouchers', 'generate', '--profile', 'BASIC', '--count', '2', '--json']);
  const { vouchers } = JSON.parse(json.stdout) as { vouchers: Array<{ code: string; password: string }> };
  for (const v of vouchers) {
    expect(v.code).toMatch(/^\d{6}$/);
    expect(v.password).toMatch(/^\d{6}$/);
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === v.code)).toMatchObject({
      password: v.password,
    });
  }
  const show = await runCli(h, ['vouchers', 'show', vouchers[0].code]);
  expect(show.stdout).toMatch(new RegExp(`Password:\\s+${vouchers[0].password}\n`));

  const other = await runCli(h, [
    'vouchers',
    'generate',
    '--profile',
    'BASIC',
    '--count',
    '2',
    '--alphabet',
    'lowercase',
    '--length',
    '8',
    '--prefix',
    'WiFi',
    '--password-alphabet',
    'same',
    '--json',
  ]);
  expect(other.code).toBe(0);
  for (const v of (JSON.parse(other.stdout) as { vouchers: Array<{ code: string; password: null }> })
    .vouchers) {
    expect(v.code).toMatch(/^wifi[a-z2-9]{8}$/);
    expect(v.password).toBeNull();
  }
  const refused = await runCli(h, [
    'vouchers',
    'generate',
    '--profile',
    'BASIC',
    '--count',
    '1',
    '--password-alphabet',
    'same',
  ]);
  expect(refused.code).toBe(2);
  expect(refused.stderr).toMatch(/length: 6 digits is 1 million possible codes: .*Use at least 12 digits/);
});
