/**
 * The RADIUS sites' vouchers as FreeRADIUS users: for each code of a RADIUS site, its rows in `radcheck` and
 * `radreply` and its login rules in `radius_accounts`, made by the pure radiusAccount (src/domain/radius-account.ts)
 * and written only where they differ from what the tables hold (desired state reconciled). A code that ended keeps
 * a refusal for RETAIN_ENDED_MS, then its rows go (an unknown user is refused too). Users that are not our codes
 * (a shop's own FreeRADIUS users) are never touched.
 *
 * Written by every poll of a RADIUS site from that poll's own decision (its enforcer, coa-enforcer.ts: data left,
 * the clock, fair use move the answers; the policy is not asked again), and at once after a change to a code (sold,
 * revoked, extended, topped up, moved to another plan), so the next login gets it. What a code's login is answered
 * now (answeredOf) is read here too, for the enforcer to know what a session first seen took at its Accept.
 */
import type { Knex } from 'knex';
import {
  radiusAccount,
  type DecidedAccess,
  type RadiusAccount,
  type RadiusItem,
} from '../../../domain/radius-account';
import type { ProfileRecord, ProfileService } from '../../shop/profiles/types';
import { toVoucherState } from '../../shop/vouchers/state';
import type { VoucherRow } from '../../shop/vouchers/types';
import { RADIUS_CLIENTS } from '../../../domain/site-mode';

/** How long an ended code is still refused with its reason (then FreeRADIUS refuses it as unknown). */
const RETAIN_ENDED_MS = 30 * 86400_000;

interface AccountsSyncDeps {
  db: Knex;
  profiles: ProfileService;
  now: number;
  tz: string;
}

interface AccountsSyncResult {
  /** Codes whose rows were written (new or changed). */
  written: number;
  /** Codes whose rows were removed (ended long ago, deleted, moved to an API site). */
  removed: number;
}

/** A user's rows as FreeRADIUS holds them. */
export interface Stored {
  check: RadiusItem[];
  reply: RadiusItem[];
}

/** The same rows whatever their order (a user's rows are compared, then rewritten only when they differ). */
const rowsKey = (items: RadiusItem[]) =>
  items
    .map((i) => `${i.attribute}\u0000${i.op}\u0000${i.value}`)
    .sort()
    .join('\u0001');

/** Whether a user's stored rows are already these (`b`), in any order. */
export const sameRows = (a: Stored | undefined, b: Stored) =>
  a !== undefined && rowsKey(a.check) === rowsKey(b.check) && rowsKey(a.reply) === rowsKey(b.reply);

/** The rows `radcheck` and `radreply` hold for these users. */
export async function storedRows(db: Knex, codes: string[]): Promise<Map<string, Stored>> {
  const out = new Map<string, Stored>();
  const get = (u: string) => {
    let s = out.get(u);
    if (!s) out.set(u, (s = { check: [], reply: [] }));
    return s;
  };
  for (let i = 0; i < codes.length; i += 1000) {
    const part = codes.slice(i, i + 1000);
    for (const [table, side] of [
      ['radcheck', 'check'],
      ['radreply', 'reply'],
    ] as const) {
      const rows = (await db(table).whereIn('username', part).orderBy('id')) as Array<
        { username: string } & RadiusItem
      >;
      for (const r of rows) get(r.username)[side].push({ attribute: r.attribute, op: r.op, value: r.value });
    }
  }
  return out;
}

async function firstAccepts(db: Knex, codes: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = (await db('radius_accounts')
      .whereIn('username', codes.slice(i, i + 1000))
      .whereNotNull('first_accept_at')
      .select('username', 'first_accept_at')) as Array<{ username: string; first_accept_at: Date }>;
    for (const r of rows) out.set(r.username, new Date(r.first_accept_at).getTime());
  }
  return out;
}

async function write(trx: Knex, code: string, siteId: number, a: RadiusAccount): Promise<void> {
  await trx('radcheck').where({ username: code }).delete();
  await trx('radreply').where({ username: code }).delete();
  const rows = (items: RadiusItem[]) => items.map((i) => ({ username: code, ...i }));
  if (a.check.length) await trx('radcheck').insert(rows(a.check));
  if (a.reply.length) await trx('radreply').insert(rows(a.reply));
  if (a.login)
    await trx.raw(
      `INSERT INTO radius_accounts (username, site_id, max_devices, validity_seconds) VALUES (?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET site_id = EXCLUDED.site_id, max_devices = EXCLUDED.max_devices,
         validity_seconds = EXCLUDED.validity_seconds`,
      [code, siteId, a.login.maxDevices, a.login.validitySeconds],
    );
  else await trx('radius_accounts').where({ username: code }).delete();
}

