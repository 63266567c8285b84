import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Actor, AccountService, AccountView } from '../../services/types';
import type { Role } from '../../domain/roles';
import { ipInCidrs } from '../../domain/network';
import { AppError } from '../../domain/errors';
import { errorJson } from '../../lib/error-reply';

declare module 'express-session' {
  interface SessionData {
    /**
     * accountId: the login's row, so a removed account's session ends even if its name is taken again; stamp:
     * its password and role at login (AccountView.stamp), so a new password or role ends the session.
     */
    admin?: { username: string; loggedInAt: number; accountId?: number; stamp?: string };
    csrf?: string;
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by requireAdmin: who is acting, for the audit log. */
    actor?: Actor;
    /** true when authenticated by the API bearer token (no cookies, so CSRF does not apply). */
    viaBearer?: boolean;
    /** Set by requireAdmin: the role whose rights this request has (src/domain/roles.ts). */
    role?: Role;
  }
}

export function safeEqual(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

const unauthenticated = (message: string) => new AppError('UNAUTHENTICATED', message, 401);

const wantsJson = (req: Request) =>
  req.originalUrl.startsWith('/admin/api') ||
  req.originalUrl.startsWith('/api/') ||
  req.accepts(['html', 'json']) === 'json';

/** What requireAdmin needs of the accounts (src/services/shop/accounts/index.ts). */
type AccountLookup = Pick<AccountService, 'find' | 'byToken'>;

function actingAccount(a: AccountView): Actor['account'] {
  if (a.role === 'owner') return undefined;
  return {
    id: a.id,
    role: a.role,
    profiles: a.profiles,
    commissionBp: a.commissionBp,
    creditLimit: a.creditLimit,
  };
}

/**
 * Admin authentication: the admin session cookie, `Authorization: Bearer $ADMIN_API_TOKEN` (the owner, named
 * `api-token` in the audit log), or a token an account asked for (POST /admin/api/tokens; that account).
 * The account behind a session or a token is read on every request, so a removed account, or one given a new
 * password or role, stops at once.
 * Unauthenticated API calls get 401 JSON (never a redirect page); pages redirect to the login form.
 */
export function requireAdmin(apiToken: string | undefined, accounts: AccountLookup) {
  return (req: Request, res: Response, next: NextFunction) => {
    authenticate(req, res, apiToken, accounts).then((ok) => {
      if (ok) next();
    }, next);
  };
}

async function authenticate(
  req: Request,
  res: Response,
  apiToken: string | undefined,
  accounts: AccountLookup,
): Promise<boolean> {
  const auth = req.get('authorization');
  if (auth !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(auth);
    const token = m?.[1].trim();
    if (apiToken && token && safeEqual(token, apiToken)) {
      req.actor = { name: 'api-token', via: 'api' };
      req.role = 'owner';
      req.viaBearer = true;
      return true;
    }
    const account = token ? await accounts.byToken(token) : undefined;
    if (account) {
      req.actor = { name: account.username, via: 'api', account: actingAccount(account) };
      req.role = account.role;
      req.viaBearer = true;
      return true;
    }
    res.status(401).json(errorJson(unauthenticated('Invalid or missing API token')));
    return false;
  }
  const admin = req.session?.admin;
  if (admin) {
    const account = await accounts.find(admin.username);
    // Gone, removed and made again under the same name, or given a new password or role since this login: the
    // session ends (a session from before stamps existed too: it logs in once more).
    if (account && admin.accountId === account.id && admin.stamp === account.stamp) {
      req.actor = { name: account.username, via: 'admin', account: actingAccount(account) };
      req.role = account.role;
      return true;
    }
    delete req.session.admin;
  }
  if (wantsJson(req)) {
    res.status(401).json(errorJson(unauthenticated('Log in to the admin first')));
    return false;
  }
  const nextUrl = req.originalUrl.startsWith('/admin') ? req.originalUrl : '/admin';
  res.redirect(303, `/admin/login?next=${encodeURIComponent(nextUrl)}`);
  return false;
}

/** Issues (once per session) the CSRF token forms embed as `_csrf` and scripts send as `X-CSRF-Token`. */
export function csrfToken(req: Request): string {
  if (!req.session.csrf) req.session.csrf = crypto.randomBytes(24).toString('base64url');
  return req.session.csrf;
}

/**
 * Synchronizer-token CSRF check on every state-changing request made with the session cookie.
 * Bearer-token requests carry no ambient credentials, so they are exempt.
 */
export function csrfProtection(req: Request, res: Response, next: NextFunction) {
  res.locals.csrfToken = csrfToken(req);
  if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || req.viaBearer) return next();
  const sent =
    (req.body && typeof req.body === 'object' && typeof req.body._csrf === 'string'
      ? req.body._csrf
      : undefined) ?? req.get('x-csrf-token');
  if (typeof sent === 'string' && req.session.csrf && safeEqual(sent, req.session.csrf)) return next();
  if (wantsJson(req) || req.is('application/json')) {
    return res.status(403).json({
      success: false,
      error: 'The form expired or was not sent from this site; reload and try again',
      code: 'CSRF',
    });
  }
  return res.status(403).render('error', {
    status: 403,
    message: 'The form expired or was not sent from this site. Go back, reload the page and try again.',
  });
}

/**
 * ADMIN_ALLOW (or the list set in Settings): only these networks may reach /admin (customers on the hotspot network may not).
 * Uses the TCP peer address: we do not trust X-Forwarded-For unless a proxy is configured.
 */
export function adminAllowList(allowed: () => readonly string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    // Read per request: the owner may change the list in Settings (src/services/business/settings/shop.ts).
    const cidrs = allowed();
    if (cidrs.length === 0) return next();
    const ip = req.socket.remoteAddress ?? '';
    if (ipInCidrs(ip, cidrs)) return next();
    if (wantsJson(req))
      return res.status(403).json({
        success: false,
        error: 'The admin is not available from this network',
        code: 'FORBIDDEN_NETWORK',
      });
    return res.status(403).type('text/plain').send('The admin is not available from this network.');
  };
}
