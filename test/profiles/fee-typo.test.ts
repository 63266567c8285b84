/**
 * A monthly plan's fee is billed to every subscriber on it, every cycle: a fee that looks like a typo (above
 * ₱10,000 a month, or raised five times or more) is asked about first, the same way on every face: the service
 * and the API (409 CONFIRM_REQUIRED under price, `confirm: true` saves it), the admin's form (a box to tick,
 * what was typed kept) and the terminal (`--yes`). Nothing is written until it is meant.
 */
import { AdminClient } from '../admin/client';
import { runCli } from '../cli/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { SYSTEM } from '../../src/services/types';
import { PROFILES } from '../helpers/subscriber-plans';

/** The subscriber tests' ₱999 monthly plan. */
const HOME_10M = PROFILES.find((p) => p.name === 'HOME10')!;

let h: Harness;
const priceOf = async (name: string) => (await h.core!.services.profiles.get(name)).price;

beforeAll(async () => {
  h = await createHarness({ http: true });
  await h.core!.services.profiles.create(HOME_10M, SYSTEM);
});
afterAll(() => h.close());

test('the service and the API ask before a fee above ₱10,000 a month or five times the old one', async () => {
  const dear = await adminApi(h, 'POST', '/profiles', { ...HOME_10M, name: 'FIBER1G', price: 99900 });
  expect(dear.status).toBe(409);
  expect(dear.json).toMatchObject({ code: 'CONFIRM_REQUIRED', fields: { price: expect.any(String) } });
  expect(dear.json.error).toBe(
    '₱99,900.00 a month for FIBER1G, billed to every subscriber on it: a typo? Check it, or confirm it.',
  );
  expect(
    (await adminApi(h, 'GET', '/profiles')).json.profiles.map((p: { name: string }) => p.name),
  ).not.toContain('FIBER1G');
  const meant = await adminApi(h, 'POST', '/profiles', {
    ...HOME_10M,
    name: 'FIBER1G',
    price: 12000,
    confirm: true,
  });
  expect(meant.status).toBe(201);
  expect(await priceOf('FIBER1G')).toBe(1_200_000);
  // Editing anything else of a dear plan asks nothing; the fee itself unchanged.
  const slower = await adminApi(h, 'PUT', '/profiles/FIBER1G', {
    ...HOME_10M,
    name: 'FIBER1G',
    price: 12000,
    rate_down: '20M',
  });
  expect(slower.status).toBe(200);

  // 999 → 9,990: a zero too many.
  const raised = await adminApi(h, 'PUT', '/profiles/HOME10', { ...HOME_10M, price: 9990 });
  expect(raised.status).toBe(409);
  expect(raised.json.error).toBe(
    'HOME10 from ₱999.00 to ₱9,990.00 a month (10 times its fee now): a typo? Check it, or confirm it.',
  );
  expect(await priceOf('HOME10')).toBe(99_900);
  // A rise under five times is an ordinary price change; a prepaid profile is never asked about.
  expect((await adminApi(h, 'PUT', '/profiles/HOME10', { ...HOME_10M, price: 1299 })).status).toBe(200);
  const promo = { name: 'PROMO', price: 20000, validity: '30d', users: 1, rate_up: '1M', rate_down: '2M' };
  expect((await adminApi(h, 'POST', '/profiles', promo)).status).toBe(201);
  expect(await priceOf('HOME10')).toBe(129_900);
});

test('the form asks with a box to tick, keeps what was typed, and saves once ticked', async () => {
  const owner = new AdminClient(h.app!.url);
  expect((await owner.login()).status).toBe(303);
  const token = await owner.token('/admin/profiles/new');
  const form = {
    name: 'HOME50',
    billing: 'monthly',
    price: '29990',
    users: '1',
    validity: '1h',
    rate_down: '50M',
    rate_up: '25M',
    cap_policy: '',
    time_mode: 'wallclock',
  };
  const asked = await owner.post('/admin/profiles', form, token);
  expect(asked.status).toBe(409);
  const html = await asked.text();
  expect(html).toContain('₱29,990.00 a month for HOME50, billed to every subscriber on it: a typo?');
  expect(html).toMatch(/name="confirm" value="true"/);
  expect(html).toContain('value="29990"');
  await expect(h.core!.services.profiles.get('HOME50')).rejects.toThrow();
  const yes = await owner.post('/admin/profiles', { ...form, confirm: 'true' }, token);
  expect(yes.status).toBe(303);
  expect(await priceOf('HOME50')).toBe(2_999_000);
});

test('the terminal refuses it without --yes and says how to confirm', async () => {
  const json = JSON.stringify({ ...HOME_10M, name: 'HOME99', price: 50000 });
  const no = await runCli(h, ['profiles', 'create', '-'], { input: json });
  expect(no.code).not.toBe(0);
  expect(no.stderr).toContain(
    '₱50,000.00 a month for HOME99, billed to every subscriber on it: a typo? Check it, or add --yes if it is right.',
  );
  await expect(h.core!.services.profiles.get('HOME99')).rejects.toThrow();
  const yes = await runCli(h, ['profiles', 'create', '-', '--yes'], { input: json });
  expect(yes.stderr).toBe('');
  expect(yes.code).toBe(0);
  expect(await priceOf('HOME99')).toBe(5_000_000);
  const raised = await runCli(h, ['profiles', 'update', 'HOME99', '-'], {
    input: JSON.stringify({ ...HOME_10M, name: 'HOME99', price: 60000 }),
  });
  expect(raised.code).not.toBe(0);
  expect(raised.stderr).toContain('a typo? Check it, or add --yes if it is right.');
  expect(await priceOf('HOME99')).toBe(5_000_000);
});
