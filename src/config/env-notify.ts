/**
 * The notification variables of `.env` (src/services/business/notify): off until a channel is set. Read beside the rest
 * of the environment (env.ts), their problems listed with the others. The bot token and the webhook secret are
 * never echoed: describeNotifyConfig masks them.
 */
import { isHttpUrl } from '../domain/network';

export interface NotifyConfig {
  telegramToken?: string;
  telegramChatId: string;
  /** Without a trailing slash. */
  telegramApiUrl: string;
  webhookUrl: string;
  webhookSecret?: string;
  routerDownSeconds: number;
  /** `HH:MM` shop time, or `off`. */
  dailyAt: string;
  /** Alert when a profile's unused vouchers fall below this; undefined = off. */
  lowStock?: number;
  language: NotifyLanguage;
}

export type NotifyLanguage = 'en' | 'fil';
export const NOTIFY_LANGUAGES: readonly NotifyLanguage[] = ['en', 'fil'];

/** A bot token as BotFather gives it: the bot's id, a colon, then its secret. */
export const TELEGRAM_TOKEN = /^\d{1,20}:[A-Za-z0-9_-]{20,80}$/;
/** A chat's id (a group's is negative) or a public channel's @name. */
export const TELEGRAM_CHAT = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/;
/** A daily time, 24-hour: `21:00`, `7:30`. */
export const DAILY_TIME = /^([01]?\d|2[0-3]):([0-5]\d)$/;
export const ROUTER_DOWN_BOUNDS = { min: 10, max: 86400 } as const;
export const LOW_STOCK_BOUNDS = { min: 1, max: 100000 } as const;
export const WEBHOOK_SECRET_MIN = 16;

const text = (v: string | undefined) => (v === undefined ? '' : v.trim());

function whole(
  name: string,
  raw: string | undefined,
  bounds: { min: number; max: number },
  problems: string[],
): number | undefined {
  const t = text(raw);
  if (t === '') return undefined;
  const n = /^\d{1,9}$/.test(t) ? Number(t) : NaN;
  if (!(n >= bounds.min && n <= bounds.max)) {
    problems.push(`${name} must be a whole number from ${bounds.min} to ${bounds.max} (got "${raw}")`);
    return undefined;
  }
  return n;
}

/** Reads the NOTIFY_* and TELEGRAM_* variables; every problem is pushed to `problems`. */
export function readNotifyEnv(env: NodeJS.ProcessEnv, problems: string[]): NotifyConfig {
  const token = text(env.TELEGRAM_BOT_TOKEN);
  if (token && !TELEGRAM_TOKEN.test(token))
    problems.push(
      'TELEGRAM_BOT_TOKEN must be the token BotFather gave, like 123456789:AAH… (digits, a colon, then letters)',
    );
  const chat = text(env.TELEGRAM_CHAT_ID);
  if (chat && !TELEGRAM_CHAT.test(chat))
    problems.push(
      `TELEGRAM_CHAT_ID must be a chat id like 123456789 or -1001234567890, or a channel like @myshop (got "${chat}")`,
    );
  const api = text(env.TELEGRAM_API_URL) || 'https://api.telegram.org';
  if (!isHttpUrl(api))
    problems.push(`TELEGRAM_API_URL must be an http:// or https:// address like https://api.telegram.org`);
  const hook = text(env.NOTIFY_WEBHOOK_URL);
  if (hook && !isHttpUrl(hook))
    problems.push(
      'NOTIFY_WEBHOOK_URL must be an http:// or https:// address like https://example.com/pisonet (no user or password in it)',
    );
  const secret = env.NOTIFY_WEBHOOK_SECRET ? env.NOTIFY_WEBHOOK_SECRET : undefined;
  if (secret !== undefined && secret.length < WEBHOOK_SECRET_MIN)
    problems.push(`NOTIFY_WEBHOOK_SECRET must be at least ${WEBHOOK_SECRET_MIN} characters`);
  const daily = text(env.NOTIFY_DAILY_AT).toLowerCase() || '21:00';
  if (daily !== 'off' && !DAILY_TIME.test(daily))
    problems.push(`NOTIFY_DAILY_AT must be a time like 21:00 (24-hour, shop time) or off (got "${daily}")`);
  const language = text(env.NOTIFY_LANGUAGE) || 'en';
  if (!NOTIFY_LANGUAGES.includes(language as NotifyLanguage))
    problems.push(`NOTIFY_LANGUAGE must be en (English) or fil (Filipino) (got "${language}")`);
  return {
    telegramToken: token || undefined,
    telegramChatId: chat,
    telegramApiUrl: api.replace(/\/+$/, ''),
    webhookUrl: hook,
    webhookSecret: secret,
    routerDownSeconds:
      whole('NOTIFY_ROUTER_DOWN_SECONDS', env.NOTIFY_ROUTER_DOWN_SECONDS, ROUTER_DOWN_BOUNDS, problems) ?? 60,
    dailyAt: daily,
    lowStock: whole('NOTIFY_LOW_STOCK', env.NOTIFY_LOW_STOCK, LOW_STOCK_BOUNDS, problems),
    language: language as NotifyLanguage,
  };
}

/** The notification variables for `config show`, the token and the secret masked. */
export function describeNotifyConfig(n: NotifyConfig): Record<string, string> {
  const mask = (v?: string) => (v ? '********' : '(not set)');
  return {
    TELEGRAM_BOT_TOKEN: mask(n.telegramToken),
    TELEGRAM_CHAT_ID: n.telegramChatId || '(not set)',
    TELEGRAM_API_URL: n.telegramApiUrl,
    NOTIFY_WEBHOOK_URL: n.webhookUrl || '(not set)',
    NOTIFY_WEBHOOK_SECRET: mask(n.webhookSecret),
    NOTIFY_ROUTER_DOWN_SECONDS: String(n.routerDownSeconds),
    NOTIFY_DAILY_AT: n.dailyAt,
    NOTIFY_LOW_STOCK: n.lowStock === undefined ? '(off)' : String(n.lowStock),
    NOTIFY_LANGUAGE: n.language,
  };
}
