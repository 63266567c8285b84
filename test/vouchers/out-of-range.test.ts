/**
 * Values stored out of range (by an older version, or a hand edit of the database) never break a list, a show
 * or an export: they are shown as invalid, and the voucher can still be revoked. New input stays bounded.
 */
import { AdminClient } from '../admin/client';
import { runCli } from '../cli/helpers';
import { createHarness, Harness } from '../helpers/harness';
import { AUTH, makeVouchers } from '../portal/helpers';
import { onPostgres } from '../helpers/test-db';

// 8.64e15 ms is the last instant a JavaScript Date can hold; 99999999 days is far beyond it.
const BEYOND_DATES = 99_999_999 * 86_400_000 * 1000;

describe('a voucher with an expiry beyond what a date can hold', () => {
  let h: Harness;
  let code: string;
  let c: AdminClient;
  beforeAll(async () => {
    h = await createHarness({ http: true });
    [code] = await makeVouchers(h, 'BASIC', 1);
    await h
      .core!.db('vouchers')
      .where({ code })
      .update({
        status: 'active',
        activated_at: h.clock.now(),
        expires_at: BEYOND_DATES,
        // PostgreSQL's integer column holds no more than 2^31 - 1 (SQLite keeps whatever was written).
        extra_seconds: onPostgres ? 2_147_483_647 : 99_999_999 * 86_400,
      });
    c = new AdminClient(h.app!.url);
    await c.login();
  });
  afterAll(() => h.close());

  test('the API lists and shows it, with the expiry marked invalid', async () => {
    const list = await fetch(`${h.app!.url}/admin/api/vouchers`, { headers: AUTH });
    expect(list.status).toBe(200);
    const one = ((await list.json()) as { vouchers: { code: string; expires_at: string }[] }).vouchers.find(
      (v: { code: string }) => v.code === code,
    );
    expect(one?.expires_at).toBe('invalid');
    const show = await fetch(`${h.app!.url}/admin/api/vouchers/${code}`, { headers: AUTH });
    expect(show.status).toBe(200);
  });

  test('the admin pages and the CSV export still work', async () => {
    expect((await c.get('/admin/vouchers')).status).toBe(200);
    const detail = await c.html(`/admin/vouchers/${code}`);
    expect(detail).toContain('invalid');
    const csv = await c.get('/admin/vouchers/export.csv');
    expect(csv.status).toBe(200);
    expect(await csv.text()).toMatch(new RegExp(`${code},BASIC,5.00,active,[^,]*,[^,]*,invalid,`));
  });

  test('the CLI shows and exports it', async () => {
    const show = await runCli(h, ['vouchers', 'show', code]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('invalid');
    const exported = await runCli(h, ['vouchers', 'export']);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(`${code},BASIC`);
  });

  test('it can be revoked', async () => {
    const res = await fetch(`${h.app!.url}/admin/api/vouchers/${code}/revoke`, {
      method: 'POST',
      headers: AUTH,
    });
    expect(res.status).toBe(200);
    expect((await h.core!.db('vouchers').where({ code }).first()).status).toBe('revoked');
  });
});

describe('extensions are bounded in the service, for every face', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(() => h.close());

  const extendApi = (code: string, body: unknown) =>
    fetch(`${h.app!.url}/admin/api/vouchers/${code}/extend`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test('99999999d and 1e300 seconds are refused with a field message; more than a day needs confirming', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    for (const duration of ['99999999d', 1e300, '0s', -5]) {
      const res = await extendApi(code, { duration });
      expect(res.status).toBe(400);
      const json = (await res.json()) as { fields: Record<string, string> };
      expect(json.fields).toHaveProperty('duration');
    }
    const unconfirmed = await extendApi(code, { duration: '3d' });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.json()).toMatchObject({ code: 'CONFIRM_REQUIRED' });
    expect((await extendApi(code, { duration: '3d', confirm: true })).status).toBe(200);
    expect((await extendApi(code, { duration: '2h' })).status).toBe(200);
    const row = await h.core!.db('vouchers').where({ code }).first();
    expect(row.extra_seconds).toBe(3 * 86400 + 7200);
  });

  test('the CLI refuses 99999999d and asks for --yes above a day', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const typo = await runCli(h, ['users', 'extend', code, '--time', '99999999d']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^error: time: .* at most 365 days/);
    const long = await runCli(h, ['users', 'extend', code, '--time', '2d']);
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('more than a day; add --yes');
    expect((await runCli(h, ['users', 'extend', code, '--time', '2d', '--yes'])).code).toBe(0);
  });
});