/**
 * Brings the RADIUS users of the RADIUS sites' codes (of one site, or only `codes`) in line with the vouchers.
 * `decided`: a poll's decision for its active codes (by code), written as it is; the other codes (unused, ended,
 * changed since the poll read them) are decided here. Needs PostgreSQL (the tables exist there only).
 */
export async function syncRadiusAccounts(
  deps: AccountsSyncDeps,
  scope: { siteId?: number; codes?: readonly string[] } = {},
  decided?: ReadonlyMap<string, DecidedAccess>,
): Promise<AccountsSyncResult> {
  const { db, now } = deps;
  const q = db('vouchers as v')
    .join('sites as s', 's.id', 'v.site_id')
    .where('s.mode', RADIUS_CLIENTS.mode)
    .andWhere((w) =>
      w.whereIn('v.status', ['unused', 'active']).orWhere('v.ended_at', '>=', now - RETAIN_ENDED_MS),
    )
    .select('v.*');
  if (scope.siteId !== undefined) q.andWhere('v.site_id', scope.siteId);
  if (scope.codes) q.whereIn('v.code', [...scope.codes]);
  const vouchers = (await q) as VoucherRow[];
  const profiles = new Map<number, ProfileRecord>(
    (await deps.profiles.list({ includeArchived: true })).map((p) => [p.id, p]),
  );
  const codes = vouchers.map((v) => v.code);
  const [stored, accepted] = await Promise.all([storedRows(db, codes), firstAccepts(db, codes)]);
  const changes: Array<{ code: string; siteId: number; account: RadiusAccount }> = [];
  for (const row of vouchers) {
    const p = profiles.get(row.profile_id);
    if (!p) continue;
    const state = toVoucherState(row, p.profile);
    // FreeRADIUS started an unused code's validity at its first login (the controller may not have booked it yet).
    const first = accepted.get(row.code);
    if (state.status === 'unused' && first !== undefined) {
      state.status = 'active';
      state.activatedAt = first;
    }
    const poll = row.status === 'active' ? decided?.get(row.code) : undefined;
    const account = radiusAccount(state, row.password ?? row.code, now, deps.tz, poll);
    if (sameRows(stored.get(row.code), account)) continue;
    changes.push({ code: row.code, siteId: Number(row.site_id), account });
  }
  // Our codes FreeRADIUS still knows that no RADIUS site's voucher wants now (long ended, removed, moved).
  const wanted = new Set(codes);
  const strayQ = db('radcheck as c').join('vouchers as v', 'v.code', 'c.username').distinct('c.username');
  if (scope.siteId !== undefined)
    strayQ.where((w) => w.where('v.site_id', scope.siteId!).orWhereNull('v.site_id'));
  if (scope.codes) strayQ.whereIn('c.username', [...scope.codes]);
  const stray = ((await strayQ) as Array<{ username: string }>)
    .map((r) => r.username)
    .filter((u) => !wanted.has(u));
  if (changes.length === 0 && stray.length === 0) return { written: 0, removed: 0 };
  await db.transaction(async (trx) => {
    for (const c of changes) await write(trx, c.code, c.siteId, c.account);
    for (let i = 0; i < stray.length; i += 1000) {
      const part = stray.slice(i, i + 1000);
      await trx('radcheck').whereIn('username', part).delete();
      await trx('radreply').whereIn('username', part).delete();
      await trx('radius_accounts').whereIn('username', part).delete();
    }
  });
  return { written: changes.length, removed: stray.length };
}

/** What a login of each code is answered now (radreply): its rates and its byte allowance (0: none). */
export interface Answered {
  rate: string;
  limit: number;
}

export async function answeredOf(db: Knex, codes: string[]): Promise<Map<string, Answered>> {
  const out = new Map<string, Answered>();
  const get = (u: string) => {
    let a = out.get(u);
    if (!a) out.set(u, (a = { rate: '', limit: 0 }));
    return a;
  };
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = (await db('radreply')
      .whereIn('username', codes.slice(i, i + 1000))
      .whereIn('attribute', ['Mikrotik-Rate-Limit', 'Mikrotik-Total-Limit', 'Mikrotik-Total-Limit-Gigawords'])
      .select('username', 'attribute', 'value')) as Array<{
      username: string;
      attribute: string;
      value: string;
    }>;
    for (const r of rows) {
      const a = get(r.username);
      if (r.attribute === 'Mikrotik-Rate-Limit') a.rate = r.value;
      else if (r.attribute === 'Mikrotik-Total-Limit') a.limit += Number(r.value) || 0;
      else a.limit += (Number(r.value) || 0) * 2 ** 32;
    }
  }
  return out;
}
