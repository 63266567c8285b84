/**
 * Admin login delays: slow a password guesser without ever locking the owner out.
 *
 * Per username and address (both together): the first three wrong passwords in a row cost nothing; from the
 * fourth on, each wrong password makes that pair wait before its next try, 1 s, 2 s, 4 s, … doubling up to
 * 15 minutes. A try made while the pair waits is refused at once with the time left, its password never
 * checked: it is not counted and does not lengthen the wait, so the owner's own retries cannot push the right
 * password further away. The right password after the wait gets in and clears the pair's count. A pair quiet
 * for a day starts afresh.
 *
 * Each try is counted before its password is checked, in one database transaction per pair: requests sent
 * together cannot all pass a check made before any of them failed (the password check is slow). The counts live
 * in the database (`login_failures`), so a restart neither forgets a guesser nor is needed to let anyone in;
 * `unlock` (the terminal's `pisonet admin unlock`) clears them at once.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock';

/** Wrong passwords in a row that cost no wait. */
export const FREE_FAILURES = 3;
/** The longest wait, in seconds. */
export const MAX_WAIT_SECONDS = 15 * 60;
/** A pair with no try for this long starts afresh (and its row is removed). */
export const FORGET_MS = 24 * 3600 * 1000;

/** Seconds to wait after `failures` wrong passwords in a row: 0 for the first three, then 1, 2, 4, … 900. */
export function waitAfter(failures: number): number {
  if (failures <= FREE_FAILURES) return 0;
  return Math.min(2 ** Math.min(failures - FREE_FAILURES - 1, 30), MAX_WAIT_SECONDS);
}

/**
 * One try, counted: `ok` lets its password be checked, and says how long the pair waits if it is wrong; a try
 * refused (`ok: false`) waits `waitSeconds` more.
 */
export type LoginTry =
  { ok: true; username: string; address: string; waitIfWrong: number } | { ok: false; waitSeconds: number };

interface Row {
  failures: number | string;
  wait_until: number | string;
  last_try_at: number | string;
}

export interface LoginDelays {
  /** Counts a try for this username and address before its password is checked, or refuses it. */
  begin(username: string, address: string): Promise<LoginTry>;
  /** The try's password was right: the pair starts afresh. */
  succeeded(attempt: LoginTry): Promise<void>;
  /** Clears the counts of one username (from every address), or of all; returns how many pairs were cleared. */
  unlock(username?: string): Promise<number>;
}

const TABLE = 'login_failures';
const nameKey = (username: string) => username.trim().toLowerCase().slice(0, 64);

export function createLoginDelays(db: Knex, clock: Clock): LoginDelays {
  return {
    async begin(username, address) {
      const key = { username: nameKey(username), address: address.slice(0, 64) };
      const now = clock.now();
      // The row first, outside the locking transaction: two first tries insert once, and both then lock it.
      await db(TABLE)
        .insert({ ...key, failures: 0, wait_until: 0, last_try_at: now })
        .onConflict(['username', 'address'])
        .ignore();
      return db.transaction(async (trx) => {
        const row = (await trx(TABLE).where(key).forUpdate().first()) as Row | undefined;
        const waitUntil = Number(row?.wait_until ?? 0);
        if (now < waitUntil) return { ok: false, waitSeconds: Math.ceil((waitUntil - now) / 1000) };
        const quiet = now - Number(row?.last_try_at ?? now) >= FORGET_MS;
        const failures = (quiet ? 0 : Number(row?.failures ?? 0)) + 1;
        const wait = waitAfter(failures);
        await trx(TABLE)
          .where(key)
          .update({ failures, wait_until: now + wait * 1000, last_try_at: now });
        // Pairs quiet for a day are gone: an address flood leaves no table behind it.
        await trx(TABLE)
          .where('last_try_at', '<', now - FORGET_MS)
          .delete();
        return { ok: true, ...key, waitIfWrong: wait };
      });
    },

    async succeeded(attempt) {
      if (!attempt.ok) return;
      await db(TABLE).where({ username: attempt.username, address: attempt.address }).delete();
    },

    async unlock(username) {
      const q = db(TABLE);
      if (username !== undefined) q.where('username', nameKey(username));
      return Number(await q.delete());
    },
  };
}
