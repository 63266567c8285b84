/**
 * The transitions of a voucher's status and clock (see index.ts for the whole lifecycle): activation, release,
 * end, revoke, extra time and a change of plan. Each is conditional on the status it starts from.
 */
import type { Knex } from 'knex';
import { statements } from '../../../db/statements';
import type { Profile } from '../../../domain/profiles';
import { expiresAtFor } from '../../../domain/profile-row';
import type { VoucherRow } from '../vouchers/types';

type Row = Pick<VoucherRow, 'id' | 'extra_seconds' | 'staff'>;

export interface Activation {
  at: number;
  profile: Profile;
  /** The device that used it first; one-device vouchers are bound to it. */
  mac: string;
  /**
   * The redemption binds the hotspot user to that MAC itself, and only succeeds if the binding does: mark the
   * binding as on the router (router_synced_at) so the voucher sync does not do it again.
   */
  bindingOnRouter?: boolean;
  /** The site where it was used: a roaming voucher becomes that site's (absent: the voucher keeps its site). */
  siteId?: number;
}

/** May this voucher be used at that site: its own, or any site while it is roaming and unused. */
export function usableAt(row: Pick<VoucherRow, 'site_id' | 'roaming'>, siteId: number): boolean {
  if (row.site_id === undefined) throw new Error('usableAt: the row was read without site_id');
  return row.site_id === null ? Boolean(row.roaming) : Number(row.site_id) === siteId;
}

/** The columns an activation sets (also used to build the in-memory row after a portal claim). */
export function activationFields(row: Row, a: Activation) {
  return {
    status: 'active' as const,
    activated_at: a.at,
    expires_at: expiresAtFor(a.profile, a.at, row.extra_seconds, Boolean(row.staff)),
    bound_mac: a.profile.users === 1 ? a.mac : null,
    ...(a.bindingOnRouter ? { router_synced_at: a.at } : {}),
    ...(a.siteId !== undefined ? { site_id: a.siteId } : {}),
    updated_at: a.at,
  };
}

/** unused → active: the clock starts. False when it was not unused any more (another device won). */
export async function activate(db: Knex, row: Row, a: Activation): Promise<boolean> {
  const n = await db('vouchers').where({ id: row.id, status: 'unused' }).update(activationFields(row, a));
  return n === 1;
}

/**
 * activate() on the customer's critical path: the same transition as one plain statement on the pool
 * (src/db/statements.ts), not inside a transaction.
 */
export async function activateNow(db: Knex, row: Row, a: Activation): Promise<boolean> {
  const fields = activationFields(row, a);
  const columns = Object.keys(fields) as Array<keyof typeof fields>;
  const n = await statements(db).run(
    `UPDATE vouchers SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ? AND status = 'unused'`,
    [...columns.map((c) => fields[c] ?? null), row.id],
  );
  return n === 1;
}

/**
 * active → unused: a redemption that activated the voucher but never got the device online (router refusal,
 * controller killed in between). The clock did not run for the customer, so it is as if never used.
 */
export async function release(db: Knex, id: number, at: number): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id, status: 'active' })
    .update({
      status: 'unused',
      activated_at: null,
      expires_at: null,
      bound_mac: null,
      // A roaming voucher is valid on every site again; its user at the site that failed is its router id no more.
      site_id: db.raw('CASE WHEN roaming THEN NULL ELSE site_id END'),
      router_user_id: db.raw('CASE WHEN roaming THEN NULL ELSE router_user_id END'),
      updated_at: at,
    });
  return n === 1;
}

/** active → expired / exhausted (time or data used up). */
export async function end(
  db: Knex,
  id: number,
  status: 'expired' | 'exhausted',
  reason: string,
  at: number,
): Promise<boolean> {
  const n = await db('vouchers')
    .where({ id, status: 'active' })
    .update({ status, ended_at: at, end_reason: reason, updated_at: at });
  return n === 1;
}

/**
 * unused / active → revoked by the shop; the voucher no longer exists on the router. `reason`: why, when it is
 * not the shop's own revoke (a vendo's sale whose login failed).
 */
export async function revoke(db: Knex, id: number, at: number, reason = 'revoked'): Promise<boolean> {
  const n = await db('vouchers').where({ id }).whereIn('status', ['unused', 'active']).update({
    status: 'revoked',
    ended_at: at,
    end_reason: reason,
    router_user_id: null,
    updated_at: at,
  });
  return n === 1;
}

/**
 * A sale undone (a coin box's Done that did not get the device online): revoked as never used, its clock never
 * started, so no report counts it as sold; the coins it was bought with are the customer's again.
 */
export async function unsell(db: Knex, id: number, at: number, reason: string): Promise<boolean> {
  const n = await db('vouchers').where({ id }).whereIn('status', ['unused', 'active']).update({
    status: 'revoked',
    activated_at: null,
    expires_at: null,
    ended_at: at,
    end_reason: reason,
    router_user_id: null,
    updated_at: at,
  });
  return n === 1;
}

/**
 * unused / active → revoked, every open voucher of a site being removed (in the removal's transaction). Unlike
 * revoke, `router_user_id` is left as it was: the site's router is no longer managed. Returns how many.
 */
export async function revokeForSite(db: Knex, siteId: number, at: number): Promise<number> {
  return db('vouchers')
    .where({ site_id: siteId })
    .whereIn('status', ['unused', 'active'])
    .update({ status: 'revoked', end_reason: 'site removed', ended_at: at, updated_at: at });
}

/**
 * More time (an extension): the end moves for an active voucher; an unused one gets it at activation. Conditional
 * on the extra time `row` was read with: false when another extension (a double click, a second cashier) came
 * first, so two sales read at once never add their time once and their money twice.
 */
export async function topUp(
  db: Knex,
  row: Pick<VoucherRow, 'id' | 'activated_at' | 'staff' | 'extra_seconds'>,
  profile: Profile,
  extraSeconds: number,
  at: number,
): Promise<boolean> {
  const expires =
    row.activated_at === null
      ? null
      : expiresAtFor(profile, Number(row.activated_at), extraSeconds, Boolean(row.staff));
  const n = await db('vouchers')
    .where({ id: row.id, extra_seconds: row.extra_seconds })
    .update({ extra_seconds: extraSeconds, expires_at: expires, updated_at: at });
  return n === 1;
}

/**
 * Another plan for the voucher: its validity (and so its end) follows the new profile. A sold voucher's sale
 * stays with the plan it was sold as (reports by profile). `rates` are the voucher's base rates after the move.
 */
export async function move(
  db: Knex,
  row: Pick<VoucherRow, 'id' | 'profile_id' | 'activated_at' | 'sale_profile_id' | 'extra_seconds' | 'staff'>,
  next: { id: number; profile: Profile },
  rates: { up: number; down: number },
  at: number,
): Promise<void> {
  await db('vouchers')
    .where({ id: row.id })
    .update({
      profile_id: next.id,
      ...(row.activated_at !== null && row.sale_profile_id === null
        ? { sale_profile_id: row.profile_id }
        : {}),
      rate_limit_up: rates.up,
      rate_limit_down: rates.down,
      expires_at:
        row.activated_at === null
          ? null
          : expiresAtFor(next.profile, Number(row.activated_at), row.extra_seconds, Boolean(row.staff)),
      updated_at: at,
    });
}
