/**
 * The portal's account sign-in against guessers that spread out: many addresses on one account (ten wrong
 * passwords per account across addresses, then waits doubling from 1 s) and one address on many accounts (twenty
 * across accounts), on top of the per-asker guess limits. Only wrong passwords count; the counts are in the
 * database, so a restarted server (a new service over the same database) keeps them; the page answers 429 with
 * Retry-After; the owner lifts an account's wait with `pisonet subscribers unlock`, or on the subscriber's page
 * (or the API).
 */
import { AppError, RateLimitedError } from '../../src/domain/errors';
import { BUDGETS, createLoginDelays } from '../../src/services/business/login-delays';
import { createHarness, type Harness } from '../helpers/harness';
import { AdminClient } from '../admin/client';
import { runCli } from '../cli/helpers';
import { api, makeAccount } from '../accounts/helpers';
import { addSubscriber, PROFILES } from './helpers';

jest.setTimeout(90000);

const RIGHT = 'sikreto-123';
const PER_ACCOUNT = BUDGETS.subscriber.free;
const PER_ADDRESS = BUDGETS['subscriber-address'].free;

let h: Harness;
let subId: number;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  subId = Number((await addSubscriber(h, { password: RIGHT })).id);
});
afterEach(async () => {
  await h.close();
});

/** The error a sign-in failed with (it must fail). */
async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('signed in');
}

const signIn = (username: string, password: string, peerIp: string, browser?: string) =>
  h.core!.services.subscribers.signIn(username, password, { peerIp, browser });

test('the figures: ten wrong per account across addresses, twenty per address across accounts', () => {
  expect(BUDGETS.subscriber).toMatchObject({ free: 10, forgetMs: 60 * 60_000 });
  expect(BUDGETS['subscriber-address']).toMatchObject({ free: 20, forgetMs: 15 * 60_000 });
});

test('one account from many addresses: ten wrong are checked, then every address waits 1 s, 2 s, ...', async () => {
  const codes: string[] = [];
  for (let i = 0; i < PER_ACCOUNT + 1; i++)
    codes.push((await failure(signIn('juan.dc', `guess-${i}`, `10.1.0.${i + 1}`))).code);
  // The eleventh is checked (and wrong); it leaves the account waiting 1 s, from any address.
  expect(codes).toEqual(Array(PER_ACCOUNT + 1).fill('SUBSCRIBER_LOGIN'));
  const held = await failure(signIn('JUAN.DC', RIGHT, '10.1.1.1'));
  expect(held).toBeInstanceOf(RateLimitedError);
  expect((held as RateLimitedError).retryAfterSeconds).toBe(1);
  h.clock.advance(1000);
  expect((await failure(signIn('juan.dc', 'guess-x', '10.1.1.2'))).code).toBe('SUBSCRIBER_LOGIN');
  expect(((await failure(signIn('juan.dc', RIGHT, '10.1.1.3'))) as RateLimitedError).retryAfterSeconds).toBe(
    2,
  );
  // A restarted server reads the same count.
  const again = await createLoginDelays(h.core!.db, h.clock).beginSubscriber('juan.dc', '10.1.1.4');
  expect(again).toEqual({ ok: false, waitSeconds: 2 });
  // After the wait the right password signs in, and the account starts afresh.
  h.clock.advance(2000);
  expect((await signIn('juan.dc', RIGHT, '10.1.1.5')).accountNo).toBe('S-000001');
  for (let i = 0; i < PER_ACCOUNT; i++)
    expect((await failure(signIn('juan.dc', `later-${i}`, `10.1.2.${i + 1}`))).code).toBe('SUBSCRIBER_LOGIN');
});

test('one address on many accounts, a fresh browser each try: twenty are checked, then the address waits', async () => {
  const codes: string[] = [];
  for (let i = 0; i < PER_ADDRESS + 1; i++)
    codes.push((await failure(signIn(`name-${i}`, 'Summer2026!', '10.2.0.1', `browser-${i}`))).code);
  expect(codes).toEqual(Array(PER_ADDRESS + 1).fill('SUBSCRIBER_LOGIN'));
  const held = await failure(signIn('juan.dc', RIGHT, '10.2.0.1', 'browser-x'));
  expect(held).toBeInstanceOf(RateLimitedError);
  expect((held as RateLimitedError).retryAfterSeconds).toBe(1);
  // Another address is not held back; after the wait this one signs in, and that refills nothing.
  expect((await signIn('juan.dc', RIGHT, '10.2.0.2')).accountNo).toBe('S-000001');
  h.clock.advance(1000);
  expect((await signIn('juan.dc', RIGHT, '10.2.0.1', 'browser-y')).accountNo).toBe('S-000001');
  const next = await failure(signIn('name-x', 'wrong', '10.2.0.1', 'browser-z'));
  expect(next.code).toBe('SUBSCRIBER_LOGIN');
  expect(
    ((await failure(signIn('name-y', 'wrong', '10.2.0.1', 'browser-w'))) as RateLimitedError)
      .retryAfterSeconds,
  ).toBe(2);
});

