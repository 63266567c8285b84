/**
 * Demo mode only: the owner sees a subscriber's side as its CPE would. The admin's subscriber page links to
 * `/admin/subscribers/:id/open-as`, which makes a signed link (an HMAC of the subscriber id and an expiry a few
 * minutes away, with the server's session secret) to `/portal/demo/as?t=…`. That route keeps the token in a cookie
 * of this browser, and from then on, until it expires, the portal takes this browser for the subscriber's CPE:
 * the one seam that says which subscriber a request comes from (`subscriberAtRequest`), which the account page
 * and the suspension page both ask, puts the token's subscriber where the PPPoE session's address would be. So the
 * account page opens as that subscriber's, and a suspended subscriber's browser gets the suspension page whatever
 * it asks for, as its CPE would.
 *
 * Outside demo mode, the link and the cookie are refused (403 DEMO_ONLY); a link that was altered or has expired
 * is refused with its reason (403 DEMO_LINK_INVALID, 410 DEMO_LINK_EXPIRED). Nothing here reads a router.
 */
import crypto from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { AppError } from '../../domain/errors';
import type { SubscriberView } from '../../services/subscriptions/subscribers/types';
import type { WebContext } from '../context';
import { safeEqual } from '../middleware/auth';
import { cookieOf, peerAddress } from './device-proof';

/** How long a demo link, and the browser's stand-in for the CPE it sets, last. */
export const DEMO_AS_MS = 5 * 60_000;
const COOKIE = 'pisonet_demo_as';
const TOKEN = /^(\d{1,15})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/;

const sign = (secret: string, text: string) =>
  crypto.createHmac('sha256', secret).update(`demo-as:${text}`).digest('base64url');

/** A link's token: the subscriber id, the expiry (ms) and their signature. */
export function demoAsToken(secret: string, subscriberId: number, now: number): string {
  const value = `${subscriberId}.${now + DEMO_AS_MS}`;
  return `${value}.${sign(secret, value)}`;
}

/** The subscriber id a token names, or why it is refused. */
function readDemoAsToken(
  token: string,
  secret: string,
  now: number,
): { id: number } | { refused: 'invalid' | 'expired' } {
  const m = TOKEN.exec(token);
  if (!m || !secret || !safeEqual(m[3], sign(secret, `${m[1]}.${m[2]}`))) return { refused: 'invalid' };
  if (Number(m[2]) <= now) return { refused: 'expired' };
  return { id: Number(m[1]) };
}

function demoOnly(ctx: WebContext): void {
  if (!ctx.simulated)
    throw new AppError(
      'DEMO_ONLY',
      'Opening the portal as a subscriber is for the demo only (no ROUTER_HOST set). A real subscriber signs in on /portal/account with their username and password.',
      403,
    );
}

function refusal(why: 'invalid' | 'expired'): AppError {
  return why === 'expired'
    ? new AppError(
        'DEMO_LINK_EXPIRED',
        'This demo link has expired (it lasts 5 minutes). Open the subscriber again from the admin.',
        410,
      )
    : new AppError(
        'DEMO_LINK_INVALID',
        'This demo link is not valid: it was changed or cut short. Open the subscriber again from the admin.',
        403,
      );
}

/** The subscriber id this browser stands in for: a valid, unexpired demo cookie in demo mode; else null. */
export function demoCpeOf(ctx: WebContext, req: Request): number | null {
  if (!ctx.simulated) return null;
  const token = cookieOf(req, COOKIE);
  if (!token) return null;
  const read = readDemoAsToken(token, ctx.deviceSecret ?? '', ctx.clock.now());
  return 'id' in read ? read.id : null;
}

/**
 * Which subscriber a request comes from, as its CPE's: the demo's stand-in (above), else whoever holds the
 * request's address in a PPPoE session (the subscriber service's `atAddress`, which throws when a router cannot
 * say). Null: nobody.
 */
export async function subscriberAtRequest(ctx: WebContext, req: Request): Promise<SubscriberView | null> {
  const demo = demoCpeOf(ctx, req);
  if (demo !== null) return ctx.services.subscribers.get(demo).catch(() => null);
  const address = peerAddress(req);
  return address ? ctx.services.subscribers.atAddress(address) : null;
}

/** The admin's link: a fresh token for subscriber `id` (demo only). */
export function demoAsLink(ctx: WebContext, id: number): string {
  demoOnly(ctx);
  return `/portal/demo/as?t=${demoAsToken(ctx.deviceSecret ?? '', id, ctx.clock.now())}`;
}

/** GET /portal/demo/as?t=…: this browser becomes the subscriber's CPE until the token expires. */
export function demoAsRoutes(ctx: WebContext, r: Router): void {
  r.get('/portal/demo/as', async (req: Request, res: Response) => {
    demoOnly(ctx);
    const token = typeof req.query.t === 'string' ? req.query.t : '';
    const now = ctx.clock.now();
    const read = readDemoAsToken(token, ctx.deviceSecret ?? '', now);
    if ('refused' in read) throw refusal(read.refused);
    const s = await ctx.services.subscribers.get(read.id);
    res.cookie(COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      maxAge: Math.max(0, Number(token.split('.')[1]) - now),
    });
    res.set('Cache-Control', 'no-store');
    // A suspended subscriber's CPE gets the suspension page whatever it opens; the others, their account page.
    res.redirect(303, s.status === 'suspended' ? '/' : '/portal/account');
  });
}

/** Ends this browser's stand-in (the account page's sign-out). */
export function forgetDemoCpe(res: Response): void {
  res.clearCookie(COOKIE, { path: '/' });
}
