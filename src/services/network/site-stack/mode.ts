/**
 * What the site stack asks of a site's mode to choose its parts (parts.ts): the site answers it
 * (src/domain/site-mode.ts); every other room asks the site's neutral questions there, never this module.
 */
import { isRadiusClient } from '../../../domain/site-mode';

export { modeOf, connectsToRouter, needsRouterConnection } from '../../../domain/site-mode';

/** Whether the site's router asks FreeRADIUS at each login (its logins, usage and enforcement are RADIUS's). */
export const asksRadius = (site: { mode?: unknown } | undefined): boolean => isRadiusClient(site);
