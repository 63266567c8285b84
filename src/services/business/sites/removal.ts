/**
 * A site's removal in one transaction: refused while it still sells something of its own or has subscribers, or
 * (unless forced) has open vouchers; otherwise its open vouchers end as revoked and its history stays, with no site.
 */
import type { Knex } from 'knex';
import * as lifecycle from '../../shop/voucher-lifecycle';
import { openVoucherCounts } from './figures';
import { hasOwnItems, hasSubscribers, hasVouchers } from './refusals';
import type { SiteRow } from './types';

/** What still sells there only refuses the removal, forced or not (force is about vouchers). */
async function refuseWhileItSells(trx: Knex.Transaction, row: SiteRow): Promise<void> {
  const ownProfiles = (await trx('profiles')
    .where({ site_id: row.id, archived: false })
    .orderBy('name')
    .pluck('name')) as string[];
  const ownVendos = (await trx('vendos')
    .where({ site_id: row.id, enabled: true })
    .orderBy('name')
    .pluck('name')) as string[];
  if (ownProfiles.length + ownVendos.length > 0) throw hasOwnItems(row.name, ownProfiles, ownVendos);
  // Subscribers (ended ones too: their history) stay tied to their site.
  const [{ n: subscribers }] = await trx('subscribers').where({ site_id: row.id }).count({ n: '*' });
  if (Number(subscribers) > 0) throw hasSubscribers(row.name, Number(subscribers));
}

/** No foreign key (migration 0017): the site's history stays, with no site. */
async function leaveHistory(trx: Knex.Transaction, siteId: number): Promise<void> {
  // Its archived profiles and switched-off vendos (they sell nowhere) become shared: nothing names a site that
  // is gone. Restoring or switching one on later sells it on every site.
  for (const table of ['vouchers', 'batches', 'profiles', 'vendos'])
    await trx(table).where({ site_id: siteId }).update({ site_id: null });
}

/**
 * Counted and ended in the removal's transaction: a voucher sold meanwhile is refused or ended, never left behind
 * with no site. Returns the open vouchers it ended.
 */
export function removeSite(
  db: Knex,
  row: SiteRow,
  now: number,
  force: boolean,
): Promise<{ unused: number; active: number }> {
  return db.transaction(async (trx) => {
    await refuseWhileItSells(trx, row);
    const open = await openVoucherCounts(trx, row.id);
    if (open.unused + open.active > 0 && !force) throw hasVouchers(row.name, open);
    if (open.unused + open.active > 0) await lifecycle.revokeForSite(trx, row.id, now);
    await leaveHistory(trx, row.id);
    await trx('sites').where({ id: row.id }).delete();
    return open;
  });
}
