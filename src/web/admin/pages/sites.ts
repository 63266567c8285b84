/**
 * The Sites page: every router this controller knows with its state (online or the reason it is not, identity,
 * devices online, last read), add, edit and remove. The status shown is the last read kept by the server's site
 * monitor: rendering never waits for a router.
 */
import { Router, type Request, type Response } from 'express';
import type { SiteView } from '../../../services/business/sites/types';
import type { WebContext } from '../../context';
import { actorOf, field, flash, formFailure, refusedForm, page } from './common';
import { SiteHasVouchersError, AppError } from '../../../domain/errors';
import { toAppError } from '../../../lib/error-reply';
import { isRadiusClient } from '../../../domain/site-mode';
import { fairUseBound } from '../../../domain/fup-watch';

/** The poll's interval now (Settings, else USAGE_POLL_SECONDS). */
const pollSeconds = (ctx: WebContext) =>
  ctx.services.settings.get<number>('usage.poll_seconds', ctx.config.usagePollSeconds);

/** What the owner can do about a router error, beyond the connection's own wording. */
const ADVICE: Record<string, string> = {
  ROUTER_TIMEOUT:
    'Check that the router is on, reachable and not overloaded (one that takes the connection but never answers shows this too); the controller keeps trying.',
  ROUTER_UNREACHABLE:
    'Check that the router is switched on and reachable from this controller (ping its address), then wait: the controller keeps retrying.',
  ROUTER_FATAL:
    'The router closed the session; it reconnects by itself. If this repeats, check the router log.',
};

function adviceFor(code: string | undefined): string | null {
  return code ? (ADVICE[code] ?? null) : null;
}

/** The form's fields as the service takes them; an empty password on an edit keeps the stored one. */
function input(body: unknown, edit: boolean): Record<string, unknown> {
  const { password, radius_secret: secret } = { ...(body as Record<string, unknown>) };
  const out: Record<string, unknown> = {
    name: field(body, 'name'),
    host: field(body, 'host'),
    port: field(body, 'port'),
    user: field(body, 'user'),
    tls: field(body, 'tls') === 'on',
    hotspot_server: field(body, 'hotspot_server'),
    hotspot_user_profile: field(body, 'hotspot_user_profile'),
    tz: field(body, 'tz'),
    wifi_name: field(body, 'wifi_name'),
    mode: field(body, 'mode'),
    nas_address: field(body, 'nas_address'),
    coa_port: field(body, 'coa_port'),
  };
  // An empty secret field keeps the stored one.
  if (typeof secret === 'string' && secret !== '') out.radius_secret = secret;
  if (!isRadiusClient(out)) {
    delete out.nas_address;
    delete out.coa_port;
  }
  if (typeof password === 'string' && (password !== '' || !edit)) out.password = password;
  if (edit && field(body, 'clear_password') === 'yes') out.password = '';
  return out;
}

/** Form values to show again after a refusal: never the password. */
const shownValues = (body: unknown) => {
  const { password: _p, radius_secret: _s, _csrf, ...rest } = { ...(body as Record<string, string>) };
  return rest;
};

export function siteRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/sites', async (_req, res) => renderList(ctx, res));
  router.post('/sites', (req, res) => addSite(ctx, req, res));
  router.get('/sites/:id', async (req, res) => {
    const site = await ctx.services.sites.get(String(req.params.id));
    return renderEdit(ctx, res, site);
  });
  router.post('/sites/:id', (req, res) => saveSite(ctx, req, res));
  router.post('/sites/:id/static-pool', (req, res) => saveStaticPool(ctx, req, res));
  router.post('/sites/:id/adopt', (req, res) => adoptRouter(ctx, req, res));
  router.post('/sites/:id/remove', (req, res) => removeSite(ctx, req, res));
  return router;
}

async function renderList(ctx: WebContext, res: Response, extra: Record<string, unknown> = {}, status = 200) {
  page(
    res,
    'sites/index',
    'sites',
    'Sites',
    { sites: await ctx.services.sites.list(), advice: adviceFor, ...extra },
    status,
  );
}

/** A site as its edit form's values (the router's defaults as empty fields). */
function editValues(site: SiteView): Record<string, string> {
  return {
    name: site.name,
    mode: site.mode,
    nas_address: site.nasAddress ?? '',
    coa_port: site.coaPort === null ? '' : String(site.coaPort),
    host: site.host,
    port: site.apiAccess ? String(site.port) : '',
    user: site.user,
    tls: site.tls ? 'on' : '',
    hotspot_server: site.hotspotServer === 'all' ? '' : site.hotspotServer,
    hotspot_user_profile: site.hotspotUserProfile === 'default' ? '' : site.hotspotUserProfile,
    tz: site.tz ?? '',
    wifi_name: site.wifiName ?? '',
  };
}

