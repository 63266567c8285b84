/**
 * The two ways a message leaves the controller, one adapter each: Telegram's Bot API (`POST
 * {base}/bot{token}/sendMessage` with `{chat_id, text}`, success = HTTP 200 with `{"ok":true}`; a 429 carries
 * `parameters.retry_after`, core.telegram.org/bots/api#making-requests) and a webhook (a JSON POST signed with
 * HMAC-SHA256 in `X-Pisonet-Signature`). Each answer is sorted into sent, "try again" (a timeout, a refused or
 * broken connection, 5xx, 429) and "refused for good" (any other 4xx), with the channel's own words. The bot
 * token is part of Telegram's URL: it is scrubbed from every error text, which is all that leaves this file.
 */
import crypto from 'node:crypto';
import { post, retryAfterHeader } from '../../../lib/http-post';
import type { NotifySettings } from './types';

export type SendOutcome =
  | { ok: true }
  | {
      ok: false;
      /** True: a later try may work; false: the channel refused this message for good. */
      retry: boolean;
      /** The channel asked us to wait this long (429). */
      retryAfterMs?: number;
      /** The channel's own words, or what went wrong on the way. */
      error: string;
    };

const REQUEST_TIMEOUT_MS = 10_000;

/** The webhook's body: a stable shape (docs/notifications.md). `id` is unique per message. */
interface WebhookBody {
  id: string;
  kind: string;
  site: string | null;
  /** When the message was written (ISO 8601, UTC). */
  at: string;
  text: string;
  data: Record<string, unknown>;
}

/** Lowercase hex HMAC-SHA256 of the exact body bytes. */
function signature(secret: string, body: string): string {
  return crypto.createHmac('sha256', secret).update(body, 'utf8').digest('hex');
}

/** Sorts an HTTP answer that is not a success. */
function failure(status: number, words: string, retryAfterMs?: number): SendOutcome {
  if (status === 429) return { ok: false, retry: true, retryAfterMs, error: words };
  if (status >= 500) return { ok: false, retry: true, error: words };
  return { ok: false, retry: false, error: words };
}

export async function sendTelegram(
  s: Pick<NotifySettings, 'telegramApiUrl' | 'telegramToken' | 'telegramChatId'>,
  text: string,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<SendOutcome> {
  const scrub = (t: string) => (s.telegramToken ? t.split(s.telegramToken).join('[token]') : t);
  const chat = /^-?\d+$/.test(s.telegramChatId) ? Number(s.telegramChatId) : s.telegramChatId;
  // Telegram takes at most 4096 characters of text.
  const body = JSON.stringify({ chat_id: chat, text: text.slice(0, 4096) });
  const res = await post(`${s.telegramApiUrl}/bot${s.telegramToken}/sendMessage`, body, {}, timeoutMs);
  if ('error' in res) return { ok: false, retry: true, error: scrub(res.error) };
  let json: { ok?: boolean; description?: string; parameters?: { retry_after?: number } } = {};
  try {
    json = (JSON.parse(res.text) as typeof json | null) ?? {};
  } catch {
    json = {};
  }
  if (res.status === 200 && json.ok === true) return { ok: true };
  const words = scrub(
    typeof json.description === 'string' && json.description
      ? `${json.description} (HTTP ${res.status})`
      : `HTTP ${res.status} from ${s.telegramApiUrl}${res.status === 200 ? ', not a Bot API answer' : ''}`,
  );
  if (res.status === 200) return { ok: false, retry: true, error: words };
  const after = json.parameters?.retry_after;
  return failure(
    res.status,
    words,
    typeof after === 'number' && after >= 0 ? after * 1000 : retryAfterHeader(res.headers),
  );
}

export async function sendWebhook(
  s: Pick<NotifySettings, 'webhookUrl' | 'webhookSecret'>,
  message: WebhookBody,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<SendOutcome> {
  const body = JSON.stringify(message);
  const res = await post(
    s.webhookUrl,
    body,
    { 'x-pisonet-signature': signature(s.webhookSecret, body), 'x-pisonet-id': message.id },
    timeoutMs,
  );
  if ('error' in res) return { ok: false, retry: true, error: res.error };
  if (res.status >= 200 && res.status < 300) return { ok: true };
  if (res.status >= 300 && res.status < 400)
    return {
      ok: false,
      retry: false,
      error: `HTTP ${res.status}: the address redirects${res.headers.get('location') ? ` to ${res.headers.get('location')}` : ''}; set the final address`,
    };
  const said = res.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return failure(res.status, `HTTP ${res.status}${said ? `: ${said}` : ''}`, retryAfterHeader(res.headers));
}
