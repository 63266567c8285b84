/**
 * Login delays: slow a password guesser without ever locking the owner out. One rule, counted under keys of
 * four kinds (BUDGETS has the figures):
 * - `admin`, per username and address (both together): the first three wrong passwords in a row cost nothing;
 * - `admin-address`, per address across every username: twenty wrong passwords cost nothing, so one address
 *   cannot try three passwords on every name;
 * - `subscriber`, per subscriber account across every address (the portal's account page): ten;
 * - `subscriber-address`, per address across every account (the portal's account page): twenty.
 * A try is counted under every key of its face (the admin's two, or the subscriber's two). Past a key's free
 * failures, each wrong password makes that key wait before its next try, 1 s, 2 s, 4 s, … doubling up to
 * 15 minutes; a try made while any of its keys waits is refused at once with the longest time left, its password
 * never checked: it is not counted and does not lengthen the wait, so the owner's own retries cannot push the
 * right password further away. A key quiet for its `forgetMs` after its last try and wait starts afresh.
 *
 * The right password forgives the keys that name the account (`admin`, `subscriber`); it only takes back its
 * own count from an address's budget, so a guesser's own valid login never refills the budget it sprays with.
 *
 * Each try is counted before its password is checked, in one database transaction over its keys (locked always
 * in BUDGETS' order): requests sent together cannot all pass a check made before any of them failed (the
 * password check is slow). The counts live in the database (`login_failures`), so a restart neither forgets a
 * guesser nor is needed to let anyone in; `unlock` (the terminal's `pisonet admin unlock`) and `unlockSubscriber`
 * (`pisonet subscribers unlock`, the subscriber's page, its API) clear them at once.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../../lib/clock';

type DelayKind = 'admin' | 'admin-address' | 'subscriber' | 'subscriber-address';

interface Budget {
  /** Wrong passwords that cost no wait. */
  free: number;
  /** A key with no try for this long after its last try and its wait starts afresh. */
  forgetMs: number;
  /** The right password clears the key (it names the account); else it only takes back its own count. */
  clearedByRightPassword: boolean;
}

const MINUTE = 60_000;
/** The keys' figures, in the order a try locks them. */
export const BUDGETS: Record<DelayKind, Budget> = {
  admin: { free: 3, forgetMs: 24 * 60 * MINUTE, clearedByRightPassword: true },
  'admin-address': { free: 20, forgetMs: 15 * MINUTE, clearedByRightPassword: false },
  subscriber: { free: 10, forgetMs: 60 * MINUTE, clearedByRightPassword: true },
  'subscriber-address': { free: 20, forgetMs: 15 * MINUTE, clearedByRightPassword: false },
};
const ORDER = Object.keys(BUDGETS) as DelayKind[];

/** Wrong passwords in a row per admin username and address that cost no wait. */
const FREE_FAILURES = BUDGETS.admin.free;
/** The longest wait, in seconds. */
const MAX_WAIT_SECONDS = 15 * 60;

/** Seconds to wait after `failures` wrong passwords: 0 for the `free` first ones, then 1, 2, 4, … 900. */
export function waitAfter(failures: number, free = FREE_FAILURES): number {
  if (failures <= free) return 0;
  return Math.min(2 ** Math.min(failures - free - 1, 30), MAX_WAIT_SECONDS);
}

/** One key a try is counted under; `username` or `address` is '' where the kind has none. */
interface DelayKey {
  kind: DelayKind;
  username: string;
  address: string;
}

/** A key as a try counted it: its count then, and the wait it had before (to take the count back). */
interface Counted extends DelayKey {
  failures: number;
  waitUntil: number;
  waitBefore: number;
}

/**
 * One try, counted: `ok` lets its password be checked, and says how long its keys wait if it is wrong; a try
 * refused (`ok: false`) waits `waitSeconds` more.
 */
export type LoginTry =
  { ok: true; counted: Counted[]; waitIfWrong: number } | { ok: false; waitSeconds: number };

interface Row {
  failures: number | string;
  wait_until: number | string;
  last_try_at: number | string;
}

export interface LoginDelays {
  /** Counts an admin try (the login form, a token request) for this username and address, or refuses it. */
  begin(username: string, address: string): Promise<LoginTry>;
  /** Counts a subscriber's try on the portal's account page for this username and address, or refuses it. */
  beginSubscriber(username: string, address: string): Promise<LoginTry>;
  /** The try's password was right: its account's keys start afresh, its count leaves the addresses' budgets. */
  succeeded(attempt: LoginTry): Promise<void>;
  /**
   * Clears the admin counts of one username (from every address, and the budgets of those addresses), or of all;
   * returns how many addresses were cleared.
   */
  unlock(username?: string): Promise<number>;
  /**
   * Clears the portal sign-in count of one subscriber username (from every address), or every subscriber count
   * and address budget; returns how many counts were cleared.
   */
  unlockSubscriber(username?: string): Promise<number>;
  /** A subscriber account's wrong passwords counted now and the seconds its wait has left, or null: none. */
  subscriberWait(username: string): Promise<{ failures: number; waitSeconds: number } | null>;
}

const TABLE = 'login_failures';
const nameKey = (username: string) => username.trim().toLowerCase().slice(0, 64);
const addressKey = (address: string) => address.slice(0, 64);
const keyOf = (k: DelayKey) => ({ kind: k.kind, username: k.username, address: k.address });

