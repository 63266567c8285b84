/** The portal's status page with what self-service adds: pause state and codes waiting for this device. */
import { maskCode } from '../../../lib/logger';
import type { PortalStatus } from '../../types';
import { siteParts, type SelfServiceDeps } from './context';
import { activeVoucherOf, macOrNull } from './shared';
import type { Asker, SelfServiceStatus } from './types';

const NO_SELF: SelfServiceStatus = {
  pausable: false,
  paused: false,
  pauseEndsAt: null,
  pausesLeft: null,
  queued: [],
  canStartQueued: false,
  multiDevice: false,
};

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
  if (!mac || base.code === null) return { ...base, self: NO_SELF };
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
