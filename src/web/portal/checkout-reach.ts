/**
 * Can a phone not logged in yet reach the payment gateway's checkout? The portal's login page tries it
 * (public/js/portal-checkout-reach.js: a no-cors request with a timeout, nothing read back) and reports here;
 * the owner sees the last reports on the Payments page (src/services/shop/payments/checkout-reach.ts keeps them).
 * A report is a few fields from the portal's own page (its form token), one per address every 20 s, and only
 * while payments are on; anything else is refused and nothing is kept.
 */
import express, { Router, type Request, type Response } from 'express';
import { AppError, type ErrorCode } from '../../domain/errors';
import { normaliseMac, isMac } from '../../domain/network';
import { errorJson } from '../../lib/error-reply';
import { REACH_TIMEOUT_MS, REPORT_EVERY_MS } from '../../services/shop/payments/checkout-reach';
import type { WebContext } from '../context';
import { peerAddress } from './device-proof';
import { portalFormTokenValid } from './form-token';

export const CHECKOUT_REACH_PATH = '/portal/checkout-reach';
const FIELDS = new Set(['mac', 'reached', 'ms', '_csrf']);

/**
 * Lets the page's script connect to the checkout's origin (the CSP's default allows this controller only). An
 * origin is a URL's scheme, host and port, so it carries no `;` or space that could add a directive.
 */
export function allowConnectTo(res: Response, origin: string): void {
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp !== 'string' || /(^|;)\s*connect-src/.test(csp)) return;
  res.setHeader('Content-Security-Policy', `${csp};connect-src 'self' ${new URL(origin).origin}`);
}

/** The report's fields, or why it is refused. */
function readReport(
  body: unknown,
): { ok: true; mac: string | null; reached: boolean; ms: number } | { ok: false; why: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, why: 'not a report' };
  const b = body as Record<string, unknown>;
  if (Object.keys(b).some((k) => !FIELDS.has(k))) return { ok: false, why: 'unknown fields' };
  if (typeof b.reached !== 'boolean') return { ok: false, why: 'reached must be true or false' };
  const ms = b.ms;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > REACH_TIMEOUT_MS + 2000)
    return { ok: false, why: `ms must be a whole number from 0 to ${REACH_TIMEOUT_MS + 2000}` };
  const mac = b.mac ?? '';
  if (typeof mac !== 'string' || (mac !== '' && !isMac(mac)))
    return { ok: false, why: 'mac must be a MAC address or empty' };
  return { ok: true, mac: mac === '' ? null : normaliseMac(mac), reached: b.reached, ms };
}

export function checkoutReachRouter(ctx: WebContext): Router {
  const r = Router();
  const refuse = (res: Response, status: number, code: ErrorCode, message: string) =>
    res.status(status).json(errorJson(new AppError(code, message, status)));

  // Its own small parser, ahead of the app's 256 kB ones: a report is under 200 bytes.
  r.post(CHECKOUT_REACH_PATH, express.json({ limit: 512 }), async (req: Request, res: Response) => {
    const report = readReport(req.body);
    if (!report.ok) return refuse(res, 400, 'INVALID_INPUT', `Not a report: ${report.why}`);
    if (!portalFormTokenValid(req)) return refuse(res, 403, 'FORBIDDEN', 'Not sent from the portal page');
    const { payments } = ctx.services;
    if ((await payments.checkoutOrigin()) === null)
      return refuse(res, 409, 'PAYMENTS_OFF', 'Online payments are off: there is no checkout to reach');
    const { mac, reached, ms } = report;
    if (payments.reach.record({ mac, ip: peerAddress(req), reached, ms }) === 'too-soon') {
      res.setHeader('Retry-After', String(Math.ceil(REPORT_EVERY_MS / 1000)));
      return refuse(res, 429, 'RATE_LIMITED', 'One report every 20 seconds');
    }
    res.status(204).end();
  });
  return r;
}
