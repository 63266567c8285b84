/**
 * The one gate every admin request passes after it is authenticated and before anything else reads it (CSRF,
 * the body, the routes and their 404s): the role's rights from the table in src/domain/roles.ts. Refused: 403
 * FORBIDDEN_ROLE in the API, a 403 page for the pages and forms. It also gives the pages the role's menu,
 * and keeps a reseller to its own vouchers: another account's code or batch is 404, as if it did not exist.
 */
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../domain/errors';
import { capabilityFor, menuFor, roleHas, type Capability, type Role } from '../../domain/roles';
import { errorJson } from '../../lib/error-reply';
import type { AccountService } from '../../services/types';
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

const CODE_PATH = /^(?:\/api)?\/vouchers\/(?!batches\/|export\.csv$|generate$)([^/]+)(?:\/.*)?$/;
const BATCH_PATH = /^\/vouchers\/batches\/(\d{1,9})(?:\/.*)?$/;

/** A reseller's requests for one voucher or batch: another account's answer 404, as an unknown one does. */
export function resellerScope(accounts: Pick<AccountService, 'ownsVoucher' | 'ownsBatch'>) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const account = req.actor?.account;
    if (account?.role !== 'reseller') return next();
    const code = CODE_PATH.exec(req.path);
    const batch = BATCH_PATH.exec(req.path);
    if (!code && !batch) return next();
    let key = '';
    try {
      key = code ? decodeURIComponent(code[1]) : '';
    } catch {
      key = ''; // a malformed escape finds no voucher
    }
    const owned = code
      ? accounts.ownsVoucher(account.id, key)
      : accounts.ownsBatch(account.id, Number(batch![1]));
    owned.then((yes) => {
      if (yes) return next();
      refuse(
        req,
        res,
        code
          ? new AppError('VOUCHER_NOT_FOUND', 'No voucher with that code', 404, 'code')
          : new AppError('BATCH_NOT_FOUND', 'No such batch', 404),
      );
    }, next);
  };
}

/** The account whose vouchers a list shows: a reseller's own; undefined: everyone's. */
export const ownVouchersOf = (req: Request): number | undefined =>
  req.actor?.account?.role === 'reseller' ? req.actor.account.id : undefined;
