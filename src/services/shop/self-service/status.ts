/** The portal's status page with what self-service adds: pause state and codes waiting for this device. */
import type { Knex } from 'knex';
import { SELF_SERVICE_WINDOW_MS } from '../../../domain/self-service';
import { maskCode } from '../../../lib/logger';
import type { PortalStatus } from '../../types';
import { siteParts, type SelfServiceDeps } from './context';
import { activeVoucherOf } from './shared';
import { macOrNull } from '../redemption/shared';
import type { Asker, SelfServiceStatus } from './types';

const NO_SELF: SelfServiceStatus = {
  pausable: false,
  paused: false,
  pauseEndsAt: null,
  pausesLeft: null,
  queued: [],
  canStartQueued: false,
  multiDevice: false,
  movedAway: null,
};

/**
 * The last code that moved away from this device to another phone in the last day (its `move` event, whose data
 * starts with the device it left: `{"from":"MAC",…}`), masked; null when none did.
 */
async function movedAwayFrom(db: Knex, mac: string, now: number): Promise<SelfServiceStatus['movedAway']> {
  const row = (await db('events as e')
    .join('vouchers as v', 'v.id', 'e.voucher_id')
    .where('e.kind', 'move')
    .where('e.ts', '>', now - SELF_SERVICE_WINDOW_MS)
    .where('e.data', 'like', `${JSON.stringify({ from: mac }).slice(0, -1)},%`)
    .orderBy('e.ts', 'desc')
    .first('e.ts', 'v.code')) as { ts: number | string; code: string } | undefined;
  return row ? { code: maskCode(row.code), at: Number(row.ts) } : null;
}

export async function status(
  ss: SelfServiceDeps,
  macInput: string,
  asker: Asker,
  site?: string | number,
): Promise<PortalStatus & { self: SelfServiceStatus }> {
  const { db, clock } = ss.deps;
  const mac = macOrNull(macInput);
  const siteId = mac ? await ss.sites.ofDevice(mac, site) : undefined;
  const base = await ss.redemption.status(macInput, asker, siteId);
  if (!mac || base.code === null) {
    // A device told it has no code (its own browser): one that moved to another phone is said so.
    const movedAway = mac && base.identified ? await movedAwayFrom(db, mac, clock.now()) : null;
    return { ...base, self: { ...NO_SELF, movedAway } };
  }
  const v = await activeVoucherOf(db, clock, mac, siteId);
  const waiting = await ss.queued.queuedFor(mac, siteId);
  const self: SelfServiceStatus = {
    ...NO_SELF,
    queued: waiting.map(({ v: q }) => ({
      code: maskCode(q.row.code),
      profile: q.profileName,
      seconds: q.profile.validitySeconds,
    })),
    canStartQueued: !v && waiting.length > 0,
  };
  if (!v) return { ...base, self };
  const p = await siteParts(ss, ss.sites.main).pauses.state(v);
  // capBytes and fupThresholdBytes are the voucher's own already (the redemption's status reads them with
  // the codes added to it, as enforcement, the alerts and the admin do).
  return {
    ...base,
    self: {
      ...self,
      // A code waiting at its cap for extra data is offline anyway: nothing to pause.
      pausable:
        v.profile.timeMode === 'uptime' &&
        v.profile.validitySeconds !== null &&
        !v.row.staff &&
        base.extraData === null,
      paused: p.paused,
      pauseEndsAt: p.endsAt,
      pausesLeft: p.pausesLeft,
      multiDevice: v.profile.users > 1,
    },
  };
}
