import { paymentsWebhookRouter } from './payments-webhook';
import { payPortalRoutes } from './portal/pay';
import { checkoutReachRouter } from './portal/checkout-reach';
import { suspensionPage } from './portal/suspended';
import { paymentsApiRouter } from './admin/api-payments';
import { safeModeError } from '../services/network/router-binding';
import path from 'node:path';
import crypto from 'node:crypto';
import express, { Express } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import type { Db } from '../db/knex';
import type { WebContext } from './context';
import { PROJECT_ROOT } from '../lib/paths';
import { AppError } from '../domain/errors';
import { errorJson } from '../lib/error-reply';
import { healthRoutes } from './health';
import { routerStateOf, routerWarnings } from './router-state';
import { KnexSessionStore } from './middleware/session-store';
import { systemClock } from '../lib/clock';
import { compress } from './middleware/compress';
import { adminAllowList, csrfProtection, requireAdmin } from './middleware/auth';
import { errorHandler, renderErrorPage, urlLengthLimit } from './middleware/errors';
import { portalRouter } from './portal';
import { routerLoginRouter } from './portal/router-login';
import { loginRouter } from './admin/login';
import { voucherApiRouter } from './admin/api-vouchers';
import { chargeApiRouter } from './admin/api-charges';
import { bandwidthApiRouter } from './admin/api-bandwidth';
import { liveApiRouter } from './admin/api-live';
import { sheetRouter } from './admin/sheets';
import { siteFilesRouter } from './admin/site-files';
import { adminPagesRouter } from './admin/pages';
import { vendoApiRouter } from './admin/api-vendos';
import { subscriberApiRouter } from './admin/api-subscribers';
import { adoptApiRouter } from './admin/api-adopt';
import { invoiceApiRouter } from './admin/api-invoices';
import { billingApiRouter } from './admin/api-billing';
import { siteApiRouter } from './admin/api-sites';
import { routerApiRouter } from './admin/api-router';
import { notifyApiRouter } from './admin/api-notify';
import { backupApiRouter } from './admin/api-backups';
import { vendoPortalRouter } from './portal/vendo';
import { vendoBoardRouter } from './vendo/board';
import { metricsRouter } from './metrics';
import { roleGuard } from './middleware/roles';
import { accountApiRouter, tokenRouter } from './admin/api-accounts';
import type { Metrics } from '../metrics';
import type { RouterWarning } from '../services/network/router-checks';
import { needsRouterConnection } from '../services/network/site-stack/mode';
import { importBodies } from './admin/import-bodies';

interface WebAppOptions {
  ctx: WebContext;
  db: Db;
  sessionSecret: string;
  lastPollAt: () => number | undefined;
  /** What GET /metrics shows (src/metrics); absent: no token is set, and /metrics says which to set. */
  metrics?: Metrics;
  /** One server per database, or shared, and the site ids this server polls now (src/db/site-leases.ts). */
  controller?: () => { mode: 'exclusive' | 'shared'; polls: number[] };
}

/** The ids of the RADIUS sites, read at most once every few seconds (a page that lists vouchers asks each time). */
function radiusSiteIdsOf(sites: WebContext['services']['sites']): () => Promise<number[]> {
  let kept: { at: number; ids: Promise<number[]> } | undefined;
  return () => {
    const now = Date.now();
    if (!kept || now - kept.at > 5000) {
      const ids = sites.radiusIds();
      ids.catch(() => (kept = undefined));
      kept = { at: now, ids };
    }
    return kept.ids;
  };
}

/** Builds the Express app: health, captive portal, admin pages and admin API on one port. */
export function createWebApp(opts: WebAppOptions): { app: Express; sessions: KnexSessionStore } {
  // The portal's signed cookies (a device, a subscriber's sign-in, the demo's stand-in for a CPE) and the admin's
  // demo links share the session secret unless the context brings its own.
  const ctx: WebContext = { ...opts.ctx, deviceSecret: opts.ctx.deviceSecret ?? opts.sessionSecret };
  const app = express();
  app.disable('x-powered-by');
  app.set('views', path.join(PROJECT_ROOT, 'views'));
  app.set('view engine', 'ejs');
  // Templates compiled once outside development, every page and error page alike (Express turns its view cache on
  // only when the process's NODE_ENV is production; a shop started without it would compile each page each time).
  app.set('view cache', ctx.config.nodeEnv !== 'development');
  app.set('trust proxy', false);
  app.use(urlLengthLimit);
  mountMachines(app, ctx, opts);
  useBrowserHeaders(app);
  // A suspended subscriber's address gets the suspension page, whatever Host and path it asked for
  // (src/web/portal/suspended.ts says what is left to go through).
  app.use(suspensionPage(ctx));
  // The portal's report of reaching the payment checkout: a few bytes, read by its own small parser.
  app.use(checkoutReachRouter(ctx));
  // A body the parsers refuse (bad JSON, too large, more than 1,000 form fields) becomes a 4xx with a short
  // message in errorHandler; parameterLimit is body-parser's default, written out because the docs quote it.
  const parseBodies = [
    // A customer import's CSV (the API's text/csv, the import page's form): up to 2 MB, on its addresses only.
    importBodies(),
    express.json({ limit: '256kb' }),
    express.urlencoded({ extended: false, limit: '256kb', parameterLimit: 1000 }),
  ];
  // The admin behind its login reads bodies only after the role gate (below), so a role refused an address
  // gets 403 FORBIDDEN_ROLE whatever its body holds.
  app.use(unlessGatedAdmin(parseBodies));
  const warnings = () => routerWarnings(ctx.services);
  app.use(healthOf(ctx, opts, warnings));
  const sessions = useSessions(app, ctx, opts, warnings);
  // Captive portal (open to the hotspot network).
  mountPortal(app, ctx);
  mountAdmin(app, ctx, parseBodies);
  app.get('/', (_req, res) => res.redirect(302, '/portal'));
  app.use(notFound);
  app.use(errorHandler(ctx.log));
  return { app, sessions };
}

