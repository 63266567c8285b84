/**
 * A site as the admin, the API and the terminal show it: its stored fields (the .env router's from .env), its
 * state (the monitor's reading, its login server's, else what was last stored) and its figures.
 */
import type { ShopDeps } from '../../deps';
import { maskCode } from '../../../lib/logger';
import { isRadiusClient, modeOf } from '../../../domain/site-mode';
import { NO_FIGURES, type SiteFigures } from './figures';
import {
  DEFAULT_SITE_ID,
  type SiteLoginServer,
  type SiteRow,
  type SiteStatus,
  type SiteView,
  type SiteWatch,
} from './types';

interface ViewSources {
  monitor?: SiteWatch;
  loginServer?: SiteLoginServer;
  defaultStatus(): Promise<SiteStatus>;
}

function storedStatus(r: SiteRow): SiteStatus {
  return {
    connected: r.last_error_code === null && r.last_poll_at !== null,
    identity: r.identity,
    online: r.online,
    lastPollAt: r.last_poll_at === null ? null : Number(r.last_poll_at),
    error: r.last_error_code ? { code: r.last_error_code, message: r.last_error ?? '' } : null,
    live: false,
  };
}

/** What the server sees of the site's router now: its login server's word, the monitor's, else the stored one. */
export async function statusOf(src: ViewSources, r: SiteRow): Promise<SiteStatus> {
  if (r.id === DEFAULT_SITE_ID) return src.defaultStatus();
  const api = src.monitor?.status(r.id);
  return (await src.loginServer?.status(r, api)) ?? api ?? storedStatus(r);
}

/** The site's connection as shown: the .env router's from .env (demo mode: the simulator), another's stored. */
function connection(config: ShopDeps['config'], r: SiteRow) {
  const isDefault = r.id === DEFAULT_SITE_ID;
  const env = config.router;
  return {
    isDefault,
    host: isDefault ? env.host : (r.host ?? ''),
    // Demo mode: the built-in simulated router on SIMULATOR_PORT.
    port: isDefault ? (env.simulated ? config.simulatorPort : env.port) : (r.port ?? 8728),
    user: isDefault ? env.user : (r.username ?? ''),
    tls: isDefault ? env.tls : Boolean(r.tls),
    passwordSet: isDefault ? env.password !== '' : Boolean(r.password_enc),
    hotspotServer: isDefault ? config.hotspotServer : (r.hotspot_server ?? 'all'),
    hotspotUserProfile: isDefault ? config.hotspotUserProfile : (r.hotspot_user_profile ?? 'default'),
    tz: isDefault ? null : r.tz,
    // The .env router's cards print WIFI_NAME (changed in .env, like its connection).
    wifiName: isDefault ? config.wifiName || null : r.wifi_name,
  };
}

export async function siteView(
  config: ShopDeps['config'],
  src: ViewSources,
  r: SiteRow,
  fig: Map<number, SiteFigures>,
): Promise<SiteView> {
  const radius = isRadiusClient(r);
  return {
    id: r.id,
    name: r.name,
    ...connection(config, r),
    mode: modeOf(r),
    nasAddress: radius ? (r.nas_address ?? null) : null,
    coaPort: radius ? (r.coa_port ?? 3799) : null,
    radiusSecretSet: Boolean(r.radius_secret_enc),
    staticPool: r.static_pool ?? null,
    apiAccess: r.id === DEFAULT_SITE_ID || Boolean(r.host),
    radiusUnknownCodes: ((await src.loginServer?.unknownUsers(r)) ?? []).map(maskCode),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    status: await statusOf(src, r),
    figures: fig.get(r.id) ?? NO_FIGURES,
  };
}
