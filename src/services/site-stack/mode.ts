/**
 * A site's mode, told apart here and nowhere else: `api` (the router's API meters and enforces) or `radius` (the
 * router asks FreeRADIUS at each login, its accounting is the usage, CoA enforces; docs/radius.md). Every other
 * module asks these neutral questions; what each mode chooses (source, enforcer, logins) is parts.ts.
 */
import type { SiteMode } from '../sites/types';

/** The mode of a stored site, or of a site's input (anything but `radius` is the API's). */
export const modeOf = (site: { mode?: unknown } | undefined): SiteMode =>
  site?.mode === 'radius' ? 'radius' : 'api';

/** Whether the site's router asks FreeRADIUS at each login (its logins, usage and enforcement are RADIUS's). */
export const asksRadius = (site: { mode?: unknown } | undefined): boolean => modeOf(site) === 'radius';

/** Whether this controller connects to a stored site's router: every API site, a RADIUS site given API access. */
export const connectsToRouter = (row: { mode?: unknown; host?: string | null }): boolean =>
  !asksRadius(row) || Boolean(row.host);

/** Whether a site's status depends on this controller's connection to its router (API mode, or API access). */
export const needsRouterConnection = (site: { mode: SiteMode; apiAccess: boolean }): boolean =>
  !asksRadius(site) || site.apiAccess;

/** The filter of the sites whose router asks RADIUS (`db('sites').where(RADIUS_SITES)`). */
export const RADIUS_SITES: Readonly<{ mode: SiteMode }> = { mode: 'radius' };
