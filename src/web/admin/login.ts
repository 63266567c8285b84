import { Router, Request, Response } from 'express';
import type { WebContext } from '../context';
import { csrfProtection } from '../middleware/auth';

/** `?next=` may only send the owner to a local admin page (no open redirect to another site). */
export function safeNext(next: unknown): string {
  if (typeof next !== 'string' || next.length > 500) return '/admin';
  if (!/^\/admin(?:[/?#]|$)/.test(next) || /[\\\s]/.test(next) || next.includes('//')) return '/admin';
  if (/^\/admin\/(?:login|logout)\b/.test(next)) return '/admin';
  return next;
}

/** `5 seconds`, `15 minutes`: the wait rounded up, in the unit a person would say. */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * /admin/login and /admin/logout. Mounted before requireAdmin, so CSRF is applied here, per route (a
 * router-wide `use` would also catch bearer API calls that pass through this router).
 */
export function loginRouter(ctx: WebContext): Router {
  const router = Router();
  router.get('/login', csrfProtection, async (req, res) => {
    if (req.session.admin) return res.redirect(303, safeNext(req.query.next));
    await show(ctx, req, res, 200);
  });
  router.post('/login', csrfProtection, (req, res) => logIn(ctx, req, res));
  router.post('/logout', csrfProtection, (req, res) => {
    req.session.destroy(() => {
      res.clearCookie('pisonet.sid', { path: '/' });
      res.redirect(303, '/admin/login');
    });
  });
  return router;
}

async function show(
  ctx: WebContext,
  req: Request,
  res: Response,
  status: number,
  extra: Record<string, unknown> = {},
) {
  const noAccount = !(await ctx.services.admins.hasAccount());
  res.status(status).render('admin/login', {
    title: 'Log in',
    next: safeNext(req.body?.next ?? req.query.next),
    username: '',
    error: null,
    noAccount,
    ...extra,
  });
}

async function logIn(ctx: WebContext, req: Request, res: Response) {
  const username = typeof req.body?.username === 'string' ? req.body.username.trim().slice(0, 64) : '';
  const password = typeof req.body?.password === 'string' ? req.body.password : '';
  const ip = req.socket.remoteAddress ?? 'unknown';
  // The try is counted before the (slow) password check, so requests sent together cannot all reach it.
  const attempt = await ctx.services.loginDelays.begin(username, ip);
  if (!attempt.ok) {
    res.set('Retry-After', String(attempt.waitSeconds));
    return show(ctx, req, res, 429, {
      username,
      error: `Too many wrong passwords. Wait ${waitText(attempt.waitSeconds)} and try again.`,
    });
  }
  if (!username || !password || !(await ctx.services.admins.verify(username, password))) {
    ctx.log.warn({ module: 'admin', ip }, 'admin login failed');
    // Past the free wrong passwords (three per name and address, twenty per address across names), the answer
    // says how long to wait before the next try.
    if (attempt.waitIfWrong > 0) {
      res.set('Retry-After', String(attempt.waitIfWrong));
      return show(ctx, req, res, 429, {
        username,
        error: `Wrong username or password. Wait ${waitText(attempt.waitIfWrong)} before the next try.`,
      });
    }
    return show(ctx, req, res, 401, { username, error: 'Wrong username or password.' });
  }
  await ctx.services.loginDelays.succeeded(attempt);
  await startSession(ctx, req, res, username, ip);
}

/** A new session id at login, so an id planted before login (session fixation) is worthless. */
async function startSession(ctx: WebContext, req: Request, res: Response, username: string, ip: string) {
  const account = await ctx.services.accounts.find(username);
  const next = safeNext(req.body?.next);
  const failed = () =>
    void res.status(500).render('error', { status: 500, message: 'Could not start a session; try again.' });
  req.session.regenerate((err) => {
    if (err) return failed();
    req.session.admin = {
      username,
      loggedInAt: ctx.clock.now(),
      accountId: account?.id,
      stamp: account?.stamp,
    };
    req.session.save((saveErr) => {
      if (saveErr) return failed();
      ctx.log.info({ module: 'admin', ip }, `admin "${username}" logged in`);
      res.redirect(303, next);
    });
  });
}
