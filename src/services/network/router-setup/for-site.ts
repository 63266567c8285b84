/**
 * The setup a site's router should have, from the site's settings and the shop's configuration: one place the
 * CLI, the admin and the menu ask, so all three check and apply the same items.
 */
import type { Knex } from 'knex';
import type { SetupWants } from '../../../router/setup-plan';
import type { CredentialsBox } from '../../business/sites/credentials';
import type { ProfileRecord } from '../../shop/profiles/types';
import type { SiteView } from '../../business/sites/types';
import { setupWants, systemLookups, type WantsLookups } from './wants';
import { isRadiusClient } from '../../../domain/site-mode';

interface SiteSetupConfig {
  portalUrl: string;
  port: number;
  /** Host names customers must reach before logging in (payment pages), from the composition. */
  extraHosts: string[];
}

/**
 * The largest number of devices one voucher of the site's plans may use at once (at least 1). Monthly plans are
 * not vouchers: their `users` says nothing of the hotspot.
 */
export function largestSharing(profiles: ProfileRecord[], siteId: number): number {
  let n = 1;
  for (const p of profiles)
    if (!p.archived && p.profile.billing !== 'monthly' && (p.site === null || p.site.id === siteId))
      n = Math.max(n, p.profile.users ?? 1);
  return n;
}

/**
 * The site's monthly plans and the pool each names, or undefined when it sells none (the PPPoE items are then
 * not asked of its router).
 */
export function pppPlans(profiles: ProfileRecord[], siteId: number): SetupWants['ppp'] {
  const plans = profiles
    .filter(
      (p) => !p.archived && p.profile.billing === 'monthly' && (p.site === null || p.site.id === siteId),
    )
    .map((p) => ({ name: p.name, pool: p.profile.pppPool ?? null }));
  return plans.length ? { plans } : undefined;
}

export async function siteSetupWants(
  site: SiteView,
  cfg: SiteSetupConfig,
  profiles: ProfileRecord[],
  radiusSecret: (() => string | undefined) | undefined,
  lookups: WantsLookups = systemLookups,
): Promise<SetupWants> {
  const secret = isRadiusClient(site) ? radiusSecret?.() : undefined;
  return setupWants(
    {
      site: site.name,
      routerHost: site.host,
      routerTls: site.tls,
      portalUrl: cfg.portalUrl,
      port: cfg.port,
      hotspotServer: site.hotspotServer,
      hotspotUserProfile: site.hotspotUserProfile,
      sharedUsers: largestSharing(profiles, site.id),
      extraHosts: cfg.extraHosts,
      radius: secret ? { secret, coaPort: site.coaPort ?? 3799 } : undefined,
      ppp: pppPlans(profiles, site.id),
    },
    lookups,
  );
}

/** A RADIUS site's secret, opened with the credentials key; undefined when none is stored. */
export async function radiusSecretOf(
  db: Knex,
  box: CredentialsBox,
  siteId: number,
): Promise<string | undefined> {
  const row = (await db('sites').where({ id: siteId }).first()) as
    { name: string; radius_secret_enc?: string | null } | undefined;
  return row?.radius_secret_enc ? box.open(row.radius_secret_enc, row.name) : undefined;
}
