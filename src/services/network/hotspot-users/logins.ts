/**
 * An API site's logins: each voucher a hotspot user on the site's router, changed over its API when the voucher
 * changes (the `Logins` seam, src/services/shop/vouchers/logins.ts). A batch, a sync and a check are the room's
 * (index.ts); this is the change to one voucher's user.
 */
import type { Knex } from 'knex';
import { RouterError } from '../../../domain/errors';
import type { Logger } from '../../../lib/logger';
import type { ManagedHotspot } from '../../../router/hotspot';
import { userPassword } from '../../../router/hotspot/users';
import type { RouterClient } from '../../../router/types';
import { DEFAULT_SITE, type SiteRef } from '../../deps';
import type { KeptPlan, LoginChange, Logins } from '../../shop/vouchers/logins';
import type { VoucherRow } from '../../shop/vouchers/state';
import { clearRouterIds, userMac } from './push';
import type { HotspotUsers } from './types';

const notConnected = (site: SiteRef, what: string) =>
  new RouterError(
    'ROUTER_UNREACHABLE',
    site.id === DEFAULT_SITE.id
      ? `Router not connected (${what})`
      : `The router of site ${site.name} is not connected (${what})`,
  );

interface RouterLoginsDeps {
  db: Knex;
  site: SiteRef;
  log: Logger;
  /** The site's router and its guarded hotspot; absent: this process holds no connection to it. */
  router?: RouterClient;
  hotspot?: ManagedHotspot;
  /** The site's hotspot users room (its users' push, sync and check); absent with no connection here. */
  users?: HotspotUsers;
}

/** Hotspot users on the site's router: an API site's logins. */
export function routerLogins(d: RouterLoginsDeps): Logins {
  return {
    async added(batchId, count) {
      if (!d.users) return count;
      return (await d.users.pushBatch(batchId)).pending;
    },
    async roamingAdded() {
      if (!d.users) return 0; // asked only of the sites this process drives
      return (await d.users.check({ allowRemovals: false })).pending;
    },
    change: (row, change, commit) => changeUser(d, row, change, commit),
    async dataAdded(row, bytes) {
      // A user that holds no byte limit yet (or is gone) is the poll's to set.
      if (!d.hotspot || !d.router?.status.connected || row.router_user_id === null) return false;
      return d.hotspot.raiseUserByteLimit(row.code, bytes);
    },
    async sync() {
      if (!d.users) return;
      // Vouchers created while the router was away are pushed as soon as it is back (resumable batches).
      const sync = await d.users.sync();
      if (sync.created) d.log.info({ module: 'vouchers', ...sync }, 'router users synced');
    },
    requestCheck: (reason) => d.users?.requestCheck(reason),
    async grown(row, g) {
      if (row.router_user_id === null) return true; // written with its new plan when it is pushed
      const hotspot = connected(d, 'update hotspot user');
      // A cap the router holds rises now, not at the next poll (the customer would be cut at the old one).
      if (g.addedBytes > 0) await hotspot.raiseUserByteLimit(row.code, g.addedBytes);
      return hotspot.updateUserPlan(row.router_user_id, g.profileName, g.limitSeconds);
    },
    kept: (row, plan, mac, at) => keepForDevice(d, row, plan, mac, at),
    async started(row, mac, oneDevice) {
      if (!row.router_user_id) return true; // pushed later with the voucher's own binding
      if (!d.hotspot) return false;
      return d.hotspot.bindUser(row.router_user_id, oneDevice ? mac : null).then(
        () => true,
        () => false,
      );
    },
    paused: (row, paused) => holdUser(d, row, paused),
    moved: (row, _from, to, oneDevice) => followDevice(d, row, to, oneDevice),
  };
}

function connected(d: RouterLoginsDeps, what: string): ManagedHotspot {
  if (!d.hotspot || !d.router?.status.connected) throw notConnected(d.site, what);
  return d.hotspot;
}

async function changeUser<T>(
  d: RouterLoginsDeps,
  row: VoucherRow,
  change: LoginChange,
  commit: () => Promise<T>,
): Promise<T> {
  // A roaming voucher not used yet has a user on every router: each site's users check puts it right.
  if (row.site_id === null) return commit();
  if (change.kind === 'remove') {
    // Never pushed and never used: the database is all there is to change.
    if (row.router_user_id !== null || row.status === 'active')
      await connected(d, 'revoke').removeVoucher(row.code, row.router_user_id);
  } else if (row.router_user_id !== null) {
    // Its devices online log in again: their sessions took the old time limit at login.
    const again = { code: row.code, password: userPassword(row) };
    const hotspot = connected(d, 'update hotspot user');
    if (!(await hotspot.updateUserPlan(row.router_user_id, change.profileName, change.limitSeconds, again)))
      await clearRouterIds(d.db, [row.id]); // gone from the router: pushed again later
  }
  return commit();
}

async function keepForDevice(d: RouterLoginsDeps, row: VoucherRow, plan: KeptPlan, mac: string, at: number) {
  // A roaming code has a user on every router and no one router id: this router's is made by its name.
  const roaming = row.site_id === null;
  if (!row.router_user_id && !roaming) return; // a user not pushed yet gets the binding when it is pushed
  const hotspot = connected(d, 'bind hotspot user');
  const id =
    row.router_user_id ??
    (await hotspot.addUser({
      id: row.id,
      code: row.code,
      password: row.password ?? null,
      profileName: plan.profileName,
      limitSeconds: plan.limitSeconds,
      mac: userMac({ activated_at: null, bound_mac: null, queued_mac: mac }, plan.users),
    }));
  await hotspot.bindUser(id, mac);
  if (roaming)
    await d
      .db('vouchers')
      .where({ id: row.id, router_user_id: null })
      .update({ router_user_id: id, router_synced_at: at });
}

async function holdUser(d: RouterLoginsDeps, row: VoucherRow, paused: boolean): Promise<void> {
  // A roaming code in use has this site's user; one never pushed is pushed with its state (voucherUser).
  if (row.router_user_id === null) return;
  const hotspot = connected(d, paused ? 'pause' : 'resume');
  if (!(await hotspot.holdUser(row.router_user_id, row.code, paused))) {
    await clearRouterIds(d.db, [row.id]); // gone from the router: pushed again, as the voucher is now
    d.users?.requestCheck('a paused code had no user');
  }
}

async function followDevice(
  d: RouterLoginsDeps,
  row: VoucherRow,
  to: string,
  oneDevice: boolean,
): Promise<void> {
  const hotspot = connected(d, 'bind hotspot user');
  if (oneDevice && row.router_user_id) await hotspot.bindUser(row.router_user_id, to);
  // Codes kept for the old address followed the voucher: their users, bound to that device, follow too.
  // This router's ids only: a code kept for the same address at another site has its user on that router.
  const kept = (await d
    .db('vouchers')
    .where({ queued_mac: to, status: 'unused', site_id: d.site.id })
    .whereNotNull('router_user_id')
    .select('router_user_id')) as Array<{ router_user_id: string }>;
  for (const r of kept)
    await hotspot.bindUser(r.router_user_id, to).catch(() => {
      d.users?.requestCheck('a queued code did not follow its device');
    });
}
