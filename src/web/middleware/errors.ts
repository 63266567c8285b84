import type { NextFunction, Request, Response } from 'express';
import { AppError, RateLimitedError } from '../../domain/errors';
import { errorJson, requestRefusal, toAppError } from '../../lib/error-reply';
import { maskCodesInUrl, type Logger } from '../../lib/logger';
import { csrfToken } from './auth';

const isApi = (req: Request) =>
  req.originalUrl.startsWith('/api/') ||
  req.originalUrl.startsWith('/admin/api') ||
  req.is('application/json') === 'application/json';

/** The longest request target we read; longer ones are refused with 414 before any route sees them. */
const MAX_URL_LENGTH = 8192;

/** 414 for a request target longer than MAX_URL_LENGTH: nothing we serve needs one. */
export function urlLengthLimit(req: Request, _res: Response, next: NextFunction) {
  if (req.originalUrl.length <= MAX_URL_LENGTH) return next();
  next(new AppError('URL_TOO_LONG', 'The address is too long', 414));
}

/**
 * Last-resort error rendering: JSON `{success:false,error,code,fields}` for APIs, an error page otherwise. Only
 * our own faults (status 500 and above) are logged as errors, with their stack; a malformed request is a debug line.
 */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = toAppError(err);
    const url = maskCodesInUrl(req.originalUrl.slice(0, 500));
    if (e.status >= 500)
      log.error({ err: (err as Error)?.message, stack: (err as Error)?.stack, url }, 'request failed');
    else if (requestRefusal(err)) log.debug({ code: e.code, url }, 'malformed request refused');
    if (res.headersSent) return;
    if (isApi(req)) return res.status(e.status).json(errorJson(e, { withFields: true }));
    return renderErrorPage(req, res, e.status, e.message);
  };
}

/**
 * A JSON API's answer to a failure it caught, through the one mapping: the status, `{success:false, error,
 * code}` (`message`: the text in the asker's language, when the caller has one) and Retry-After for a rate
 * limit. Only our own faults (500 INTERNAL) are logged, as `<what> failed`.
 */
export function sendJsonError(
  res: Response,
  err: unknown,
  log: Logger,
  what: string,
  message?: (e: AppError) => string,
): void {
  const e = toAppError(err);
  if (e.status >= 500 && e.code === 'INTERNAL') log.error({ err: (err as Error)?.message }, `${what} failed`);
  if (err instanceof RateLimitedError) res.set('Retry-After', String(err.retryAfterSeconds));
  res.status(e.status).json(errorJson(e, { message: message?.(e) }));
}

/** The heading an error page shows for a status. */
function errorTitle(status: number): string {
  if (status === 404) return 'Not found';
  if (status === 403) return 'Not allowed';
  if (status === 429) return 'Slow down';
  if (status === 503) return 'Router not reachable';
  return status < 500 ? 'Cannot do that' : 'Something went wrong';
}

/**
 * An error page. A logged-in owner under /admin gets it inside the admin layout (navigation, a link back to
 * the dashboard); anyone else under /admin a plain page pointing to the admin's login; everyone else (the
 * hotspot's customers) a plain page pointing to the portal.
 */
export function renderErrorPage(req: Request, res: Response, status: number, message: string): void {
  const underAdmin = req.originalUrl === '/admin' || req.originalUrl.startsWith('/admin/');
  const admin = req.session?.admin;
  if (underAdmin && admin) {
    res.status(status).render('admin/error', {
      status,
      message,
      heading: errorTitle(status),
      title: `Error ${status}`,
      nav: '',
      admin,
      csrfToken: res.locals.csrfToken ?? csrfToken(req),
      shopName: res.locals.shopName,
      flashes: [],
    });
    return;
  }
  res.status(status).render('error', {
    status,
    message,
    heading: errorTitle(status),
    back: underAdmin ? '/admin' : '/portal',
    backLabel: underAdmin ? 'Back to the admin' : 'Back to the start page',
  });
}
