/**
 * Which device is asking. The portal's status tells a customer about their own voucher only; a MAC alone is
 * no proof (anyone on the same WiFi can see it). A device proves itself by a signed cookie set when it
 * redeemed a code from this browser, or by asking from the hotspot address the router gave that MAC.
 */
import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { clientIPv4, normaliseMac } from '../../domain/units';
import type { WebContext } from '../context';
import { safeEqual } from '../middleware/auth';

const COOKIE = 'pisonet_device';
const MAX_AGE_MS = 7 * 24 * 3600 * 1000;

function mac(value: string): string | null {
  try {
    return normaliseMac(value);
  } catch {
    return null;
  }
}

function sign(secret: string, text: string): string {
  return crypto.createHmac('sha256', secret).update(`device:${text}`).digest('base64url');
}

/** A cookie's value; one that is not valid percent-encoding (`%`, a phone's own garbage) is no cookie. */
export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The cookie's value for a device: its MAC and a signature only the controller can make. */
export function deviceCookieValue(secret: string, deviceMac: string): string | null {
  const m = mac(deviceMac);
  return m && secret ? `${m}.${sign(secret, m)}` : null;
}

/** After a redemption: this browser may see the device's status from now on. */
export function rememberDevice(res: Response, secret: string, deviceMac: string, secure: boolean): void {
  const value = deviceCookieValue(secret, deviceMac);
  if (!value) return;
  res.cookie(COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: MAX_AGE_MS,
    path: '/',
  });
}

/** The MAC this browser proved with its cookie, or null. */
export function provenDevice(req: Request, secret: string): string | null {
  const value = secret ? cookieOf(req, COOKIE) : undefined;
  const dot = value?.lastIndexOf('.') ?? -1;
  if (!value || dot < 0) return null;
  const m = mac(value.slice(0, dot));
  if (!m) return null;
  return safeEqual(value.slice(dot + 1), sign(secret, m)) ? m : null;
}

const BROWSER_COOKIE = 'pisonet_browser';
const BROWSER_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
const BROWSER_ID = /^[A-Za-z0-9_-]{16}$/;

/**
 * The browser's portal token: a random id the portal page gives each browser, signed so that only the
 * controller can make one. The wrong-code limits count a browser that kept it as its own asker
 * (src/services/shop/guess-limiter/index.ts); a neighbour behind the same address can neither read it (httpOnly) nor
 * forge it. Returns the id, or null when the browser sent none or a forged one.
 */
export function browserToken(req: Request, secret: string): string | null {
  const value = secret ? cookieOf(req, BROWSER_COOKIE) : undefined;
  const dot = value?.indexOf('.') ?? -1;
  if (!value || dot < 0) return null;
  const id = value.slice(0, dot);
  if (!BROWSER_ID.test(id)) return null;
  return safeEqual(value.slice(dot + 1), sign(secret, `browser:${id}`)) ? id : null;
}

/**
 * The browser's token, given one when it has none and the address it asks from may have another
 * (`mayMint`: the service's bound on new tokens per address, so throwing tokens away buys a guesser little).
 */
export async function ensureBrowserToken(
  req: Request,
  res: Response,
  secret: string,
  mayMint: (address: string | null) => Promise<boolean>,
  secure: boolean,
): Promise<string | null> {
  const existing = browserToken(req, secret);
  if (existing || !secret || !(await mayMint(peerAddress(req)))) return existing;
  const id = crypto.randomBytes(12).toString('base64url');
  res.cookie(BROWSER_COOKIE, `${id}.${sign(secret, `browser:${id}`)}`, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: BROWSER_MAX_AGE_MS,
    path: '/',
  });
  return id;
}

/** The TCP peer's IPv4 address (what the device's packets come from), or null. */
export function peerAddress(req: Request): string | null {
  const ip = req.socket.remoteAddress;
  return ip ? clientIPv4(ip) : null;
}

/** Whether the portal's cookies are marked secure: as configured, or (auto) when the request came over https. */
export function cookieSecure(ctx: WebContext, req: Request): boolean {
  return ctx.config.admin.cookieSecure === 'auto' ? req.secure : ctx.config.admin.cookieSecure;
}
