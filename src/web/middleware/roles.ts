/**
 * The one gate every admin request passes after it is authenticated and before anything else reads it (CSRF,
 * the body, the routes and their 404s): the role's rights from the table in src/domain/roles.ts. Refused: 403
 * FORBIDDEN_ROLE in the API, a 403 page for the pages and forms. It also gives the pages the role's menu.
 * Whose a batch or a voucher is, is decided where the route loads it (src/web/admin/record-scope.ts), on the
 * record itself: a gate on the address would miss every other spelling of the same record.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../domain/errors';
import { capabilityFor, menuFor, roleHas, type Capability, type Role } from '../../domain/roles';
import { errorJson } from '../../lib/error-reply';
import { renderErrorPage } from './errors';

const wantsJson = (req: Request) =>
  req.originalUrl.startsWith('/admin/api') || req.accepts(['html', 'json']) === 'json';

const ROLE_WORDS: Record<Role, string> = { owner: 'the owner', cashier: 'a cashier', reseller: 'a reseller' };

export function forbiddenRole(role: Role, what = 'this'): AppError {
  return new AppError(
    'FORBIDDEN_ROLE',
    `Only the owner may use ${what}; this account is ${ROLE_WORDS[role]}`,
    403,
  );
}

export function refuse(req: Request, res: Response, err: AppError): void {
  if (wantsJson(req)) {
    res.status(err.status).json(errorJson(err));
    return;
  }
  renderErrorPage(req, res, err.status, err.message);
}

/** Mounted at /admin after requireAdmin: `req.path` is the path under /admin. */
export function roleGuard(req: Request, res: Response, next: NextFunction): void {
  const role: Role = req.role ?? 'owner';
  res.locals.role = role;
  res.locals.menu = menuFor(role);
  // For the pages: show a button only to a role that may use it (`can('vouchers.sell')`).
  res.locals.can = (capability: Capability) => role === 'owner' || roleHas(role, capability);
  if (role === 'owner' || roleHas(role, capabilityFor(req.method, req.path))) return next();
  refuse(req, res, forbiddenRole(role, 'this page'));
}

/** The account whose vouchers a list shows: a reseller's own; undefined: everyone's. */
export const ownVouchersOf = (req: Request): number | undefined =>
  req.actor?.account?.role === 'reseller' ? req.actor.account.id : undefined;
