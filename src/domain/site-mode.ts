/**
 * A site's mode, as its row stores it, told apart here and nowhere else: `api` (the router's API meters and
 * enforces) or `radius` (the router asks this controller's FreeRADIUS at each login, its accounting is the usage,
 * CoA enforces; docs/radius.md). Every room asks the site these neutral questions; what each mode chooses (source,
 * enforcer, logins) is src/services/network/site-stack/.
 */
export type SiteMode = 'api' | 'radius';

/** The mode of a stored site, or of a site's input (anything but `radius` is the API's). */
export const modeOf = (site: { mode?: unknown } | undefined): SiteMode =>
  site?.mode === 'radius' ? 'radius' : 'api';

/** Whether the site's router is a client of this controller's FreeRADIUS: it asks it at each login. */
export const isRadiusClient = (site: { mode?: unknown } | undefined): boolean => modeOf(site) === 'radius';

/** The filter of the stored sites that are FreeRADIUS's clients (`db('sites').where(RADIUS_CLIENTS)`). */
export const RADIUS_CLIENTS: Readonly<{ mode: SiteMode }> = { mode: 'radius' };

/** Whether this controller connects to a stored site's router: every API site, a RADIUS site given API access. */
export const connectsToRouter = (row: { mode?: unknown; host?: string | null }): boolean =>
  !isRadiusClient(row) || Boolean(row.host);

/** Whether a site's status depends on this controller's connection to its router (API mode, or API access). */
export const needsRouterConnection = (site: { mode: SiteMode; apiAccess: boolean }): boolean =>
  !isRadiusClient(site) || site.apiAccess;
