/** The site a stack is built for, and its connection. */
import type { RouterClient } from '../../../router/types';
import type { SiteRef } from '../../deps';
import type { SiteMode, SiteRow } from '../../business/sites/types';
import { modeOf } from './mode';

/** The site and its connection. */
export interface SiteSpec {
  site: SiteRef;
  /** Its router's API connection; absent: none (a RADIUS site without API access). */
  client?: RouterClient;
  /** How the site is driven (absent: over the router's API); its RADIUS client's address. */
  mode?: SiteMode;
  nasAddress?: string | null;
  /** Its hotspot server and user profile; absent or null: the shop's. */
  hotspotServer?: string | null;
  hotspotUserProfile?: string | null;
  /** Its own time zone; absent or null: the shop's. */
  tz?: string | null;
  /** The demo's simulated router (its router info says so). */
  simulated?: boolean;
}

/** A stored site's spec on its connection (none: a RADIUS site without API access). */
export const siteSpecOf = (row: SiteRow, client: RouterClient | undefined): SiteSpec => ({
  site: { id: Number(row.id), name: row.name },
  client,
  mode: modeOf(row),
  nasAddress: row.nas_address,
  hotspotServer: row.hotspot_server,
  hotspotUserProfile: row.hotspot_user_profile,
  tz: row.tz,
});
