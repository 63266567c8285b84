/**
 * The Vendos page: list (online or not, cash expected in each box), add, edit the rates and profile, rotate the
 * secret (shown once, on the page that answers the rotation), record cash-box collections, and the coin ledger.
 */
import { Router, type Request, type Response } from 'express';
import { ratesJson } from '../../../domain/vendo';
import { parseRateLines, rateLines } from '../../../services/shop/vendos/rate-lines';
import { formatRouterDuration } from '../../../domain/units';
import { toAppError } from '../../../lib/error-reply';
import type { WebContext } from '../../context';
import { actorOf, failIfAny, field, flash, formFailure, refusedForm, page, pager } from './common';
import { pageSiteScope, siteOptions, type SiteScope } from '../site-scope';

const PER_PAGE = 50;

export function vendoRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/vendos', async (req, res) => renderList(ctx, res, await pageSiteScope(ctx, req)));
  router.post('/vendos', (req, res) => addVendo(ctx, req, res));
  router.get('/vendos/:id', async (req, res) => renderDetail(ctx, req, res, req.params.id));
  router.post('/vendos/:id', (req, res) => saveVendo(ctx, req, res));
  router.post('/vendos/:id/rotate-secret', (req, res) => rotateSecret(ctx, req, res));
  router.post('/vendos/:id/remove', (req, res) => removeVendo(ctx, req, res));
  router.post('/vendos/:id/collect', (req, res) => recordCollection(ctx, req, res));
  return router;
}

/** The profiles a vendo may sell: those with a validity. */
async function profileOptions(ctx: WebContext) {
  return (await ctx.services.profiles.list())
    .filter((p) => p.profile.validitySeconds !== null)
    .map((p) => ({ value: p.name, label: p.site ? `${p.name} (${p.site.name} only)` : p.name }));
}

/** Field errors from the service (`rates[2].validity`) folded onto the form's fields. */
const formField = (k: string) => (k.startsWith('rates') ? 'rates' : k);

async function renderList(
  ctx: WebContext,
  res: Response,
  siteScope: SiteScope,
  extra: { values?: Record<string, string> } & Record<string, unknown> = {},
  status = 200,
) {
  // A vendo added from a page narrowed to a site (?site=) starts as that site's.
  const values = extra.values ?? {
    rates: '1 = 10m\n5 = 1h\n10 = 3h\n20 = 8h',
    window_seconds: '60',
    site: siteScope.site ? String(siteScope.site.id) : '',
  };
  const list = await ctx.services.vendos.list({ siteId: siteScope.siteId });
  page(
    res,
    'vendos/index',
    'vendos',
    'Vendos',
    {
      vendos: list,
      profiles: await profileOptions(ctx),
      sites: await siteOptions(ctx, values.site),
      siteScope,
      showSites: siteScope.choices.length > 1 || list.some((v) => v.site !== null),
      ...extra,
      values,
    },
    status,
  );
}

async function renderDetail(
  ctx: WebContext,
  req: Request,
  res: Response,
  id: string,
  extra: Record<string, unknown> = {},
  status = 200,
) {
  const { vendos } = ctx.services;
  const vendo = await vendos.get(id);
  const total = (await vendos.ledger(vendo.id, { limit: 1 })).total;
  const p = pager(req, total, PER_PAGE);
  page(
    res,
    'vendos/detail',
    'vendos',
    `Vendo ${vendo.name}`,
    {
      vendo,
      rates: ratesJson(vendo.rates),
      profiles: await profileOptions(ctx),
      sites: await siteOptions(
        ctx,
        (extra.values as Record<string, string> | undefined)?.site ??
          (vendo.site ? String(vendo.site.id) : ''),
      ),
      coins: (await vendos.ledger(vendo.id, { limit: PER_PAGE, offset: p.offset })).rows,
      pager: p,
      collections: await vendos.collections(vendo.id, 20),
      values: {
        name: vendo.name,
        location: vendo.location ?? '',
        profile: vendo.profile,
        rates: rateLines(vendo),
        window_seconds: String(vendo.windowSeconds),
        enabled: vendo.enabled ? 'on' : '',
        site: vendo.site ? String(vendo.site.id) : '',
      },
      secret: null,
      duration: formatRouterDuration,
      ...extra,
    },
    status,
  );
}

