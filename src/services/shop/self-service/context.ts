/**
 * What the self-service steps (redeem.ts, status.ts, steps.ts) share: their dependencies, the per-voucher lock,
 * the codes kept for devices, and each site's top-ups, pauses, moves and extra data (built once per site stack).
 */
import type { Knex } from 'knex';
import type { SiteDeps } from '../../deps';
import type { GuessLimiter } from '../guess-limiter';
import type { RedemptionService } from '../../types';
import { moveOfflineMinutes, movesPerDay } from './move-settings';
import { createMoves } from './move';
import { createPauses } from './pause';
import type { createQueuedCodes } from './queued';
import type { VoucherLocks } from './shared';
import type { SelfSite, SelfSites } from './sites';
import { createTopUps } from './topup';
import { createExtraData } from './extra-data';

export interface SelfServiceDeps {
  deps: SiteDeps;
  /** The dispatching redemption (sites/dispatch.ts), for what is a plain redemption before a site is known. */
  redemption: RedemptionService;
  /** Each site's services: a top-up, a queued code, a pause or a move runs on the voucher's own site. */
  sites: SelfSites;
  /** The portal's guess limits, shared with every site's redemption. */
  limiter: GuessLimiter;
  /**
   * The redeem prelude's lookups are on every customer's path: they read through the read connection, like the
   * redemption's own lookup (committed data; every change is a conditional write on the main one).
   */
  reader: Knex;
  /** One self-service change per voucher at a time. */
  locks: VoucherLocks;
  queued: ReturnType<typeof createQueuedCodes>;
  /** Each site's parts, built when first used (siteParts). */
  parts: WeakMap<SelfSite, SiteParts>;
}

type SiteParts = ReturnType<typeof buildParts>;

/** Top-ups, pauses and moves of one site, through its logins and sessions. */
function buildParts(ss: SelfServiceDeps, s: SelfSite) {
  const with_ = { usage: s.usage, redemption: s.redemption, logins: s.logins, sessions: s.sessions };
  const { settings } = ss.deps;
  return {
    topUps: createTopUps(s.deps, { logins: s.logins, sessions: s.sessions }),
    pauses: createPauses(s.deps, with_),
    moves: createMoves(s.deps, {
      ...with_,
      movesPerDay: () => movesPerDay(settings),
      moveOfflineMinutes: () => moveOfflineMinutes(settings),
    }),
    extraData: createExtraData(s.deps, { vouchers: s.vouchers, redemption: s.redemption }),
  };
}

/** A site's parts, built when first used. */
export function siteParts(ss: SelfServiceDeps, s: SelfSite): SiteParts {
  let p = ss.parts.get(s);
  if (!p) ss.parts.set(s, (p = buildParts(ss, s)));
  return p;
}
