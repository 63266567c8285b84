/**
 * Customer self-service on the portal: a second code tops up the running one (or waits for it to
 * end), uptime vouchers pause and resume, and a voucher follows its phone to a new WiFi address. The
 * portal's redeem goes through here: what is not a self-service case (a first code, a relogin, a second
 * device within the count, a wrong code) is the ordinary redemption, with its guarantees and its limiter.
 *
 * Each step is a named function taking what it needs (redeem.ts, status.ts, steps.ts, move-settings.ts);
 * createSelfService only wires them.
 */
import type { SiteDeps } from '../../deps';
import type { SelfServiceDeps } from './context';
import { createDeviceAddress } from './device-address';
import { moveOfflineMinutes, movesPerDay, setMoveOfflineMinutes, setMovesPerDay } from './move-settings';
import { createQueuedCodes } from './queued';
import { redeem, redeemHeld } from './redeem';
import { VoucherLocks } from './shared';
import { createSelfSites, type SelfSitesSource } from './sites';
import { status } from './status';
import { afterCycle, pauseOrResume, reconnect, startQueued } from './steps';
import type { SelfService } from './types';

export type { Asker, PauseState, SelfRedeemResult, SelfServiceStatus } from './types';

export function createSelfService(
  deps: SiteDeps,
  d: Pick<SelfServiceDeps, 'redemption' | 'limiter'> & { sites: SelfSitesSource },
): SelfService {
  const { db, clock, settings } = deps;
  const locks = new VoucherLocks();
  const sites = createSelfSites(db, d.sites);
  const ss: SelfServiceDeps = {
    deps,
    redemption: d.redemption,
    sites,
    limiter: d.limiter,
    reader: deps.reader ?? db,
    locks,
    queued: createQueuedCodes({ db, clock, locks }),
    parts: new WeakMap(),
  };
  return {
    redeem: (input, asker) => redeem(ss, input, asker),
    redeemHeld: (input, sale) => redeemHeld(ss, input, sale),
    status: (mac, asker, site) => status(ss, mac, asker, site),
    deviceAddress: createDeviceAddress(db, d.sites, sites),
    pause: (mac, asker, site) => pauseOrResume(ss, 'pause', mac, asker, site),
    resume: (mac, asker, site) => pauseOrResume(ss, 'resume', mac, asker, site),
    reconnect: (mac, asker, site) => reconnect(ss, mac, asker, site),
    startQueued: (mac, asker, site) => startQueued(ss, mac, asker, site),
    afterCycle: (siteId) => afterCycle(ss, siteId),
    movesPerDay: () => movesPerDay(settings),
    setMovesPerDay: (value, actor) => setMovesPerDay(settings, value, actor),
    moveOfflineMinutes: () => moveOfflineMinutes(settings),
    setMoveOfflineMinutes: (value, actor) => setMoveOfflineMinutes(settings, value, actor),
  };
}
