/**
 * Live bandwidth for the admin: who is online with what usage and limit, and the admin's overrides. An
 * override is stored on the device's voucher (so every later cycle keeps it) and pushed to the router at
 * once with a `set` on the device's queue; the next poll would converge anyway. Three actions:
 *  - set: the admin's speeds (either way may be "unlimited");
 *  - remove: no limit at all, stored as the override 0/0. The device keeps its queue (limit 0/0, which
 *    RouterOS reads as no limit) so the poll still counts its bytes; this is what the original product's
 *    "Remove" did;
 *  - reset: the override is dropped and the plan (profile, FUP, off-peak) applies again.
 * The steps live beside this file: overrides in override.ts, who is online in users.ts.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import { maskCode } from '../../../lib/logger';
import { recordEvents } from '../../business/events';
import { logoutEvent } from '../../business/events/activity';
import * as voucherDevices from '../../shop/voucher-devices';
import { checkLimitRate } from '../../../domain/units';
import { siteOf, type SiteDeps } from '../../deps';
import { queuesBySite, routerQueueView } from './site-queues';
import type { Actor, BandwidthService } from '../../types';
import { hotspotOf, valid, validMac, type BandwidthOptions, type Bw } from './context';
import { activeVoucherOf, setOverride } from './override';
import { onlineUsers } from './users';

/**
 * A limit from any caller (web form, API, CLI, menu) in the stored form: the bounds are checked here so
 * every way in refuses the same speeds; null ("unlimited") becomes 0, RouterOS's "no limit".
 */
function storedLimit(value: number | null, field: string): number {
  return value === null ? 0 : valid(() => checkLimitRate(value, field));
}

export function createBandwidthService(deps: SiteDeps, opts: BandwidthOptions): BandwidthService {
  const { db, hotspot } = deps;
  const b: Bw = { deps, opts, db, log: deps.log.child({ module: 'bandwidth' }), ownSite: siteOf(deps).id };
  const { ownSite } = b;
  return {
    users: () => onlineUsers(b),
    async setLimit(mac, up, down, actor) {
      const rates = { up: storedLimit(up, 'upload'), down: storedLimit(down, 'download') };
      // "Unlimited" both ways is the same as Remove, and the audit log says so.
      const action = rates.up === 0 && rates.down === 0 ? 'bandwidth.remove' : 'bandwidth.set';
      return setOverride(b, mac, rates, action, actor);
    },
    removeLimit: (mac, actor) => setOverride(b, mac, { up: 0, down: 0 }, 'bandwidth.remove', actor),
    resetLimit: (mac, actor) => setOverride(b, mac, null, 'bandwidth.reset', actor),
    async queues(siteId) {
      const target = siteId === undefined || siteId === ownSite ? { hotspot } : opts.routerOfSite?.(siteId);
      if (!target) throw siteAway(siteId as number);
      return (await target.hotspot.queues()).map(routerQueueView);
    },
    queuesBySite: (siteId) =>
      queuesBySite(
        db,
        (id) => (id === ownSite ? { hotspot, router: deps.router } : opts.routerOfSite?.(id)),
        siteId,
      ),
    kick: (mac, actor) => kickDevice(b, mac, actor),
  };
}

/** Logs the device out on the router of its voucher's site (another site's, when it is connected here). */
async function kickDevice(b: Bw, macInput: string, actor: Actor): Promise<void> {
  const { db, clock, hotspot } = b.deps;
  const mac = validMac(macInput);
  const row = await activeVoucherOf(b, mac);
  const siteHotspot = (row && hotspotOf(b, row)) ?? hotspot;
  const out = await siteHotspot.logoutDevice(mac);
  if (out.sessions === 0)
    throw new AppError('DEVICE_NOT_FOUND', `No device with MAC ${mac} is logged in`, 404, 'mac');
  const gone = await markDisconnected(db, mac, out.users, clock.now());
  await recordEvents(
    db,
    clock,
    gone.map((voucherId) => logoutEvent({ voucherId, mac, by: actor.name })),
  );
  await b.deps.audit.record(actor, 'device.kick', mac, { vouchers: out.users.map((u) => maskCode(u)) });
  b.log.info({ mac }, `device ${mac} logged out by ${actor.name}`);
}

/**
 * Marks the MAC's online device rows offline; returns the vouchers whose logout the kick is: those rows', and
 * those of the sessions it removed (`codes`), which a poll that read the router after the kick may have set
 * offline first. The kick's event, written after, is then the last word on who logged the device out.
 */
async function markDisconnected(db: Knex, mac: string, codes: string[], now: number): Promise<number[]> {
  const rows = (await db('voucher_devices as d')
    .join('vouchers as v', 'v.id', 'd.voucher_id')
    .where('d.mac', mac)
    .andWhere((q) => q.where('d.connected', true).orWhereIn('v.code', codes))
    .distinct('d.voucher_id')) as Array<{ voucher_id: number }>;
  await voucherDevices.disconnectMac(db, mac, now);
  return rows.map((r) => r.voucher_id);
}

const siteAway = (siteId: number) =>
  new AppError('SITE_UNREACHABLE', `Site ${siteId}'s router is not connected to this server`, 503, 'site');
