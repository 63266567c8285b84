/**
 * The portal's redemption of a code (redeem.ts; connect.ts logs the device in), its status page (status.ts), and
 * what the customer is told when a code cannot be used (refusals.ts). createRedemptionService only wires them.
 */
import { redemptionResult } from '../../../metrics/port';
import { siteOf, type SiteDeps } from '../../deps';
import { GuessLimiter } from '../guess-limiter';
import type { RedeemResult, RedemptionService } from '../../types';
import { redeem } from './redeem';
import { routerLogin } from './connect';
import type { DeviceLogin, RedemptionDeps } from './shared';
import { portalStatus } from './status';

export type { DeviceLogin } from './shared';
export { routerLogin } from './connect';
export { radiusLogin } from './radius-connect';

export function createRedemptionService(
  deps: SiteDeps,
  d: Partial<Pick<RedemptionDeps, 'limiter' | 'server' | 'setupDoubt'>> & {
    /** How a device is logged in, as the site's mode chose (absent: over the router's API, connect.ts). */
    login?: DeviceLogin;
  } = {},
): RedemptionService & { limiter: GuessLimiter } {
  const r: RedemptionDeps = {
    deps,
    site: siteOf(deps),
    reader: deps.reader ?? deps.db,
    limiter: d.limiter ?? new GuessLimiter(deps.clock),
    recording: new Set(),
    login: d.login ?? routerLogin,
    server: d.server,
    setupDoubt: d.setupDoubt,
  };
  return {
    // A code a customer typed (an asker) or a vendo sold is a redemption to count; the controller's own logins
    // of a code it holds (a queued code starting, a resume, a move) are not.
    redeem: (input, asker, known, sale) =>
      counted(r, asker !== undefined || sale !== undefined, redeem(r, input, asker, known, sale)),
    status: (mac, asker, siteId) => portalStatus(deps, mac, asker, siteId),
    settled: async () => {
      while (r.recording.size) await Promise.all([...r.recording]);
    },
    limiter: r.limiter,
  };
}

/** The redemption's result for the metrics: `ok`, or the refusal's stable error code. */
async function counted(r: RedemptionDeps, asked: boolean, p: Promise<RedeemResult>): Promise<RedeemResult> {
  const metrics = r.deps.metrics;
  if (!asked || !metrics) return p;
  try {
    const out = await p;
    metrics.redeemed(r.site.name, 'ok');
    return out;
  } catch (err) {
    metrics.redeemed(r.site.name, redemptionResult(err));
    throw err;
  }
}