/** The edit page: its settings (the .env router's: its fixed addresses only) and its fixed addresses held. */
async function renderEdit(
  ctx: WebContext,
  res: Response,
  site: SiteView,
  extra: Record<string, unknown> = {},
  status = 200,
) {
  const addresses = await ctx.services.subscribers.addresses(site.id);
  page(
    res,
    'sites/edit',
    'sites',
    `Site ${site.name}`,
    {
      site,
      addresses,
      advice: adviceFor,
      values: editValues(site),
      fairUse: fairUseBound(site, ctx.config.fupWatch, await pollSeconds(ctx)),
      poolValues: { static_pool: site.staticPool ?? '' },
      ...extra,
    },
    status,
  );
}

/** The site's static pool (the .env router's site too: its connection stays in .env). */
async function saveStaticPool(ctx: WebContext, req: Request, res: Response) {
  const { sites } = ctx.services;
  const site = await sites.get(String(req.params.id));
  try {
    const saved = await sites.update(site.id, { static_pool: field(req.body, 'static_pool') }, actorOf(req));
    flash(req, 'ok', `Static pool of ${saved.name}: ${saved.staticPool ?? 'none'}.`);
    res.redirect(303, `/admin/sites/${site.id}#addresses`);
  } catch (err) {
    const f = formFailure(err);
    return renderEdit(
      ctx,
      res,
      site,
      {
        poolValues: { static_pool: field(req.body, 'static_pool') },
        poolErrors: f.fields,
        poolError: f.message,
      },
      f.status,
    );
  }
}

async function addSite(ctx: WebContext, req: Request, res: Response) {
  try {
    const site = await ctx.services.sites.add(input(req.body, false), actorOf(req));
    flash(
      req,
      'ok',
      `Site ${site.name} added; the controller is connecting to it. Next, its router's setup: the Setup button in its row checks and fixes what the product needs there.`,
    );
    res.redirect(303, '/admin/sites');
  } catch (err) {
    return renderList(ctx, res, ...refusedForm(err, shownValues(req.body)));
  }
}

async function saveSite(ctx: WebContext, req: Request, res: Response) {
  const { sites } = ctx.services;
  const site = await sites.get(String(req.params.id));
  try {
    const saved = await sites.update(site.id, input(req.body, true), actorOf(req));
    flash(req, 'ok', `Site ${saved.name} saved.`);
    res.redirect(303, '/admin/sites');
  } catch (err) {
    return renderEdit(ctx, res, site, ...refusedForm(err, shownValues(req.body)));
  }
}

/**
 * Safe mode (a router replaced or reset to another machine, or an empty database meeting a router in use): the
 * owner makes the router at the site's address its router; its next poll repairs it.
 */
async function adoptRouter(ctx: WebContext, req: Request, res: Response) {
  try {
    const out = await ctx.services.sites.adopt(String(req.params.id), actorOf(req));
    flash(
      req,
      'ok',
      `Router "${out.identity ?? '?'}" adopted for site ${out.site.name}: its next poll brings it to this database's vouchers.`,
    );
  } catch (err) {
    flash(req, 'error', toAppError(err).message);
  }
  res.redirect(303, '/admin/sites');
}

/** Refused while the site has open vouchers: the page says how many and offers to end them (force=yes). */
async function removeSite(ctx: WebContext, req: Request, res: Response) {
  const { sites } = ctx.services;
  const site = await sites.get(String(req.params.id));
  try {
    const removed = await sites.remove(site.id, actorOf(req), {
      force: field(req.body, 'force') === 'yes',
    });
    const { unused, active } = removed.ended;
    const ended =
      unused + active > 0
        ? ` ${unused + active} open voucher${unused + active === 1 ? ' was' : 's were'} ended (revoked).`
        : '';
    flash(req, 'ok', `Site ${removed.name} removed; the controller disconnected from it.${ended}`);
    res.redirect(303, '/admin/sites');
  } catch (err) {
    // Its own profiles or vendos still sell: the page says which, and what to do first.
    if (err instanceof AppError && err.code === 'SITE_HAS_OWN_ITEMS')
      return renderEdit(
        ctx,
        res,
        site,
        { formError: `Site ${site.name} was not removed. ${err.message}` },
        409,
      );
    if (!(err instanceof SiteHasVouchersError)) throw err;
    return renderEdit(
      ctx,
      res,
      site,
      {
        refusal: err.open,
        formError: `Site ${site.name} was not removed: it still has open vouchers (see Remove below).`,
      },
      409,
    );
  }
}
