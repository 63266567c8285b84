import { Router, Request, Response } from 'express';
import type { WebContext } from '../../context';
import { actorOf, flash, formFailure, page } from './common';
import { formToProfileJson, inputForField, profileJsonToForm, PROFILE_FIELDS } from './profile-form';
import { formatBytes, formatDurationHuman, formatMoney } from '../../../domain/units';
import type { Profile } from '../../../domain/profile-types';
import { MAX_PAUSE_SECONDS, MAX_PAUSES_PER_DAY, MIN_PAUSE_SECONDS } from '../../../domain/self-service';
import { pageSiteScope, siteOptions } from '../site-scope';

/** The self-service bounds the profile parser enforces, for the form's hints and live checks. */
const SELF_BOUNDS = {
  pauseMinSeconds: MIN_PAUSE_SECONDS,
  pauseMaxSeconds: MAX_PAUSE_SECONDS,
  pauseMin: formatDurationHuman(MIN_PAUSE_SECONDS),
  pauseMax: formatDurationHuman(MAX_PAUSE_SECONDS),
  pausesPerDay: MAX_PAUSES_PER_DAY,
};

const GROUP_KEYS = ['fup', 'burst', 'offpeak', 'profile'];

/** What makes a plan special, as the list's Extras tags: the words on the tag and a longer title. */
function planExtras(p: Profile): { text: string; title: string }[] {
  const out: { text: string; title: string }[] = [];
  if (p.contentionRatio !== undefined && p.contentionRatio > 1)
    out.push({
      text: `shared 1:${p.contentionRatio}`,
      title: `Up to ${p.contentionRatio} devices share one plan speed`,
    });
  if (p.priority !== undefined)
    out.push({
      text: `priority ${p.priority}`,
      title: `Router queue priority ${p.priority} (1 first, 8 last)`,
    });
  if (p.burst) out.push({ text: 'burst', title: 'Short bursts above the speed' });
  if (p.offpeak)
    out.push({ text: 'off-peak', title: `Off-peak hours${p.offpeak.unlimited ? ': data is free' : ''}` });
  if (p.overage)
    out.push({
      text: `extra data ${formatBytes(p.overage.bytes)} for ${formatMoney(p.overage.price)}`,
      title: 'A customer at the data cap may buy more data',
    });
  // Every timed online-time plan can pause (pauseRefusal); the profile may limit how often and how long.
  if (p.timeMode === 'uptime' && p.validitySeconds !== null)
    out.push({
      text: `pause${p.pausesPerDay !== undefined ? ` ${p.pausesPerDay}×/day` : ''}`,
      title: `Customers may pause their time${p.pauseMaxSeconds !== undefined ? `, up to ${formatDurationHuman(p.pauseMaxSeconds)} a pause` : ''}`,
    });
  return out;
}

/** Profiles: list, create and edit, with field messages from the same validation as profiles.json. */
export function profileRoutes(ctx: WebContext): Router {
  const router = Router();
  const { profiles } = ctx.services;
  router.get('/profiles', (req, res) => listProfiles(ctx, req, res));
  router.get('/profiles/new', (req, res) => newProfileForm(ctx, req, res));
  router.get('/profiles/:name/edit', async (req, res) => {
    const record = await profiles.get(String(req.params.name));
    await renderForm(ctx, res, record.name, {
      billing: 'prepaid',
      ...profileJsonToForm(record.json),
      site: record.site ? String(record.site.id) : '',
    });
  });
  router.post('/profiles/:name/archive', (req, res) => archiveProfile(ctx, req, res));
  router.post('/profiles', (req, res) => saveProfile(ctx, req, res, null));
  router.post('/profiles/:name', async (req, res) => {
    const record = await profiles.get(String(req.params.name));
    await saveProfile(ctx, req, res, record.name);
  });
  return router;
}

/** GET /profiles; `?site=`: what that site sells (shared profiles and its own), as the picker shows. */
async function listProfiles(ctx: WebContext, req: Request, res: Response) {
  const siteScope = await pageSiteScope(ctx, req);
  const list = await ctx.services.profiles.list({ includeArchived: true, siteId: siteScope.siteId });
  page(res, 'profiles/index', 'profiles', 'Profiles', {
    list: list.map((r) => ({ ...r, extras: planExtras(r.profile) })),
    siteScope,
    // The Site column when there is more than one site, or a profile still names one.
    showSites: siteScope.choices.length > 1 || list.some((r) => r.site !== null),
  });
}

async function renderForm(
  ctx: WebContext,
  res: Response,
  /** The profile edited; null: a new one. */
  original: string | null,
  values: Record<string, unknown>,
  errors: Record<string, string> = {},
  formError: string | null = null,
  status = 200,
) {
  // Messages for keys that are not an input (a whole group, or a key the form does not know) go in a list.
  const other = Object.entries(errors).filter(
    ([k]) => !(k in PROFILE_FIELDS) && !GROUP_KEYS.includes(k) && k !== 'site',
  );
  const sites = await siteOptions(ctx, values.site);
  page(
    res,
    'profiles/form',
    'profiles',
    original === null ? 'New profile' : `Edit ${original}`,
    {
      mode: original === null ? 'new' : 'edit',
      original,
      values,
      errors,
      otherErrors: other,
      formError,
      // A fee that looks like a typo (409 under price): a box to tick that it is meant.
      askFee: status === 409 && errors.price !== undefined,
      sites,
      bounds: SELF_BOUNDS,
      scripts: ['/public/js/admin-profile-form.js'],
    },
    status,
  );
}

/** A new profile from a page narrowed to a site (?site=) starts as that site's. */
async function newProfileForm(ctx: WebContext, req: Request, res: Response) {
  const scope = await pageSiteScope(ctx, req);
  await renderForm(ctx, res, null, {
    billing: 'prepaid',
    users: '1',
    validity: '1h',
    cap_policy: '',
    time_mode: 'wallclock',
    site: scope.site ? String(scope.site.id) : '',
  });
}

/** A new profile (`original` null) or the edit of one; the form again with its problems. */
async function saveProfile(ctx: WebContext, req: Request, res: Response, original: string | null) {
  const { profiles } = ctx.services;
  const body = (req.body ?? {}) as Record<string, unknown>;
  // The Site select ('' = shared); a form without it (one site) leaves the site as it is.
  const json = {
    ...formToProfileJson(body),
    ...(typeof body.site === 'string' ? { site: body.site } : {}),
    ...(body.confirm === 'true' ? { confirm: true } : {}),
  };
  try {
    const saved =
      original === null
        ? await profiles.create(json, actorOf(req))
        : await profiles.update(original, json, actorOf(req));
    flash(
      req,
      'ok',
      `Profile ${saved.name} saved. Active vouchers on it get the new settings at the next poll.`,
    );
    res.redirect(303, '/admin/profiles');
  } catch (err) {
    const f = formFailure(err, inputForField);
    await renderForm(ctx, res, original, req.body ?? {}, f.fields, f.message, f.status);
  }
}

async function archiveProfile(ctx: WebContext, req: Request, res: Response) {
  const archived = req.body?.archived !== 'false';
  const p = await ctx.services.profiles.setArchived(String(req.params.name), archived, actorOf(req));
  flash(
    req,
    'ok',
    archived
      ? `Profile ${p.name} archived: it is no longer sold or offered; its vouchers keep working and its sales stay in the reports.`
      : `Profile ${p.name} restored: it can be sold again.`,
  );
  res.redirect(303, '/admin/profiles');
}
