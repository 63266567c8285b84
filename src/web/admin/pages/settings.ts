import { Router, type Request, type Response } from 'express';
import type { WebContext } from '../../context';
import type { AppConfig } from '../../../config/env';
import type { Actor, AdminAccountService, RouterInfo } from '../../../services/types';
import { resolveCodeStyle, type CodeStyle } from '../../../domain/code-style';
import {
  DEFAULT_MOVE_OFFLINE_MINUTES,
  DEFAULT_MOVES_PER_DAY,
  MAX_MOVE_OFFLINE_MINUTES,
  MAX_MOVES_PER_DAY,
  parseMoveOfflineMinutes,
  parseMovesPerDay,
} from '../../../domain/self-service';
import { actorOf, field, FieldErrors, flash, formFailure, page } from './common';
import { saveShopCodeStyle, storedCodeStyle } from '../../../services/shop/vouchers/code-style';
import {
  SETTINGS_STYLE_FIELDS,
  figuresView,
  styleFormView,
  styleInputOf,
  styleValues,
} from './code-style-form';
import { logoProblem } from '../../../services/business/settings/shop-logo';
import { saveChanged, shopName } from '../../../services/business/settings';
import { shopFormFacts, shopFormValues, shopSettingsRoute } from './settings-shop';
import { billingFormFacts, billingFormValues, billingSettingsRoute } from './settings-billing';
import {
  notifyFormValues,
  notifyPageFacts,
  notifySettingsRoutes,
  postedFields,
  type SettingsRender,
} from './settings-notify';

/** The general section: poll interval, shop name, and the shop's code style (checked against the floor). */
function parseGeneral(body: unknown, shopStyle: CodeStyle) {
  const errors: FieldErrors = {};
  const int = (name: string, min: number, max: number): number => {
    const t = field(body, name);
    const n = /^\d{1,5}$/.test(t) ? Number(t) : NaN;
    if (!(n >= min && n <= max)) errors[name] = `use a whole number from ${min} to ${max}`;
    return n;
  };
  // The same bounds as USAGE_POLL_SECONDS in .env (src/config/env.ts).
  const poll = int('poll_seconds', 1, 3600);
  let style = shopStyle;
  try {
    style = resolveCodeStyle(shopStyle, styleInputOf(body, SETTINGS_STYLE_FIELDS), SETTINGS_STYLE_FIELDS);
  } catch (err) {
    Object.assign(errors, formFailure(err).fields);
  }
  const name = field(body, 'shop_name');
  if (name.length < 1 || name.length > 60) errors.shop_name = 'use 1 to 60 characters';
  if (Object.keys(errors).length) throw Object.assign(new Error('invalid'), { fields: errors });
  return { general: { 'usage.poll_seconds': poll, 'shop.name': name }, style };
}

/** What the owner sees of .env that only .env sets (read-only on the page). */
function effectiveConfig(config: AppConfig) {
  return {
    router: config.router.simulated
      ? 'built-in simulated router (no ROUTER_HOST)'
      : `${config.router.host}:${config.router.port}${config.router.tls ? ' (TLS)' : ''}`,
    hotspotServer: config.hotspotServer,
    hotspotUserProfile: config.hotspotUserProfile,
    // Where printed cards' QR codes lead (the Printed cards section, which the print page's warning links to).
    hotspotLoginUrl: config.hotspotLoginUrl,
    portalUrl: config.portalUrl,
  };
}

/** Checks the current password and the confirmation, then sets the new one; field messages or null. */
async function changePassword(admins: AdminAccountService, username: string, body: unknown, actor: Actor) {
  const text = (name: string) => {
    const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
    return typeof v === 'string' ? v : ''; // passwords are not trimmed
  };
  const errors: FieldErrors = {};
  if (!(await admins.verify(username, text('current_password'))))
    errors.current_password = 'this is not your current password';
  if (text('new_password') !== text('confirm_password'))
    errors.confirm_password = 'the two new passwords differ';
  if (Object.keys(errors).length) return errors;
  try {
    await admins.setPassword(username, text('new_password'), actor);
    return null;
  } catch (err) {
    return formFailure(err, (k) => (k === 'password' ? 'new_password' : k)).fields;
  }
}

