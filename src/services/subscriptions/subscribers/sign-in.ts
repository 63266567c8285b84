/**
 * How a subscriber is recognised on the portal's account page: by the PPPoE session's address, or by username
 * and password. A wrong login costs what a wrong voucher code costs (the portal's guess limits, per asker), and
 * counts against the login delays per account across addresses and per address across accounts
 * (src/services/business/login-delays), so neither many addresses on one account nor one address on many accounts gets
 * round them. The answer never says which of the two was wrong.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { AppError, RateLimitedError } from '../../../domain/errors';
import type { LoginDelays, LoginTry } from '../../business/login-delays';
import type { CredentialsBox } from '../../business/sites/credentials';
import type { Asker } from '../../shop/guess-limiter/types';
import type { GuessLimiter } from '../../shop/guess-limiter';
import { loadRows } from './store';

/** The portal's wrong-code limits (src/services/shop/guess-limiter). */
export type SignInLimiter = Pick<GuessLimiter, 'admit' | 'retryAfter' | 'forgive'>;

/** Usernames whose wrong passwords are remembered with who typed them, and askers kept per username. */
const REMEMBERED = { usernames: 1000, askers: 8 };

/**
 * Who typed a wrong password for which username lately (in memory, as the guess limits are): the owner's "Let them
 * sign in now" forgives those askers their wrong tries, and the owner's page shows their wait.
 */
function wrongTries() {
  const byName = new Map<string, { askers: Asker[]; count: number }>();
  const key = (username: string) => username.trim().toLowerCase();
  return {
    note(username: string, asker: Asker): void {
      const k = key(username);
      const had = byName.get(k) ?? { askers: [], count: 0 };
      const others = had.askers.filter((a) => a.browser !== asker.browser || a.peerIp !== asker.peerIp);
      byName.delete(k);
      byName.set(k, { askers: [...others, asker].slice(-REMEMBERED.askers), count: had.count + 1 });
      if (byName.size > REMEMBERED.usernames) byName.delete(byName.keys().next().value!);
    },
    of: (username: string) => byName.get(key(username)) ?? { askers: [], count: 0 },
    forget: (username: string) => byName.delete(key(username)),
  };
}

/**
 * Which subscriber's PPPoE session holds this address (the request's source address), or null (the account page
 * then asks for username and password). Throws when the sessions cannot be read now (a router that is down):
 * at-address.ts asks every site this process drives.
 */
export type SubscriberAtAddress = (address: string) => Promise<number | null>;

/** Where no site is asked (a service built without the sites), no address is known to belong to a subscriber. */
export const noPppSessionsRead: SubscriberAtAddress = async () => null;

const wrongLogin = () => new AppError('SUBSCRIBER_LOGIN', 'Wrong username or password', 401, 'username');

/** Compares in constant time whatever the lengths (both sides are hashed first). */
function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

export function createSubscriberSignIn(deps: {
  db: Knex;
  box: Pick<CredentialsBox, 'open'>;
  limiter?: SignInLimiter;
  delays?: Pick<LoginDelays, 'beginSubscriber' | 'succeeded' | 'subscriberWait' | 'unlockSubscriber'>;
}) {
  /** The subscriber's id whose username (any case) and password these are; ended services do not sign in. */
  async function check(username: string, password: string): Promise<number | null> {
    const rows =
      typeof username === 'string' && username.length <= 64
        ? await loadRows(deps.db, (q) => q.where('s.username_key', username.trim().toLowerCase()))
        : [];
    let found: number | null = null;
    // Every row is compared (and a dummy when there is none): the time taken does not tell a username exists.
    if (!rows.length) sameSecret(password, 'no such subscriber');
    for (const r of rows)
      if (sameSecret(password, deps.box.open(r.password_enc, r.site_name)) && r.status !== 'ended')
        found = Number(r.id);
    return found;
  }

  const wrong = wrongTries();
  return {
    /** The subscriber's id, or AppError SUBSCRIBER_LOGIN (401); too many wrong tries: RateLimitedError. */
    async signIn(username: unknown, password: unknown, asker: Asker): Promise<number> {
      const name = typeof username === 'string' ? username : '';
      const ticket = deps.limiter ? await deps.limiter.admit(asker) : undefined;
      let id: number | null = null;
      let attempt: LoginTry | undefined;
      try {
        // Counted before the (slow) check, so requests sent together cannot all reach it.
        attempt = await deps.delays?.beginSubscriber(name, asker.peerIp ?? 'unknown');
        if (attempt && !attempt.ok) throw new RateLimitedError(attempt.waitSeconds);
        id = await check(name, typeof password === 'string' ? password : '');
      } catch (e) {
        ticket?.release();
        throw e;
      }
      if (id === null) {
        await ticket?.fail();
        wrong.note(name, asker);
        throw wrongLogin();
      }
      ticket?.release();
      if (attempt) await deps.delays?.succeeded(attempt);
      return id;
    },

    /**
     * The username's count and wait across addresses (the login delays), the wait of a device that typed it wrong
     * (the guess limits) if longer; or null.
     */
    async wait(username: string) {
      const delays = (await deps.delays?.subscriberWait(username)) ?? null;
      const tries = wrong.of(username);
      let guesses = 0;
      for (const a of tries.askers) guesses = Math.max(guesses, (await deps.limiter?.retryAfter(a)) ?? 0);
      if (guesses <= (delays?.waitSeconds ?? 0)) return delays;
      return { failures: Math.max(delays?.failures ?? 0, tries.count), waitSeconds: guesses };
    },

    /**
     * Clears the username's count and wait across addresses, and forgives the devices that typed it wrong their
     * wrong tries (the guess limits); whether there was any.
     */
    async unlock(username: string): Promise<boolean> {
      const { askers } = wrong.of(username);
      for (const a of askers) deps.limiter?.forgive(a);
      wrong.forget(username);
      return ((await deps.delays?.unlockSubscriber(username)) ?? 0) > 0 || askers.length > 0;
    },
  };
}
