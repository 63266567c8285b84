/**
 * `--json` for scripts: the HTTP API's names and units (one shaper per thing for both faces), and a failed
 * command's error as JSON on stdout with the same exit code as without --json.
 */
import { createHarness, Harness } from '../helpers/harness';
import { AUTH } from '../portal/helpers';
import { runCli } from './helpers';
import { PROFILES } from '../helpers/subscriber-plans';

jest.setTimeout(60000);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ fakeClock: false, http: true, profiles: PROFILES });
});
afterAll(async () => {
  await h?.close();
});

/** The API's answer without its `success` flag: what the terminal's --json prints for the same question. */
async function api(path: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, { headers: AUTH });
  const { success, ...rest } = (await res.json()) as Record<string, unknown>;
  expect(success).toBe(true);
  return rest;
}

async function cli(args: string[]): Promise<Record<string, unknown>> {
  const r = await runCli(h, [...args, '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('the terminal speaks the API: the same names and units for a voucher, a profile, a subscriber, an invoice, a site', async () => {
  const gen = await cli(['vouchers', 'generate', '--profile', 'BASIC', '--count', '1']);
  const [v] = gen.vouchers as Array<{ code: string; price: number; price_centavos: number }>;
  expect([v.price, v.price_centavos]).toEqual([5, 500]);
  expect(gen).toMatchObject({ batch_id: expect.any(Number), router_pending: expect.any(Number), count: 1 });

  expect(await cli(['vouchers', 'show', v.code])).toEqual(await api(`/vouchers/${v.code}`));
  expect(await cli(['vouchers', 'list'])).toEqual(await api('/vouchers'));
  const profiles = await cli(['profiles', 'list']);
  expect(profiles).toEqual(await api('/profiles'));
  // The profiles.json entry as the file spells it (pesos), its centavos beside.
  expect((profiles.profiles as Array<Record<string, unknown>>).find((p) => p.name === 'BASIC')).toMatchObject(
    {
      price: 5,
      price_centavos: 500,
    },
  );

  const added = await cli([
    'subscribers',
    'add',
    '--name',
    'Juan dela Cruz',
    '--mobile',
    '09171234567',
    '--profile',
    'HOME10',
    '--billing-day',
    '5',
    '--username',
    'juan.dc',
  ]);
  const sub = added.subscriber as { id: number; usage: unknown };
  const shown = await cli(['subscribers', 'show', 'juan.dc']);
  expect(shown).toEqual(await api(`/subscribers/${sub.id}`));
  expect(shown.subscriber).toMatchObject({
    price_centavos: 99900,
    usage: { counted_bytes: 0, cap_bytes: 100e9, left_bytes: 100e9 },
  });
  expect(JSON.stringify(shown)).not.toMatch(/"[a-z]+[A-Z][A-Za-z]*":/);
  expect(await cli(['subscribers', 'list'])).toEqual(await api('/subscribers'));

  const invoices = await cli(['invoices', 'list']);
  expect(invoices).toEqual(await api('/invoices'));
  const [inv] = invoices.invoices as Array<{ number: string }>;
  expect(await cli(['invoices', 'show', inv.number])).toMatchObject(await api(`/invoices/${inv.number}`));
  expect(await cli(['sites', 'list'])).toEqual(await api('/sites'));
  expect((await cli(['users', 'list'])).users).toEqual((await api('/user-traffic')).users);
  const style = await cli(['settings', 'code-style']);
  expect({ ...style, changed: undefined }).toEqual({ ...(await api('/code-style')), changed: undefined });
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