/** The flash after saving customer self-service: what changed, in the shop's words. */
function selfServiceSaved(moves: [number, number], offline: [number, number]): string {
  const said: string[] = [];
  if (moves[1] !== moves[0])
    said.push(
      moves[1] === 0
        ? 'codes no longer move to another device, not even for their owner; a code with all its devices is refused on a new one'
        : `a code may move to a new device ${moves[1]} time${moves[1] === 1 ? '' : 's'} a day`,
    );
  if (offline[1] !== offline[0])
    said.push(
      `another phone may take a code once all its devices have been offline for ${offline[1]} minute${offline[1] === 1 ? '' : 's'}`,
    );
  return said.length ? `Saved: ${said.join('; ')}.` : 'Nothing changed.';
}

/** Settings: router test, poll interval, code format, shop name and logo, admin password. */
export function settingsRoutes(ctx: WebContext): Router {
  const router = Router();
  const render = (res: Response, extra?: SettingsExtra, status?: number) =>
    renderSettings(ctx, res, extra, status);
  router.get('/settings', (_req, res) => render(res));
  router.post('/settings/router-test', async (_req, res) =>
    render(res, { test: await ctx.services.routerInfo.test() }),
  );
  router.post('/settings/adopt-router', (req, res) => adoptRouter(ctx, req, res));
  router.post('/settings/general', (req, res) => saveGeneral(ctx, render, req, res));
  router.post('/settings/self-service', (req, res) => saveSelfService(ctx, render, req, res));
  shopSettingsRoute(ctx, router, render);
  billingSettingsRoute(ctx, router, render);
  notifySettingsRoutes(ctx, router, render);
  router.post('/settings/logo', (req, res) => saveLogo(ctx, render, req, res));
  router.post('/settings/password', (req, res) => savePassword(ctx, render, req, res));
  return router;
}

type SettingsExtra = NonNullable<Parameters<SettingsRender>[1]> & { test?: RouterInfo };

/** Every section's stored values as the form's fields. */
async function currentValues(ctx: WebContext) {
  const { settings, selfService, shopSettings, billingSettings } = ctx.services;
  return {
    poll_seconds: String(await settings.get<number>('usage.poll_seconds', ctx.config.usagePollSeconds)),
    ...styleValues(await storedCodeStyle(settings), SETTINGS_STYLE_FIELDS),
    shop_name: await shopName(settings),
    moves_per_day: String(await selfService.movesPerDay()),
    move_offline_minutes: String(await selfService.moveOfflineMinutes()),
    ...shopFormValues(await shopSettings.view()),
    ...billingFormValues(await billingSettings.view()),
    ...notifyFormValues(await ctx.services.notify.view()),
  };
}

async function renderSettings(ctx: WebContext, res: Response, extra: SettingsExtra = {}, status = 200) {
  const { settings, shopSettings, billingSettings } = ctx.services;
  const [values, logo, backup] = await Promise.all([
    currentValues(ctx),
    settings.get<string | null>('shop.logo', null),
    ctx.services.backups.status(),
  ]);
  // The code style's figures for what the fields hold (the stored style, or what a failed save sent).
  const figures = await figuresView(
    settings,
    styleInputOf({ ...values, ...extra.values }, SETTINGS_STYLE_FIELDS),
  );
  page(
    res,
    'settings',
    'settings',
    'Settings',
    {
      values: { ...values, ...extra.values },
      errors: extra.errors ?? {},
      formError: extra.formError ?? null,
      test: extra.test ?? null,
      logo,
      backup,
      effective: effectiveConfig(ctx.config),
      shop: shopFormFacts(await shopSettings.view(), res.req.socket.remoteAddress ?? null),
      notify: await notifyPageFacts(ctx, extra.notifyTest),
      billing: billingFormFacts(await billingSettings.view()),
      moves: {
        max: MAX_MOVES_PER_DAY,
        default: DEFAULT_MOVES_PER_DAY,
        offlineMax: MAX_MOVE_OFFLINE_MINUTES,
        offlineDefault: DEFAULT_MOVE_OFFLINE_MINUTES,
      },
      now: ctx.clock.now(),
      codeStyle: styleFormView(SETTINGS_STYLE_FIELDS, figures),
      scripts: ['/public/js/admin-settings.js', '/public/js/admin-code-style.js'],
    },
    status,
  );
}

/** POST /settings/adopt-router: this database takes the router over. */
async function adoptRouter(ctx: WebContext, req: Request, res: Response) {
  const st = await ctx.services.routerBinding.adopt(actorOf(req));
  flash(
    req,
    'ok',
    `Router "${st.identity ?? '?'}" adopted: this database now manages it; the next poll brings it to this database's vouchers.`,
  );
  res.redirect(303, '/admin/settings');
}

