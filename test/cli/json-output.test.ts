/**
 * `--json` for scripts: money as the HTTP API gives it (pesos, with centavos beside), and a failed command's
 * error as JSON on stdout with the same exit code as without --json.
 */
import { createHarness, Harness } from '../helpers/harness';
import { AUTH } from '../portal/helpers';
import { runCli } from './helpers';

jest.setTimeout(60000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ fakeClock: false, http: true });
});
afterAll(async () => {
  await h?.close();
});

test('a voucher and a profile: price in pesos and priceCentavos, the same figures as the HTTP API', async () => {
  const gen = await runCli(h, ['vouchers', 'generate', '--profile', 'BASIC', '--count', '1', '--json']);
  expect(gen.code).toBe(0);
  const [v] = JSON.parse(gen.stdout).vouchers;
  const api = (await (
    await fetch(`${h.app!.url}/admin/api/vouchers/${v.code}`, { headers: AUTH })
  ).json()) as Record<string, unknown>;
  const apiVoucher = (api.voucher ?? api) as { price: number; price_centavos: number };
  expect([v.price, v.priceCentavos]).toEqual([apiVoucher.price, apiVoucher.price_centavos]);
  expect([v.price, v.priceCentavos]).toEqual([5, 500]);

  const show = JSON.parse((await runCli(h, ['vouchers', 'show', v.code, '--json'])).stdout);
  expect(show).toMatchObject({ price: 5, priceCentavos: 500 });
  const profiles = JSON.parse((await runCli(h, ['profiles', 'list', '--json'])).stdout).profiles;
  // The profiles.json entry stays as the file spells it (pesos already).
  expect(profiles.find((p: { name: string }) => p.name === 'BASIC')).toMatchObject({
    price: 5,
    priceCentavos: 500,
    spec: { price: 5 },
  });
});

test.each([
  [['vouchers', 'show', 'NOSUCHCODE1', '--json'], 1, 'VOUCHER_NOT_FOUND'],
  [['report', 'sales', '--from', '2026-13-01', '--json'], 2, 'INVALID_INPUT'],
  [['vouchers', 'generate', '--profile', 'NOPE', '--count', '1', '--json'], 1, 'PROFILE_NOT_FOUND'],
])('%j fails as JSON on stdout with its exit code', async (args, exit, code) => {
  const plain = await runCli(
    h,
    args.filter((a) => a !== '--json'),
  );
  const r = await runCli(h, args);
  expect(r.code).toBe(exit);
  expect(plain.code).toBe(exit);
  const out = JSON.parse(r.stdout);
  expect(out).toEqual({ error: { code, message: expect.any(String) } });
  // The same words as the line on stderr.
  expect(plain.stderr).toBe(`error: ${out.error.message} (${code})\n`);
  expect(plain.stdout).toBe('');
});