/** Whether a key's count is forgotten at `now`: quiet for its budget's time after its last try and its wait. */
function forgotten(kind: DelayKind, row: Row | undefined, now: number): boolean {
  if (!row) return true;
  return now - Math.max(Number(row.last_try_at), Number(row.wait_until)) >= BUDGETS[kind].forgetMs;
}

/** Counts a try under `keys` (in BUDGETS' order), or refuses it when any of them waits. */
async function countTry(db: Knex, now: number, keys: DelayKey[]): Promise<LoginTry> {
  // The rows first, outside the locking transaction: two first tries insert once, and both then lock them.
  for (const key of keys)
    await db(TABLE)
      .insert({ ...key, failures: 0, wait_until: 0, last_try_at: now })
      .onConflict(['kind', 'username', 'address'])
      .ignore();
  return db.transaction(async (trx) => {
    const rows: (Row | undefined)[] = [];
    for (const key of keys)
      rows.push((await trx(TABLE).where(keyOf(key)).forUpdate().first()) as Row | undefined);
    const waitUntil = Math.max(0, ...rows.map((r) => Number(r?.wait_until ?? 0)));
    if (now < waitUntil) return { ok: false, waitSeconds: Math.ceil((waitUntil - now) / 1000) };
    const counted: Counted[] = [];
    for (const [i, key] of keys.entries()) {
      const row = rows[i];
      const failures = (forgotten(key.kind, row, now) ? 0 : Number(row?.failures ?? 0)) + 1;
      const until = now + waitAfter(failures, BUDGETS[key.kind].free) * 1000;
      await trx(TABLE).where(keyOf(key)).update({ failures, wait_until: until, last_try_at: now });
      counted.push({ ...key, failures, waitUntil: until, waitBefore: Number(row?.wait_until ?? 0) });
    }
    await prune(trx, now);
    const waitIfWrong = Math.max(...counted.map((c) => (c.waitUntil - now) / 1000));
    return { ok: true, counted, waitIfWrong };
  });
}

/** Keys surely forgotten (quiet past their time and the longest wait) are gone: a flood leaves no table. */
async function prune(trx: Knex.Transaction, now: number): Promise<void> {
  for (const kind of ORDER)
    await trx(TABLE)
      .where('kind', kind)
      .where('last_try_at', '<', now - BUDGETS[kind].forgetMs - MAX_WAIT_SECONDS * 1000)
      .delete();
}

/** Takes a right password's count back from an address's budget (and its wait, when no try came since). */
async function takeBack(db: Knex, c: Counted): Promise<void> {
  await db.transaction(async (trx) => {
    const row = (await trx(TABLE).where(keyOf(c)).forUpdate().first()) as Row | undefined;
    if (!row) return;
    const failures = Math.max(0, Number(row.failures) - 1);
    const untouched = Number(row.failures) === c.failures && Number(row.wait_until) === c.waitUntil;
    if (failures === 0) return void (await trx(TABLE).where(keyOf(c)).delete());
    await trx(TABLE)
      .where(keyOf(c))
      .update(untouched ? { failures, wait_until: c.waitBefore } : { failures });
  });
}

/** Clears one admin name's counts and the budgets of the addresses it tried from, or every admin count. */
async function unlockAdmin(db: Knex, username: string | undefined): Promise<number> {
  if (username === undefined) {
    const addresses = await db(TABLE).whereIn('kind', ['admin', 'admin-address']).distinct('address');
    await db(TABLE).whereIn('kind', ['admin', 'admin-address']).delete();
    return addresses.length;
  }
  // The budgets of the name's addresses go too: someone else's wrong passwords there no longer hold it back.
  return db.transaction(async (trx) => {
    const pairs = trx(TABLE).where({ kind: 'admin', username: nameKey(username) });
    const addresses = ((await pairs.clone().select('address')) as { address: string }[]).map(
      (r) => r.address,
    );
    await pairs.clone().delete();
    if (addresses.length)
      await trx(TABLE).where('kind', 'admin-address').whereIn('address', addresses).delete();
    return addresses.length;
  });
}

export function createLoginDelays(db: Knex, clock: Clock): LoginDelays {
  return {
    begin(username, address) {
      const addr = addressKey(address);
      return countTry(db, clock.now(), [
        { kind: 'admin', username: nameKey(username), address: addr },
        { kind: 'admin-address', username: '', address: addr },
      ]);
    },

    beginSubscriber(username, address) {
      return countTry(db, clock.now(), [
        { kind: 'subscriber', username: nameKey(username), address: '' },
        { kind: 'subscriber-address', username: '', address: addressKey(address) },
      ]);
    },

    async succeeded(attempt) {
      if (!attempt.ok) return;
      for (const c of attempt.counted)
        if (BUDGETS[c.kind].clearedByRightPassword) await db(TABLE).where(keyOf(c)).delete();
        else await takeBack(db, c);
    },

    unlock: (username) => unlockAdmin(db, username),

    async unlockSubscriber(username) {
      const q = db(TABLE);
      if (username === undefined) q.whereIn('kind', ['subscriber', 'subscriber-address']);
      else q.where({ kind: 'subscriber', username: nameKey(username) });
      return Number(await q.delete());
    },

    async subscriberWait(username) {
      const now = clock.now();
      const row = (await db(TABLE)
        .where({ kind: 'subscriber', username: nameKey(username), address: '' })
        .first()) as Row | undefined;
      if (!row || forgotten('subscriber', row, now) || Number(row.failures) === 0) return null;
      return {
        failures: Number(row.failures),
        waitSeconds: Math.max(0, Math.ceil((Number(row.wait_until) - now) / 1000)),
      };
    },
  };
}