/** POST /settings/general: poll interval, shop name and code style; or their figures only (`preview`). */
async function saveGeneral(ctx: WebContext, render: SettingsRender, req: Request, res: Response) {
  const { settings } = ctx.services;
  const values: Record<string, string> = {
    poll_seconds: field(req.body, 'poll_seconds'),
    shop_name: field(req.body, 'shop_name'),
  };
  for (const k of Object.values(SETTINGS_STYLE_FIELDS)) values[k] = field(req.body, k);
  // "Show the figures" (without JavaScript): the page again with the chosen style's figures, nothing saved.
  if (field(req.body, 'preview') === '1') return render(res, { values });
  let parsed: ReturnType<typeof parseGeneral>;
  try {
    parsed = parseGeneral(req.body, await storedCodeStyle(settings));
  } catch (err) {
    return render(
      res,
      {
        values,
        errors: (err as { fields: FieldErrors }).fields,
        formError: 'Please correct the fields marked below.',
      },
      400,
    );
  }
  const changed = [
    ...(await saveChanged(settings, parsed.general, actorOf(req))),
    ...(await saveShopCodeStyle(settings, parsed.style, actorOf(req))),
  ];
  flash(
    req,
    'ok',
    changed.length
      ? `Saved. The poll job and new vouchers use the new values${changed.includes('usage.poll_seconds') ? ' (the poll interval from its next run)' : ''}.`
      : 'Nothing changed.',
  );
  res.redirect(303, '/admin/settings');
}

/**
 * POST /settings/self-service. The self-service service owns the bounds and the defaults; the page only passes
 * what was typed. A field the post leaves out keeps its value (a script may set one of them).
 */
async function saveSelfService(ctx: WebContext, render: SettingsRender, req: Request, res: Response) {
  const { selfService } = ctx.services;
  const typed = postedFields(req.body ?? {}, ['moves_per_day', 'move_offline_minutes']);
  const before = {
    moves: await selfService.movesPerDay(),
    offline: await selfService.moveOfflineMinutes(),
  };
  const errors: FieldErrors = {};
  // Checked as the service checks it; an unchanged value is not written (nor audited) again.
  const checked = (name: string, parse: (v: string) => number, current: number): number => {
    if (typed[name] === undefined) return current;
    try {
      return parse(typed[name]);
    } catch (err) {
      Object.assign(errors, formFailure(err).fields);
      return current;
    }
  };
  const moves = checked('moves_per_day', parseMovesPerDay, before.moves);
  const offline = checked('move_offline_minutes', parseMoveOfflineMinutes, before.offline);
  if (Object.keys(errors).length)
    return render(res, { values: typed, errors, formError: 'Customer self-service was not saved.' }, 400);
  if (moves !== before.moves) await selfService.setMovesPerDay(moves, actorOf(req));
  if (offline !== before.offline) await selfService.setMoveOfflineMinutes(offline, actorOf(req));
  flash(req, 'ok', selfServiceSaved([before.moves, moves], [before.offline, offline]));
  res.redirect(303, '/admin/settings');
}

/** POST /settings/logo: the shop's logo set (checked) or removed. */
async function saveLogo(ctx: WebContext, render: SettingsRender, req: Request, res: Response) {
  const { settings } = ctx.services;
  if (field(req.body, 'remove') === '1') {
    await settings.set('shop.logo', null, actorOf(req));
    flash(req, 'ok', 'Logo removed.');
    return res.redirect(303, '/admin/settings');
  }
  const data = field(req.body, 'logo_data');
  const problem = data ? logoProblem(data) : 'choose an image first';
  if (problem) return render(res, { errors: { logo: problem }, formError: 'The logo was not saved.' }, 400);
  await settings.set('shop.logo', data, actorOf(req));
  flash(req, 'ok', 'Logo saved; it shows on printed vouchers and the portal.');
  res.redirect(303, '/admin/settings');
}

/** POST /settings/password: the signed-in admin's own password. */
async function savePassword(ctx: WebContext, render: SettingsRender, req: Request, res: Response) {
  const username = req.session.admin?.username ?? ctx.config.admin.username;
  const errors = await changePassword(ctx.services.admins, username, req.body, actorOf(req));
  if (!errors) {
    // Every session opened with the old password ends (its stamp changed); this one goes on with the new one.
    const me = await ctx.services.accounts.find(username);
    if (req.session.admin && me) req.session.admin.stamp = me.stamp;
    flash(
      req,
      'ok',
      `Password changed. Every other browser logged in as ${username} has been logged out; this one stays logged in.`,
    );
    return res.redirect(303, '/admin/settings');
  }
  await render(res, { errors, formError: 'The password was not changed.' }, 400);
}
