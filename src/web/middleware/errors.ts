import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../../domain/errors';
import { toAppError } from '../../lib/error-reply';
import { maskCodesInUrl, type Logger } from '../../lib/logger';
import { csrfToken } from './auth';

const isApi = (req: Request) =>
  req.originalUrl.startsWith('/api/') ||
  req.originalUrl.startsWith('/admin/api') ||
  req.is('application/json') === 'application/json';

/** The longest request target we read; longer ones are refused with 414 before any route sees them. */
export const MAX_URL_LENGTH = 8192;

/**
 * The body parsers' refusals (by their `type`), in our words. They are the client's fault, so they are answered
 * with a 4xx and a short message and never reach the error log: anyone can send them, as often as they like.
 */
const BODY_ERRORS: Record<string, () => AppError> = {
  'entity.parse.failed': () => new AppError('INVALID_JSON', 'The request body is not valid JSON', 400),
  'entity.too.large': () => new AppError('TOO_LARGE', 'The request body is too large (at most 256 kB)', 413),
  'parameters.too.many': () =>
    new AppError('TOO_MANY_FIELDS', 'The form has too many fields (at most 1,000)', 413),
  'charset.unsupported': () =>
    new AppError('UNSUPPORTED_BODY', 'The request body must be sent in UTF-8', 415),
  'encoding.unsupported': () =>
    new AppError('UNSUPPORTED_BODY', 'The request body is compressed in a way we do not read', 415),
  'request.aborted': () => new AppError('BAD_REQUEST', 'The request body was cut off', 400),
  'request.size.invalid': () =>
    new AppError('BAD_REQUEST', 'The request body does not match its Content-Length', 400),
};

/**
 * A malformed request, as an AppError with a 4xx status; undefined for anything else. Besides the body
 * parsers' errors: a `%` escape that does not decode in a route parameter (Express's router throws a URIError
 * marked 400), and any other error a library marks as the client's (http-errors with a 4xx status).
 */
export function badRequest(err: unknown): AppError | undefined {
  if (err instanceof AppError) return undefined;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown } | null;
  if (typeof e !== 'object' || e === null) return undefined;
  if (typeof e.type === 'string' && Object.hasOwn(BODY_ERRORS, e.type)) return BODY_ERRORS[e.type]();
  if (err instanceof URIError) return new AppError('BAD_URL', 'The address has a malformed % escape', 400);
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose === true)
    return new AppError('BAD_REQUEST', 'The request is malformed', status);
  return undefined;
}

/** 414 for a request target longer than MAX_URL_LENGTH: nothing we serve needs one. */
export function urlLengthLimit(req: Request, _res: Response, next: NextFunction) {
  if (req.originalUrl.length <= MAX_URL_LENGTH) return next();
  next(new AppError('URL_TOO_LONG', 'The address is too long', 414));
}

/**
 * Last-resort error rendering: JSON `{success:false,error,code}` for APIs, an error page otherwise. Only our
 * own faults (status 500 and above) are logged as errors, with their stack; a client's mistake is a debug line.
 */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const bad = badRequest(err);
    const e = bad ?? toAppError(err);
    const url = maskCodesInUrl(req.originalUrl.slice(0, 500));
    if (e.status >= 500)
      log.error({ err: (err as Error)?.message, stack: (err as Error)?.stack, url }, 'request failed');
    else if (bad) log.debug({ code: e.code, url }, 'malformed request refused');
    if (res.headersSent) return;
    if (isApi(req)) {
      return res
        .status(e.status)
        .json({ success: false, error: e.message, code: e.code, ...(e.fields ? { fields: e.fields } : {}) });
    }
    return renderErrorPage(req, res, e.status, e.message);
  };
}

/** The heading an error page shows for a status. */
export function errorTitle(status: number): string {
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
