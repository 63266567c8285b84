import type { NextFunction, Request, Response } from 'express';
import { toAppError } from '../../lib/errors';
import { maskCodesInUrl, type Logger } from '../../lib/logger';

const isApi = (req: Request) =>
  req.originalUrl.startsWith('/api/') ||
  req.originalUrl.startsWith('/admin/api') ||
  req.is('application/json') === 'application/json';

/** Last-resort error rendering: JSON `{success:false,error,code}` for APIs, an error page otherwise. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // Malformed JSON bodies from express.json()
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      return res
        .status(400)
        .json({ success: false, error: 'The request body is not valid JSON', code: 'INVALID_JSON' });
    }
    if ((err as { type?: string }).type === 'entity.too.large') {
      return res
        .status(413)
        .json({ success: false, error: 'The request body is too large', code: 'TOO_LARGE' });
    }
    const e = toAppError(err);
    if (e.status >= 500)
      log.error(
        { err: (err as Error).message, stack: (err as Error).stack, url: maskCodesInUrl(req.originalUrl) },
        'request failed',
      );
    if (res.headersSent) return;
    if (isApi(req)) {
      return res
        .status(e.status)
        .json({ success: false, error: e.message, code: e.code, ...(e.fields ? { fields: e.fields } : {}) });
    }
    return res.status(e.status).render('error', { status: e.status, message: e.message });
  };
}
