/**
 * Narrowing the admin to one site: the `site` query parameter (an id or a name; empty or `all` for
 * every site), read the same way by the pages and the JSON API through the sites service (sites.scope), so
 * the CLI's `--site` refuses what they refuse.
 *  - The JSON API answers an unknown site with a 400 (INVALID_INPUT, field `site`).
 *  - A page shows every site instead, and says why (a bookmark of a removed site still opens).
 * The picker is shown only when there is more than one site.
 */
import type { Request } from 'express';
import { toAppError } from '../../lib/error-reply';
import type { WebContext } from '../context';

export interface SiteScope {
  /** The chosen site, or undefined for every site. */
  siteId: number | undefined;
  site: { id: number; name: string } | undefined;
  /** Every site (id order), for the picker; it is shown when there are two or more. */
  choices: { id: number; name: string }[];
  /** `site=2` to add to links and forms, '' for every site. */
  param: string;
  /** Why the asked-for site is not shown (unknown): the page shows every site and this note. */
  problem: string | null;
}

/** The `site` query value as given ('' when absent or repeated). */
const asked = (req: Request): string => (typeof req.query.site === 'string' ? req.query.site.trim() : '');

/** For the JSON API: the site to narrow to, or undefined; an unknown site throws a 400. */
export async function apiSiteId(ctx: WebContext, req: Request): Promise<number | undefined> {
  // A repeated `site` (an array) is refused by the service as "not a site".
  const value = req.query.site;
  return (await ctx.services.sites.scope(value === undefined ? '' : value))?.id;
}

/** For a page: the site, the picker's choices and the parameter its links keep. */
export async function pageSiteScope(ctx: WebContext, req: Request): Promise<SiteScope> {
  const choices = await ctx.services.sites.names();
  const value = asked(req);
  let site: SiteScope['site'];
  let problem: string | null = null;
  try {
    site = await ctx.services.sites.scope(value);
  } catch (err) {
    const e = toAppError(err);
    if (e.status !== 400) throw err;
    problem = `There is no site ${JSON.stringify(value.slice(0, 64))} (it may have been removed): showing every site.`;
  }
  return { siteId: site?.id, site, choices, param: site ? `site=${site.id}` : '', problem };
}

/**
 * For lists of devices (users, bandwidth): each site's name by id when they show every site of several, so each
 * row can say its site; null otherwise (one site, or narrowed to one: no Site column).
 */
export function siteNamesForRows(scope: Pick<SiteScope, 'choices' | 'siteId'>) {
  if (scope.choices.length < 2 || scope.siteId !== undefined) return null;
  return Object.fromEntries(scope.choices.map((c) => [c.id, c.name]));
}

/**
 * A form's Site select (profiles, vendos): every site (shared, value '') or one site. Shown with two or more
 * sites, or when the item already names a site (`current`); null: no select.
 */
export async function siteOptions(ctx: WebContext, current: unknown) {
  const names = await ctx.services.sites.names();
  if (names.length < 2 && (current === undefined || current === '')) return null;
  return [
    { value: '', label: 'Every site (shared)' },
    ...names.map((s) => ({ value: String(s.id), label: s.name })),
  ];
}
