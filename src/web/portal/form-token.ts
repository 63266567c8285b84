import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { safeEqual } from '../middleware/auth';
import { cookieOf } from './device-proof';

/**
 * CSRF protection for the portal's form without a server session per phone: a double-submit token. The
 * form page sets a random httpOnly, SameSite=Lax cookie and repeats its value in a hidden field; a post is
 * accepted only when both match, which another site can neither read nor forge.
 */
const COOKIE = 'pisonet_portal';
const TOKEN_RE = /^[A-Za-z0-9_-]{32}$/;

function cookieToken(req: Request): string | undefined {
  const value = cookieOf(req, COOKIE);
  return value !== undefined && TOKEN_RE.test(value) ? value : undefined;
}

/** The token for this browser, issuing one (cookie) when it has none. */
export function portalFormToken(req: Request, res: Response): string {
  const existing = cookieToken(req) ?? (res.locals.portalFormToken as string | undefined);
  if (existing) return existing;
  const token = crypto.randomBytes(24).toString('base64url');
  // One token per page, however many forms it has (a code's, the Pay buttons').
  res.locals.portalFormToken = token;
  res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'lax', path: '/portal', maxAge: 24 * 3600 * 1000 });
  return token;
}

export function portalFormTokenValid(req: Request): boolean {
  const cookie = cookieToken(req);
  const sent = (req.body as Record<string, unknown> | undefined)?._csrf;
  return cookie !== undefined && typeof sent === 'string' && safeEqual(sent, cookie);
}