/**
 * Coin vendos: machines speaking signed JSON (docs/vendo-protocol.md). Their router reads the raw body itself
 * (the signature covers the exact bytes) and comes before the page headers and compression a browser needs,
 * which cost a board's hot path a fifth of its CPU for nothing.
 */
function mountMachines(app: Express, ctx: WebContext, opts: WebAppOptions): void {
  app.use('/api/vendo/v1', vendoBoardRouter(ctx));
  // PayMongo's webhook: signed over the raw body too (src/web/payments-webhook.ts).
  app.use(paymentsWebhookRouter(ctx));
  // Prometheus: a machine with a bearer token, no session, no CSRF, no page headers (src/web/metrics.ts).
  app.use(metricsRouter(ctx.config, opts.metrics));
}

/** What a browser's pages get: their security headers, gzip, the favicon and the static files. */
function useBrowserHeaders(app: Express): void {
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          formAction: ["'self'", 'http:', 'https:'], // the portal posts to the router's own login page
          upgradeInsecureRequests: null, // hotspot networks are plain HTTP
        },
      },
      hsts: false,
    }),
  );
  app.use(compress()); // gzip, except server-sent events (middleware/compress.ts)
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/public/favicon.svg'));
  app.use('/public', express.static(path.join(PROJECT_ROOT, 'public'), { maxAge: '1h', index: false }));
}

function healthOf(ctx: WebContext, opts: WebAppOptions, routerWarnings: () => RouterWarning[]) {
  return healthRoutes({
    router: ctx.router,
    simulated: ctx.simulated,
    db: opts.db,
    lastPollAt: opts.lastPollAt,
    warnings: routerWarnings,
    controller: opts.controller,
    safeMode: () => safeModeError(ctx.services.routerBinding),
    sites: async () =>
      (await ctx.services.sites.list())
        .filter((x) => !x.isDefault)
        .map((x) => ({
          name: x.name,
          connected: x.status.connected,
          lastPollAt: x.status.lastPollAt,
          error: x.status.error,
          needsRouter: needsRouterConnection(x),
        })),
  });
}

/** The admin's sessions, and what every page reads at render time (its nonce, the router's banners). */
function useSessions(
  app: Express,
  ctx: WebContext,
  opts: WebAppOptions,
  routerWarnings: () => RouterWarning[],
): KnexSessionStore {
  // A session's expiry is the cookie's, which express-session dates on the real time: with CLOCK_START (a shop
  // clock days away) the store compares it with the real time too, or every sign-in would be expired at once.
  const sessions = new KnexSessionStore(
    opts.db,
    ctx.config.clockStart === undefined ? ctx.clock : systemClock,
  );
  const cookieSecure = ctx.config.admin.cookieSecure;
  app.use(
    session({
      name: 'pisonet.sid',
      store: sessions,
      secret: opts.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: cookieSecure, maxAge: 12 * 3600 * 1000, path: '/' },
    }),
  );
  app.use((_req, res, next) => {
    res.locals.nonce = crypto.randomBytes(8).toString('hex');
    res.locals.simulated = ctx.simulated;
    // Read when the page renders (after a "Test router connection" re-check): views/partials/nav.ejs.
    res.locals.routerWarnings = routerWarnings;
    // The banners at the top of every admin page (views/partials/router-banner.ejs), read at render time too.
    res.locals.routerState = () => routerStateOf(ctx);
    next();
  });
  return sessions;
}

