/**
 * The one choice of a site's parts by its mode (parts.ts says what they are), and the logins of a stored site
 * this process does not drive.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../../lib/clock';
import type { Logger } from '../../../lib/logger';
import type { SiteRef } from '../../deps';
import { routerLogins } from '../hotspot-users';
import type { ProfileService } from '../../shop/profiles/types';
import { radiusLogins } from '../radius/logins';
import type { SiteMode, SiteRow } from '../../business/sites/types';
import { apiParts } from './api-parts';
import { asksRadius } from './mode';
import type { Logins, ModeContext, ModeParts } from './parts';
import { radiusParts } from './radius-parts';

/** The one choice: a site's parts by its mode. */
export function siteParts(mode: SiteMode, c: ModeContext, nasAddress: string | null | undefined): ModeParts {
  return asksRadius({ mode }) ? radiusParts(c, nasAddress ?? '') : apiParts(c);
}

/**
 * The logins of a site this process does not drive now (the terminal, a site not connected yet): FreeRADIUS's
 * rows are written all the same (the database is all they need); a router's users wait for its connection.
 */
export async function storedSiteLogins(
  d: { db: Knex; clock: Clock; profiles: ProfileService; log: Logger; tz: () => string },
  siteId: number,
): Promise<Logins> {
  const row = (await d.db('sites').where({ id: siteId }).first('id', 'name', 'mode', 'tz')) as
    Pick<SiteRow, 'id' | 'name' | 'mode' | 'tz'> | undefined;
  const site: SiteRef = { id: siteId, name: row?.name ?? String(siteId) };
  if (asksRadius(row))
    return radiusLogins({ ...d, now: () => d.clock.now(), tz: () => row?.tz ?? d.tz(), site });
  return routerLogins({ db: d.db, site, log: d.log });
}