/** The add/edit form read into the service's input, with the rate lines' own problem. */
function input(body: unknown, edit: boolean) {
  const rates = parseRateLines(field(body, 'rates'));
  const errors: Record<string, string> = typeof rates === 'string' ? { rates } : {};
  return {
    input: {
      name: field(body, 'name'),
      location: field(body, 'location'),
      profile: field(body, 'profile'),
      rates: typeof rates === 'string' ? [] : rates,
      window_seconds: field(body, 'window_seconds'),
      ...(edit ? { enabled: field(body, 'enabled') === 'on' } : {}),
      // The Site select ('' = shared); a form without it (one site) leaves the site as it is.
      ...(body && typeof body === 'object' && 'site' in body ? { site: field(body, 'site') } : {}),
    },
    errors,
  };
}

/** POST /vendos: the new vendo's page with its secret, once; or the list with the form's problems. */
async function addVendo(ctx: WebContext, req: Request, res: Response) {
  const values = { ...req.body, _csrf: undefined } as Record<string, string>;
  const { input: data, errors } = input(req.body, false);
  try {
    failIfAny(errors);
    const { vendo, secret } = await ctx.services.vendos.create(data, actorOf(req));
    return renderDetail(ctx, req, res, vendo.id, { secret, created: true });
  } catch (err) {
    return renderList(ctx, res, await pageSiteScope(ctx, req), ...refusedForm(err, values, formField));
  }
}

/** POST /vendos/:id: the edit saved. */
async function saveVendo(ctx: WebContext, req: Request, res: Response) {
  const id = String(req.params.id);
  const { input: data, errors } = input(req.body, true);
  const values = { ...req.body, _csrf: undefined } as Record<string, string>;
  try {
    failIfAny(errors);
    await ctx.services.vendos.update(id, data, actorOf(req));
    flash(req, 'ok', 'Vendo saved.');
    res.redirect(303, `/admin/vendos/${encodeURIComponent(id)}`);
  } catch (err) {
    return renderDetail(ctx, req, res, id, ...refusedForm(err, values, formField));
  }
}

/** The answer to the rotation shows the new secret once; it is never shown again. */
async function rotateSecret(ctx: WebContext, req: Request, res: Response) {
  const { vendo, secret } = await ctx.services.vendos.rotateSecret(String(req.params.id), actorOf(req));
  return renderDetail(ctx, req, res, vendo.id, { secret });
}

/** Only a vendo never used goes (the service refuses one with a history: it is switched off instead). */
async function removeVendo(ctx: WebContext, req: Request, res: Response) {
  const id = String(req.params.id);
  try {
    const v = await ctx.services.vendos.remove(id, actorOf(req));
    flash(req, 'ok', `Vendo ${v.name} removed.`);
    res.redirect(303, '/admin/vendos');
  } catch (err) {
    const e = toAppError(err);
    if (e.code === 'VENDO_NOT_FOUND') throw err;
    flash(req, 'error', e.message);
    res.redirect(303, `/admin/vendos/${encodeURIComponent(id)}#remove`);
  }
}

/** A cash-box collection: the count against the ledger, in the flash. */
async function recordCollection(ctx: WebContext, req: Request, res: Response) {
  const id = String(req.params.id);
  try {
    const c = await ctx.services.vendos.collect(
      id,
      { counted: field(req.body, 'counted'), note: field(req.body, 'note') },
      actorOf(req),
    );
    const diff =
      c.difference === 0
        ? 'matches the ledger'
        : c.difference > 0
          ? 'is more than the ledger'
          : 'is short of the ledger';
    flash(req, c.difference === 0 ? 'ok' : 'info', `Collection recorded: the count ${diff}.`);
    res.redirect(303, `/admin/vendos/${encodeURIComponent(id)}#collections`);
  } catch (err) {
    const f = formFailure(err);
    return renderDetail(
      ctx,
      req,
      res,
      id,
      {
        collectValues: { counted: field(req.body, 'counted'), note: field(req.body, 'note') },
        collectErrors: f.fields,
        formError: f.message,
      },
      f.status,
    );
  }
}
