/**
 * Admin JSON API for notifications to the owner (auth and CSRF as for every /admin/api route). The bot token
 * and the webhook secret are accepted, never answered: replies say `telegram_token_set` and
 * `webhook_secret_set`. Times ISO-8601.
 */
import { Router, type Request } from 'express';
import type { OutboxView } from '../../services/business/notify/types';
import type { WebContext } from '../context';
import { actorOf, iso } from './api-common';

function messageJson(m: OutboxView) {
  return {
    id: m.id,
    kind: m.kind,
    site: m.site,
    text: m.text,
    created_at: iso(m.createdAt),
    channels: m.channels.map((c) => ({
      channel: c.channel,
      state: c.state,
      attempts: c.attempts,
      error: c.error,
      done_at: iso(c.doneAt),
      next_try_at: iso(c.nextAt),
    })),
  };
}

export function notifyApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { notify } = ctx.services;
  const limitOf = (req: Request) => {
    const n = Number(typeof req.query.limit === 'string' ? req.query.limit : 20);
    return Number.isInteger(n) && n >= 1 && n <= 500 ? n : 20;
  };

  r.get('/notifications', async (req, res) => {
    res.json({
      success: true,
      settings: await notify.view(),
      messages: (await notify.recent(limitOf(req))).map(messageJson),
    });
  });
  // Every given field is checked (400 naming each bad one); '' resets a field to .env's value.
  r.put('/notifications', async (req, res) => {
    const changed = await notify.update((req.body ?? {}) as Record<string, unknown>, actorOf(req));
    res.json({ success: true, changed, settings: await notify.view() });
  });
  r.post('/notifications/test', async (req, res) => {
    const results = await notify.test(actorOf(req));
    res.json({ success: results.every((x) => x.ok), results });
  });
  r.get('/notifications/messages', async (req, res) => {
    res.json({ success: true, messages: (await notify.recent(limitOf(req))).map(messageJson) });
  });
  return r;
}
