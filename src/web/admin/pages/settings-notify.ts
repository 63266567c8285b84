/**
 * Settings → Notifications: Telegram and the webhook, what is sent, the test button and the latest messages
 * with their state on each channel. The notifications service owns the bounds (src/services/business/notify); this
 * page passes what was typed. A secret field left empty keeps the saved secret; its "remove" box resets it.
 */
import type { Request, Response, Router } from 'express';
import type { WebContext } from '../../context';
import {
  NOTIFY_FIELDS,
  SECRET_FIELDS,
  type Channel,
  type NotifyField,
  type NotifySettingsView,
  type OutboxView,
  type TestResult,
} from '../../../services/business/notify';
import { actorOf, field, flash, formFailure, type FieldErrors } from './common';

const LABELS: Record<NotifyField, string> = {
  telegram_token: 'Telegram bot token',
  telegram_chat_id: 'Telegram chat id',
  telegram_api_url: 'Telegram API address',
  webhook_url: 'webhook address',
  webhook_secret: 'webhook secret',
  router_down_seconds: 'router down after',
  daily_at: "day's sales at",
  low_stock: 'low stock below',
  language: 'language',
};

/** The form's values: the owner's own ('' where .env's applies); secrets are never put back in a page. */
export function notifyFormValues(view: NotifySettingsView): Record<string, string> {
  const own = (f: NotifyField, v: string | number | null) =>
    view.overridden.includes(f) ? (v === null ? 'off' : String(v)) : '';
  return {
    telegram_chat_id: own('telegram_chat_id', view.telegram_chat_id),
    telegram_api_url: own('telegram_api_url', view.telegram_api_url),
    webhook_url: own('webhook_url', view.webhook_url),
    router_down_seconds: own('router_down_seconds', view.router_down_seconds),
    daily_at: own('daily_at', view.daily_at),
    low_stock: own('low_stock', view.low_stock),
    language: own('language', view.language),
  };
}

/**
 * Of the channels set, those whose latest settled message in `messages` (newest first) failed for good: the
 * owner's alerts do not reach them there (`error`: the channel's own words).
 */
function failingChannels(channels: Channel[], messages: OutboxView[]) {
  return channels.flatMap((channel) => {
    for (const m of messages) {
      const c = m.channels.find((x) => x.channel === channel && x.state !== 'pending');
      if (!c) continue;
      if (c.state !== 'failed') return [];
      return [{ channel, error: c.error ?? 'refused', at: c.doneAt ?? m.createdAt }];
    }
    return [];
  });
}

export async function notifyPageFacts(ctx: WebContext, test?: TestResult[]) {
  const { notify } = ctx.services;
  const view = await notify.view();
  const messages = await notify.recent(15);
  return {
    view,
    messages,
    // A test that just went through on a channel says its settings work now: no red line beside the green one.
    failing: failingChannels(view.channels, messages).filter(
      (f) => !test?.some((t) => t.channel === f.channel && t.ok),
    ),
    test: test ?? null,
    // SMS to subscribers: on or off, the sender, what waits and the last failure
    // (src/services/subscriptions/sms).
    sms: await ctx.services.sms.status(),
  };
}

/**
 * A section's flash after a save: each field changed, saved or back to .env's value (`reset` may word that
 * otherwise), then `after`; "Nothing changed." when nothing did.
 */
export function savedText<F extends string>(
  changed: F[],
  view: { overridden: readonly F[] },
  labels: Record<F, string>,
  after: string,
  reset = (f: F) => `${labels[f]} back to .env's value`,
): string {
  if (!changed.length) return 'Nothing changed.';
  const said = changed.map((f) => (view.overridden.includes(f) ? `${labels[f]} saved` : reset(f)));
  return `${said.join('; ')}; ${after}`.replace(/^./, (c) => c.toUpperCase());
}

function saved(changed: NotifyField[], view: NotifySettingsView): string {
  const on = view.channels.length
    ? ` Notifications go to ${view.channels.map((c) => (c === 'telegram' ? 'Telegram' : 'the webhook')).join(' and ')}.`
    : ' No channel is complete yet: nothing is sent.';
  return savedText(changed, view, LABELS, `in effect now.${on}`);
}

/** Shows the Settings page again, with what a failed save sent and its problems. */
export type SettingsRender = (
  res: Response,
  extra?: {
    values?: Record<string, string>;
    errors?: FieldErrors;
    formError?: string;
    notifyTest?: TestResult[];
  },
  status?: number,
) => Promise<void>;

/** A field the post leaves out keeps its value (a script may send one of them). */
export function postedFields(body: Record<string, unknown>, fields: readonly string[]) {
  return Object.fromEntries(fields.filter((f) => body[f] !== undefined).map((f) => [f, field(body, f)]));
}

/**
 * Saves one section of the Settings page: `save` returns the flash, then back to the section (`#anchor`); a
 * refusal shows the page again with `shown` (what was typed) and the problems.
 */
export async function saveSection(
  req: Request,
  res: Response,
  render: SettingsRender,
  s: { anchor: string; shown: Record<string, string>; notSaved: string; save(): Promise<string> },
): Promise<void> {
  try {
    flash(req, 'ok', await s.save());
    res.redirect(303, `/admin/settings#${s.anchor}`);
  } catch (err) {
    const f = formFailure(err);
    await render(res, { values: s.shown, errors: f.fields, formError: s.notSaved }, f.status);
  }
}

/** POST /settings/notifications and /settings/notifications/test. */
export function notifySettingsRoutes(ctx: WebContext, router: Router, render: SettingsRender): void {
  const { notify } = ctx.services;
  router.post('/settings/notifications', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const typed: Record<string, string> = {};
    for (const f of NOTIFY_FIELDS) {
      if (body[f] === undefined) continue;
      if (SECRET_FIELDS.includes(f)) {
        // Not trimmed (a secret is what it is); empty keeps the saved one.
        const v = typeof body[f] === 'string' ? body[f] : '';
        if (v !== '') typed[f] = v;
      } else typed[f] = field(body, f);
    }
    for (const f of SECRET_FIELDS) if (field(body, `${f}_remove`) === '1') typed[f] = '';
    await saveSection(req, res, render, {
      anchor: 'notifications',
      shown: Object.fromEntries(
        Object.entries(typed).filter(([k]) => !SECRET_FIELDS.includes(k as NotifyField)),
      ),
      notSaved: 'The notification settings were not saved.',
      save: async () => saved(await notify.update(typed, actorOf(req)), await notify.view()),
    });
  });

  router.post('/settings/notifications/test', async (req: Request, res: Response) => {
    try {
      await render(res, { notifyTest: await notify.test(actorOf(req)) }, 200);
    } catch (err) {
      const f = formFailure(err);
      flash(req, 'error', f.message);
      res.redirect(303, '/admin/settings#notifications');
    }
  });
}
