/**
 * The subscriber service's sign-in for the portal's account page: username in any case and the password; a wrong
 * password and an unknown username fail alike; an ended service does not sign in; wrong tries are counted by
 * the portal's guess limits; no address is known to be a subscriber's until the PPP sessions are read.
 */
import { AppError, RateLimitedError } from '../../src/domain/errors';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await addSubscriber(h, { password: 'sikreto-123' });
});
afterAll(async () => {
  await h.close();
});

const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as AppError;
  }
  throw new Error('signed in');
};

test('the right pair signs in (username in any case); a wrong one never says which was wrong', async () => {
  const subs = h.core!.services.subscribers;
  const s = await subs.signIn('JUAN.DC', 'sikreto-123', { peerIp: '10.0.0.1' });
  expect(s.accountNo).toBe('S-000001');
  const wrongPassword = await failure(subs.signIn('juan.dc', 'sikreto-124', { peerIp: '10.0.0.2' }));
  const wrongUser = await failure(subs.signIn('juan.dx', 'sikreto-123', { peerIp: '10.0.0.3' }));
  for (const e of [wrongPassword, wrongUser]) {
    expect(e).toBeInstanceOf(AppError);
    expect([e.code, e.status, e.message]).toEqual(['SUBSCRIBER_LOGIN', 401, 'Wrong username or password']);
  }
  expect(await failure(subs.signIn(undefined, { x: 1 }, { peerIp: '10.0.0.4' }))).toMatchObject({
    code: 'SUBSCRIBER_LOGIN',
  });
});

test('wrong tries from one asker are held back like wrong voucher codes, the right password too', async () => {
  const subs = h.core!.services.subscribers;
  const asker = { peerIp: '10.0.0.50' };
  let limited: unknown = null;
  for (let i = 0; i < 10 && !limited; i++) {
    const e = await failure(subs.signIn('juan.dc', `wrong-${i}-pass`, asker));
    if (e instanceof RateLimitedError) limited = e;
  }
  expect(limited).toBeInstanceOf(RateLimitedError);
  expect(await failure(subs.signIn('juan.dc', 'sikreto-123', asker))).toBeInstanceOf(RateLimitedError);
});

test('no address is a subscriber until the PPP sessions are read; an ended service does not sign in', async () => {
  const subs = h.core!.services.subscribers;
  expect(await subs.atAddress('10.0.0.1')).toBeNull();
  await subs.end('juan.dc', SYSTEM);
  expect(await failure(subs.signIn('juan.dc', 'sikreto-123', { peerIp: '10.0.0.9' }))).toMatchObject({
    code: 'SUBSCRIBER_LOGIN',
  });
});
