/**
 * What the router's sessions settle about a voucher: a session of a code the controller did not activate (the
 * router's own login page) activates it, and a portal claim left unconfirmed (controller killed, router gone) is
 * confirmed by its session or undone.
 */
import type { Knex } from 'knex';
import { rawRows } from '../../../db/knex';
import { normaliseMac } from '../../../domain/units';
import * as voucherDevices from '../voucher-devices';
import { profileFromRow, type ProfileRow } from '../../../domain/profile-row';
import type { VoucherRow } from '../vouchers/types';
import { activate, release, usableAt } from './transitions';

/**
 * Marks `code` active from `at`, bound to `mac` when its profile allows one device, with a device row
 * (counter baseline 0, no queue yet) so the usage poll adopts it. Used when the router reports a session
 * for a voucher the controller did not activate itself (a login on the router's own page while the
 * controller was down). Pass the caller's transaction when inside one (the pool has one connection).
 *
 * Returns true when the voucher was unused and is now active; false when it is unknown, already active
 * (only the device row is ensured) or ended. Conditional on status='unused', so of it and a portal claim
 * only one activates; the poll leaves alone the sessions of portal logins still under way, whose claims may
 * not be committed yet (usage/device-limit.ts).
 */
export async function activateFromRouterSession(
  db: Knex,
  code: string,
  mac: string,
  ip: string | null,
  at: number,
  siteId: number,
): Promise<boolean> {
  const row = (await db('vouchers').where({ code }).first()) as VoucherRow | undefined;
  // Another site's voucher seen here (its user left behind on this router) is not this site's to start.
  if (!row || !usableAt(row, siteId)) return false;
  const deviceMac = normaliseMac(mac);
  if (row.status !== 'unused' && row.status !== 'active') return false;
  let activated = false;
  if (row.status === 'unused') {
    const profileRow = (await db('profiles').where({ id: row.profile_id }).first()) as ProfileRow;
    const profile = profileFromRow(profileRow);
    activated = await activate(db, row, { at, profile, mac: deviceMac, siteId });
    if (activated) {
      await db('events').insert({
        ts: at,
        voucher_id: row.id,
        kind: 'activated-on-router',
        level: 'info',
        message: `Voucher first used on the router's own login page by ${deviceMac}`,
        data: JSON.stringify({ mac: deviceMac, ip }),
      });
    }
  }
  await voucherDevices.found(db, { voucherId: row.id, mac: deviceMac, ip, at, queueId: null });
  return activated;
}

/** How long a redemption may take before its unconfirmed claim counts as interrupted (3 round trips at most). */
export const LOGIN_GRACE_MS = 60_000;

interface SettledLogins {
  /** Claims whose device is online on the router: confirmed (`activated`: the claim was the voucher's first use). */
  finished: Array<{ voucherId: number; mac: string; ip: string | null; activated: boolean }>;
  /** Claims whose device never got online: undone (voucher code masked by the caller for logs). */
  undone: Array<{ voucherId: number; code: string; mac: string; released: boolean }>;
}

/**
 * Redemptions interrupted between the database claim and the confirmed router login (controller killed, router
 * gone): a claim older than `cutoff`, or made by a server that is no longer running (`servers`, several servers on
 * one database: nobody is left to finish it), whose device has a session for the voucher is confirmed (the poll
 * gives it its queue); one without is undone, and when it had activated the voucher, the voucher is released back
 * to unused with its clock never started. Never a consumed voucher without internet.
 */
export async function settleInterruptedLogins(
  db: Knex,
  sessions: ReadonlyArray<{ user: string; mac: string }>,
  cutoff: number,
  at: number,
  siteId: number,
  servers?: { running(names: readonly string[]): Promise<Set<string>> },
): Promise<SettledLogins> {
  const rows = await interruptedClaims(db, cutoff, siteId, servers);
  const out: SettledLogins = { finished: [], undone: [] };
  if (rows.length === 0) return out;
  const online = new Set(sessions.map((s) => `${s.user}\n${s.mac}`));
  await db.transaction(async (trx) => {
    for (const r of rows) {
      if (online.has(`${r.code}\n${r.mac}`)) {
        await voucherDevices.settleOnline(trx, r.id);
        out.finished.push({
          voucherId: r.voucher_id,
          mac: r.mac,
          ip: r.ip,
          activated: Boolean(r.claim_activated),
        });
        continue;
      }
      await voucherDevices.releaseById(trx, r.id);
      let released = false;
      if (r.claim_activated) {
        const [{ n }] = (await trx('voucher_devices')
          .where({ voucher_id: r.voucher_id })
          .count({ n: '*' })) as {
          n: number;
        }[];
        if (Number(n) === 0) released = await release(trx, r.voucher_id, at);
      }
      out.undone.push({ voucherId: r.voucher_id, code: r.code, mac: r.mac, released });
    }
  });
  return out;
}

interface Claim {
  id: number;
  voucher_id: number;
  mac: string;
  ip: string | null;
  claim_activated: number | boolean;
  claim_server: string | null;
  login_pending_at: number | string;
  code: string;
  status: string;
}

/** This site's claims older than `cutoff`, or made by a server no longer running. */
async function interruptedClaims(
  db: Knex,
  cutoff: number,
  siteId: number,
  servers?: { running(names: readonly string[]): Promise<Set<string>> },
): Promise<Claim[]> {
  // Only this site's claims: another router's sessions are not in `sessions`. `+v.site_id` keeps SQLite from
  // driving the join by the site's vouchers (every one of them probed, every poll: ~5 ms at 10,000) instead of by
  // the few marked claims (the partial index on login_pending_at); to PostgreSQL it is the same comparison.
  // Plain SQL: it runs every poll of every site, and knex built it anew each time.
  // A claim of a named server is read whatever its age: whether that server still runs decides.
  const named = servers ? ' OR d.claim_server IS NOT NULL' : '';
  const claims = rawRows<Claim>(
    await db.raw(
      `SELECT d.id, d.voucher_id, d.mac, d.ip, d.claim_activated, d.claim_server, d.login_pending_at, v.code, v.status
       FROM voucher_devices AS d JOIN vouchers AS v ON v.id = d.voucher_id
       WHERE +v.site_id = ? AND d.login_pending_at IS NOT NULL AND (d.login_pending_at < ?${named})`,
      [siteId, cutoff],
    ),
  );
  const young = claims.filter((r) => Number(r.login_pending_at) >= cutoff);
  const names = [...new Set(young.map((r) => r.claim_server).filter((s): s is string => s !== null))];
  const running = servers && names.length > 0 ? await servers.running(names) : new Set(names);
  return claims.filter(
    (r) => Number(r.login_pending_at) < cutoff || (r.claim_server !== null && !running.has(r.claim_server)),
  );
}
