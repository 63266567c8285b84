/**
 * The board's endpoints, /api/vendo/v1 (docs/vendo-protocol.md). Every request is signed over its exact bytes,
 * so this router reads the raw body itself (mounted before the app's JSON parser) and parses JSON only after
 * the signature is checked. Failed authentications are counted per address: past FAIL_LIMIT in a minute the
 * address is refused for a minute without checking anything (429).
 */
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import { formatRouterDuration } from '../../domain/units';
import { AppError } from '../../domain/errors';
import { errorJson, toAppError } from '../../lib/error-reply';
import type { AuthedVendo } from '../../services/shop/vendos/types';
import type { WebContext } from '../context';
import { sendJsonError } from '../middleware/errors';
import { peerAddress } from '../portal/device-proof';

const FAIL_LIMIT = 20;
const FAIL_WINDOW_MS = 60_000;
/** A long poll is held at most this long. */
const MAX_POLL_WAIT_SECONDS = 30;

declare module 'express-serve-static-core' {
  interface Request {
    vendo?: AuthedVendo;
  }
}

/** Failures per address in a sliding minute (in memory: a restart forgets, which an attacker cannot cause). */
class FailureLimiter {
  private readonly hits = new Map<string, { n: number; since: number; blockedUntil: number }>();
  blocked(key: string, now: number): number {
    const e = this.hits.get(key);
    return e && e.blockedUntil > now ? Math.ceil((e.blockedUntil - now) / 1000) : 0;
  }
  fail(key: string, now: number): void {
    if (this.hits.size > 10_000) this.hits.clear();
    const e = this.hits.get(key);
    if (!e || now - e.since > FAIL_WINDOW_MS) this.hits.set(key, { n: 1, since: now, blockedUntil: 0 });
    else if (++e.n >= FAIL_LIMIT) e.blockedUntil = now + FAIL_WINDOW_MS;
  }
}

function sendError(res: Response, err: unknown, ctx: WebContext): void {
  sendJsonError(res, err, ctx.log, 'vendo request');
}

export function vendoBoardRouter(ctx: WebContext): Router {
  const r = Router();
  const limiter = new FailureLimiter();
  r.use(express.raw({ type: () => true, limit: '4kb' }));
  r.use((req: Request, res: Response, next: NextFunction) => authenticate(ctx, limiter, req, res, next));
  r.get('/poll', (req, res) => poll(ctx, req, res));
  r.post('/coin', (req, res) => coin(ctx, req, res));
  r.use((_req, res) => {
    res.status(404).json(errorJson(new AppError('NOT_FOUND', 'No such endpoint', 404)));
  });
  return r;
}

/** Every request signed by a known vendo, or refused; an address past its failures is refused unchecked. */
async function authenticate(
  ctx: WebContext,
  limiter: FailureLimiter,
  req: Request,
  res: Response,
  next: NextFunction,
) {
  const ip = peerAddress(req) ?? req.socket.remoteAddress ?? 'unknown';
  const now = Date.now();
  const wait = limiter.blocked(ip, now);
  if (wait > 0) {
    res.set('Retry-After', String(wait));
    const message = `Too many failed requests; wait ${wait} second${wait === 1 ? '' : 's'}`;
    return sendError(res, new AppError('RATE_LIMITED', message, 429), ctx);
  }
  try {
    req.vendo = await ctx.services.vendos.authenticate({
      id: req.get('x-vendo-id') ?? '',
      timestamp: req.get('x-vendo-timestamp') ?? '',
      signature: req.get('x-vendo-signature') ?? '',
      method: req.method,
      path: req.originalUrl.split('?')[0],
      body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      ip: peerAddress(req),
    });
    next();
  } catch (err) {
    if (toAppError(err).code === 'VENDO_AUTH') {
      limiter.fail(ip, now);
      ctx.log.warn(
        { module: 'vendo', ip, id: (req.get('x-vendo-id') ?? '').slice(0, 32) },
        `vendo request refused: ${(err as Error).message}`,
      );
    }
    sendError(res, err, ctx);
  }
}

async function poll(ctx: WebContext, req: Request, res: Response) {
  const asked = Number(typeof req.query.wait === 'string' ? req.query.wait : 0);
  const wait = Number.isFinite(asked) ? Math.min(Math.max(asked, 0), MAX_POLL_WAIT_SECONDS) : 0;
  const hangUp = new AbortController();
  res.on('close', () => hangUp.abort());
  try {
    const p = await ctx.services.vendos.poll(req.vendo!, wait * 1000, hangUp.signal);
    if (res.writableEnded || res.destroyed) return;
    res.json(
      p.state === 'idle'
        ? { state: 'idle' }
        : { state: 'armed', session: p.session, expires_in: p.expiresIn, credit: (p.credit ?? 0) / 100 },
    );
  } catch (err) {
    sendError(res, err, ctx);
  }
}

async function coin(ctx: WebContext, req: Request, res: Response) {
  let body: unknown;
  try {
    body = JSON.parse((req.body as Buffer).toString('utf8'));
  } catch {
    return sendError(
      res,
      new AppError('INVALID_INPUT', 'The body must be JSON: {"session":…,"seq":…,"amount":…}', 400),
      ctx,
    );
  }
  try {
    const c = await ctx.services.vendos.coin(req.vendo!, body);
    res.json({
      success: true,
      credit: c.credit / 100,
      validity: formatRouterDuration(c.seconds),
      seconds: c.seconds,
      duplicate: c.duplicate,
      saved: c.saved,
    });
  } catch (err) {
    sendError(res, err, ctx);
  }
}
