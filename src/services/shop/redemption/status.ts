/** The portal's status page: the device's current (or last) voucher, for that device only. */
import { freeDataUntil } from '../../../domain/clock';
import { summariseUsage } from '../../../domain/usage-summary';
import { desiredLimits } from '../../../domain/policy';
import { voucherTiming } from '../../../domain/vouchers';
import { maskCode } from '../../../lib/logger';
import type { SiteDeps } from '../../deps';
import type { PortalStatus } from '../../types';
import { toVoucherState, voucherProfile, type VoucherRow } from '../vouchers/state';
import { ProfileCache } from '../vouchers/queries';
import { onlineMacsOf } from '../vouchers/online';
import type { Knex } from 'knex';
import { macOrNull } from './shared';
import { EVENT_KINDS } from '../../../domain/activity';

/** What the status page shows for the device's current (or last) voucher; nothing for anyone else. */
export async function portalStatus(
  deps: SiteDeps,
  macInput: string,
  asker: { provenMac: string | null; peerIp: string | null },
  siteId?: number,
): Promise<PortalStatus> {
  const { db, clock, config } = deps;
  const none: PortalStatus = {
    active: false,
    code: null,
    profile: null,
    remainingSeconds: null,
    usage: summariseUsage({ bytesUp: 0, bytesDown: 0, countedBytes: 0 }, {}),
    throttled: false,
    rateUp: null,
    rateDown: null,
    freeDataUntil: null,
    ended: null,
    extraData: null,
    clockRunning: false,
    online: false,
    loggedOutByShop: false,
    extraSinceLogout: false,
    identified: false,
  };
  const mac = macOrNull(macInput);
  if (!mac) return none;
  const row = (await db('voucher_devices as d')
    .join('vouchers as v', 'v.id', 'd.voucher_id')
    .where('d.mac', mac)
    .modify((q) => {
      if (siteId !== undefined) void q.where('v.site_id', siteId);
    })
    .orderByRaw("CASE WHEN v.status = 'active' THEN 0 ELSE 1 END")
    .orderBy('v.activated_at', 'desc')
    .select('v.*')
    .first()) as VoucherRow | undefined;
  // A browser holding this device's cookie is told it has nothing; anyone else is told nothing.
  if (!row) return { ...none, identified: asker.provenMac === mac };
  // The device proves itself: its signed cookie, or asking from the address it uses on the hotspot.
  const device = (await db('voucher_devices').where({ voucher_id: row.id, mac }).first('ip')) as
    { ip: string | null } | undefined;
  const proven = asker.provenMac === mac || (asker.peerIp !== null && device?.ip === asker.peerIp);
  if (!proven) return none;
  const p = await new ProfileCache(db).byId(row.profile_id);
  // Online as the router says (vouchers/online.ts): this device, and any device of the code (online time runs then).
  const onlineMacs = await onlineMacsOf(db, row.id);
  const now = clock.now();
  const limits = desiredLimits(toVoucherState(row, p.profile), now, config.tz);
  const timing = voucherTiming(toVoucherState(row, p.profile), now);
  const active = row.status === 'active' && !timing.expired;
  // Data used up on a plan that sells extra data: still active, offline, and offered more (overage.ts).
  const waiting = active && limits.state === 'capped-waiting';
  // Against the voucher's own limits (codes added to it raise them): after a top-up, "90 % of your data used" is
  // no longer shown until it is true of the raised cap. Data left is the cap minus the counted bytes.
  const own = voucherProfile(row, p.profile);
  const usage = summariseUsage(
    { bytesUp: row.bytes_up, bytesDown: row.bytes_down, countedBytes: row.counted_bytes },
    { capBytes: own.dataCapBytes, fupThresholdBytes: own.fup?.thresholdBytes },
  );
  return {
    active,
    // Masked: enough for the customer to recognise their code, useless to anyone reading over a shoulder.
    code: maskCode(row.code),
    profile: p.row.name,
    remainingSeconds: active ? timing.remainingSeconds : 0,
    usage,
    throttled: limits.state === 'fup' || limits.state === 'capped-throttle',
    rateUp: active && !waiting ? limits.rateUp : null,
    rateDown: active && !waiting ? limits.rateDown : null,
    freeDataUntil: active ? freeDataUntil(own.offpeak, now, config.tz) : null,
    ended: active
      ? null
      : row.status === 'revoked' || row.status === 'exhausted'
        ? row.status
        : row.status === 'expired' || timing.expired
          ? 'expired'
          : null,
    extraData: waiting && p.profile.overage ? { ...p.profile.overage } : null,
    clockRunning:
      active &&
      timing.remainingSeconds !== null &&
      (p.profile.timeMode !== 'uptime' || onlineMacs.length > 0),
    online: active && onlineMacs.includes(mac),
    ...(active && !onlineMacs.includes(mac)
      ? await offlineWhy(db, row.id, mac)
      : { loggedOutByShop: false, extraSinceLogout: false }),
    identified: true,
  };
}

/**
 * Why this device is offline, from the voucher's events since its last logout: the shop logged it out (the event
 * names who), or extra data was sold at the counter after it (its data had run out).
 */
async function offlineWhy(
  db: Knex,
  voucherId: number,
  mac: string,
): Promise<{ loggedOutByShop: boolean; extraSinceLogout: boolean }> {
  const rows = (await db('events')
    .where({ voucher_id: voucherId })
    .whereIn('kind', [EVENT_KINDS.logout, 'overage'])
    .orderBy('id', 'desc')
    .limit(20)
    .select('kind', 'data')) as Array<{ kind: string; data: string | null }>;
  let extraSinceLogout = false;
  for (const r of rows) {
    if (r.kind === 'overage') {
      extraSinceLogout = true;
      continue;
    }
    const data = r.data ? (JSON.parse(r.data) as { mac?: string; by?: string }) : {};
    if (data.mac === mac) return { loggedOutByShop: typeof data.by === 'string', extraSinceLogout };
  }
  return { loggedOutByShop: false, extraSinceLogout };
}