test('only wrong passwords count: thirty right sign-ins leave the address and the account their free tries', async () => {
  for (let i = 0; i < 30; i++)
    expect((await signIn('juan.dc', RIGHT, '10.3.0.1', `browser-${i}`)).accountNo).toBe('S-000001');
  for (let i = 0; i < PER_ACCOUNT; i++)
    expect((await failure(signIn('juan.dc', `wrong-${i}`, '10.3.0.1', `other-${i}`))).code).toBe(
      'SUBSCRIBER_LOGIN',
    );
});

test('the page answers 429 with Retry-After; pisonet subscribers unlock lets the subscriber in at once', async () => {
  for (let i = 0; i < PER_ACCOUNT + 4; i++) {
    await failure(signIn('juan.dc', `guess-${i}`, `10.4.0.${i + 1}`));
    // Each wait passes, but the last (8 s, after the fourteenth).
    if (i < PER_ACCOUNT + 3) h.clock.advance(1000 * 2 ** Math.max(0, i - PER_ACCOUNT));
  }
  const c = new AdminClient(h.app!.url);
  const token = await c.token('/portal/account');
  const held = await c.post('/portal/account', { username: 'juan.dc', password: RIGHT }, token);
  expect(held.status).toBe(429);
  expect(held.headers.get('retry-after')).toBe('8');
  expect(await held.text()).toMatch(/Too many wrong tries/);

  const r = await runCli(h, ['subscribers', 'unlock', 'juan.dc', '--json']);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toEqual({ username: 'juan.dc', cleared: 1 });
  const res = await c.post('/portal/account', { username: 'juan.dc', password: RIGHT }, token);
  expect(res.status).toBe(303);
  expect(c.cookies.has('pisonet_account')).toBe(true);
});

test('the owner sees the wait on the subscriber’s page and lifts it there (audited); the API too; a cashier cannot', async () => {
  const hold = async (from: string) => {
    for (let i = 0; i < PER_ACCOUNT + 2; i++)
      await failure(signIn('juan.dc', `guess-${i}`, `${from}.${i + 1}`));
  };
  await hold('10.5.0');
  const owner = new AdminClient(h.app!.url);
  expect((await owner.login()).status).toBe(303);
  const page = await owner.html(`/admin/subscribers/${subId}`);
  expect(page).toContain('data-testid="sign-in-wait"');
  expect(page).toContain('Portal sign-in: 11 wrong passwords lately, so the next try waits 1 second.');
  const token = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  const lifted = await owner.post(`/admin/subscribers/${subId}/unlock`, {}, token);
  expect([lifted.status, lifted.headers.get('location')]).toEqual([303, `/admin/subscribers/${subId}`]);
  const after = await owner.html(`/admin/subscribers/${subId}`);
  expect(after).toContain('may sign in on the portal again at once');
  expect(after).not.toContain('data-testid="sign-in-wait"');
  expect((await signIn('juan.dc', RIGHT, '10.5.1.1')).accountNo).toBe('S-000001');
  const audit = await h.core!.services.audit.list({ action: 'subscriber.unlock', target: 'S-000001' });
  expect(audit.entries[0]).toMatchObject({
    actor: expect.stringContaining('admin'),
    details: { cleared: true },
  });

  // The API: owner-only, the same service.
  await hold('10.6.0');
  await makeAccount(h, { username: 'cashier1', role: 'cashier' });
  const cashier = await api(h, 'POST', `/admin/api/subscribers/${subId}/unlock`, {}, await cashierBearer());
  expect(cashier.status).toBe(403);
  const byApi = await api(h, 'POST', `/admin/api/subscribers/${subId}/unlock`);
  expect(byApi).toEqual({ status: 200, json: { success: true, cleared: true } });
  expect((await signIn('juan.dc', RIGHT, '10.6.1.1')).accountNo).toBe('S-000001');
  expect((await api(h, 'POST', `/admin/api/subscribers/${subId}/unlock`)).json.cleared).toBe(false);
});

async function cashierBearer(): Promise<Record<string, string>> {
  const t = await api(
    h,
    'POST',
    '/admin/api/tokens',
    { username: 'cashier1', password: 'counter-pass-123' },
    {},
  );
  return { authorization: `Bearer ${t.json.token as string}` };
}

test('one phone that mistyped a few times waits by the guess limits: the owner sees it and lets that phone in at once', async () => {
  const phone = (password: string) => signIn('juan.dc', password, '10.7.0.1', 'nenas-phone');
  for (let i = 0; i < 5; i++) expect((await failure(phone(`typo-${i}`))).code).toBe('SUBSCRIBER_LOGIN');
  const held = await failure(phone(RIGHT));
  expect(held).toBeInstanceOf(RateLimitedError);
  const owner = new AdminClient(h.app!.url);
  expect((await owner.login()).status).toBe(303);
  const page = await owner.html(`/admin/subscribers/${subId}`);
  expect(page).toMatch(/Portal sign-in: 5 wrong passwords lately, so the next try waits 1 minute\./);
  const token = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  expect((await owner.post(`/admin/subscribers/${subId}/unlock`, {}, token)).status).toBe(303);
  expect((await phone(RIGHT)).accountNo).toBe('S-000001');
});