function mountAdmin(app: Express, ctx: WebContext, parseBodies: express.RequestHandler[]): void {
  // The shop settings another process saved (the terminal's `pisonet settings shop`) apply from the next admin
  // request, before the allow-list reads its own: the same zone on every page, not only after the next poll.
  app.use('/admin', (_req, _res, next) => void ctx.services.shopSettings.refresh().then(() => next(), next));
  // Admin: network allow-list first, then auth + CSRF (login page is public but still CSRF-protected).
  app.use(
    '/admin',
    adminAllowList(() => ctx.config.admin.allow),
  );
  mountAdminPublic(app, ctx);
  // Who is asking (session or token, the account read again on every request), then what its role may do
  // (src/domain/roles.ts), and only then the body and the CSRF check. A reseller's own vouchers only: where
  // each route loads the batch or voucher (src/web/admin/record-scope.ts).
  app.use(
    '/admin',
    requireAdmin(ctx.config.admin.apiToken, ctx.services.accounts),
    roleGuard,
    ...parseBodies,
    csrfProtection,
  );
  mountAdminApi(app, ctx);
  mountAdminPages(app, ctx);
}

const notFound: express.RequestHandler = (req, res) => {
  if (req.originalUrl.startsWith('/admin/api') || req.originalUrl.startsWith('/api/')) {
    return void res.status(404).json(errorJson(new AppError('NOT_FOUND', 'No such endpoint', 404)));
  }
  renderErrorPage(req, res, 404, 'This page does not exist.');
};

/** The addresses open before the admin's login (the form, logging out, a script's token). */
const PUBLIC_ADMIN = /^\/admin\/(?:login|logout|api\/tokens)\/?$/i;

/** Runs `handlers` except for the admin's addresses behind its login (they parse after the role gate). */
function unlessGatedAdmin(handlers: express.RequestHandler[]): express.RequestHandler {
  return (req, res, next) => {
    if (/^\/admin(?:\/|$)/i.test(req.path) && !PUBLIC_ADMIN.test(req.path)) return next();
    let i = 0;
    const step = (err?: unknown): void => {
      if (err || i === handlers.length) return next(err);
      handlers[i++](req, res, step);
    };
    step();
  };
}

// Mount points. Each face of the product lives in its own folder under src/web/.
function mountPortal(app: Express, ctx: WebContext): void {
  app.use(portalRouter(ctx)); // /portal, /api/portal/*
  app.use(routerLoginRouter(ctx)); // /hotspot/login.html, fetched by the router setup
  app.use(vendoPortalRouter(ctx)); // /api/portal/vendos, /api/portal/vendo/*
  app.use(payPortalRoutes(ctx)); // /portal/pay, /portal/pay/done, /portal/pay/cancel
}
function mountAdminPublic(app: Express, ctx: WebContext): void {
  app.use('/admin', loginRouter(ctx)); // /admin/login, /admin/logout (CSRF-protected itself)
  app.use('/admin', tokenRouter(ctx)); // /admin/api/tokens: a script's login
  // The RADIUS sites, for pages that word a voucher's presence on its router (a FreeRADIUS user there).
  const radiusIds = radiusSiteIdsOf(ctx.services.sites);
  app.use('/admin', (_req, res, next) => {
    radiusIds().then((ids) => {
      res.locals.radiusSiteIds = ids;
      next();
    }, next);
  });
}
function mountAdminApi(app: Express, ctx: WebContext): void {
  app.use('/admin/api', voucherApiRouter(ctx)); // vouchers, profiles
  app.use('/admin/api', chargeApiRouter(ctx)); // a sale on a running voucher voided
  app.use('/admin/api', bandwidthApiRouter(ctx)); // user-traffic, set/remove-bandwidth, queues
  app.use('/admin/api', vendoApiRouter(ctx)); // coin vendos, their ledger and collections
  app.use('/admin/api', adoptApiRouter(ctx)); // the router's own PPP secrets adopted (before `/subscribers/:id`)
  app.use('/admin/api', subscriberApiRouter(ctx)); // subscribers on monthly plans
  app.use('/admin/api', invoiceApiRouter(ctx)); // their invoices
  app.use('/admin/api', billingApiRouter(ctx)); // their usage per cycle, reports, payment voids
  app.use('/admin/api', siteApiRouter(ctx)); // sites: the routers, their connection and last read
  app.use('/admin/api', liveApiRouter(ctx)); // router-status, dashboard, events (pages that refresh themselves)
  app.use('/admin/api', routerApiRouter(ctx)); // router/traffic, router/presence (the Router pages' live parts)
  app.use('/admin/api', notifyApiRouter(ctx)); // notifications to the owner: settings, test, latest messages
  app.use('/admin/api', backupApiRouter(ctx)); // backups: list, make one, download
  app.use('/admin/api', paymentsApiRouter(ctx)); // online payments and their settings
  app.use('/admin/api', accountApiRouter(ctx)); // accounts, remittances, balances, shift sales, audit
}
function mountAdminPages(app: Express, ctx: WebContext): void {
  app.use('/admin', sheetRouter(ctx)); // printable voucher sheets, CSV export
  app.use('/admin', siteFilesRouter(ctx)); // a site's hotspot login page, to upload to its router
  app.use('/admin', adminPagesRouter(ctx)); // dashboard, vouchers, profiles, bandwidth, users, reports, settings
}
