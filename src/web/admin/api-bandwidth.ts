/**
 * Admin API for live bandwidth (mounted at /admin/api behind requireAdmin + CSRF). The JSON shapes are the
 * public contract of the original PisoNet scripts (`/user-traffic`, `/set-bandwidth`, `/remove-bandwidth`),
 * plus the extra fields the admin pages use. Errors go to the shared handler: `{success:false,error,code}`.
 */
import { createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { parseRate, formatBytes } from '../../domain/units';
import { ValidationError } from '../../domain/errors';
import { AppError } from '../../lib/errors';
import type { Actor, UserTraffic } from '../../services/types';
import type { WebContext } from '../context';

function actorOf(req: Request): Actor {
  return req.actor ?? { name: 'unknown', via: 'api' };
}

function field(req: Request, name: string): unknown {
  const body = req.body as Record<string, unknown> | undefined;
  return body && typeof body === 'object' ? body[name] : undefined;
}

function text(req: Request, name: string): string {
  const v = field(req, name);
  if (typeof v !== 'string' || v.trim() === '')
    throw new AppError('INVALID_INPUT', `${name}: missing; send it in the JSON body`, 400, name, {
      [name]: 'missing',
    });
  return v;
}

/** "1M", "512K" or a number of bits/s; zero would mean "unlimited" to RouterOS, so it is refused. */
function rate(req: Request, name: string): number {
  try {
    const n = parseRate(field(req, name), name);
    if (n <= 0) throw new ValidationError(name, 'must be more than zero, like 512K or 2M');
    return n;
  } catch (err) {
    if (err instanceof ValidationError)
      throw new AppError('INVALID_INPUT', err.message, 400, name, { [name]: err.problem });
    throw err;
  }
}

export function userJson(u: UserTraffic): Record<string, unknown> {
  return {
    user: u.user,
    mac: u.mac,
    ip: u.ip,
    bytes_in: u.bytesIn,
    bytes_out: u.bytesOut,
    bytes_in_formatted: formatBytes(u.bytesIn),
    bytes_out_formatted: formatBytes(u.bytesOut),
    rate_in: u.rateIn,
    rate_out: u.rateOut,
    max_limit: u.maxLimit,
    profile: u.profile,
    fup_state: u.fupState,
    limit_source: u.limitSource,
    remaining_seconds: u.remainingSeconds,
    connected: u.connected,
  };
}

export function bandwidthApiRouter(ctx: WebContext): Router {
  const r = Router();
  const bw = ctx.services.bandwidth;

  // Every open bandwidth page polls this every 10 s. The list itself is shared for a short while (the
  // live-users cache), so serialise each shared list once and let clients revalidate with its ETag.
  const bodies = new WeakMap<readonly UserTraffic[], { body: Buffer; etag: string }>();
  const serialised = (users: readonly UserTraffic[]) => {
    let out = bodies.get(users);
    if (!out) {
      const body = Buffer.from(JSON.stringify({ success: true, users: users.map(userJson) }));
      out = { body, etag: `W/"${createHash('sha1').update(body).digest('base64url')}"` };
      bodies.set(users, out);
    }
    return out;
  };

  r.get('/user-traffic', async (req, res) => {
    const { body, etag } = serialised(await bw.users());
    res.set('ETag', etag).set('Cache-Control', 'no-cache').type('application/json');
    if (req.fresh) return res.status(304).end();
    res.send(body);
  });

  r.post('/set-bandwidth', async (req, res) => {
    const mac = text(req, 'mac');
    const up = rate(req, 'upload');
    const down = rate(req, 'download');
    await bw.setLimit(mac, up, down, actorOf(req));
    res.json({ success: true });
  });

  r.post('/remove-bandwidth', async (req, res) => {
    await bw.removeLimit(text(req, 'mac'), actorOf(req));
    res.json({ success: true });
  });

  r.get('/queues', async (_req, res) => {
    res.json({ success: true, queues: await bw.queues() });
  });

  r.post('/users/:mac/kick', async (req, res) => {
    await bw.kick(String(req.params.mac), actorOf(req));
    res.json({ success: true });
  });

  return r;
}
