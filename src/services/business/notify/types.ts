/**
 * Notifications to the shop owner: the contract the admin, the API and the CLI share (index.ts builds it).
 * Money in centavos, times ms epoch. Secrets (the bot token, the webhook secret) never leave the service:
 * views say only whether they are set.
 */
import type { NotifyLanguage } from '../../../config/env-notify';
import type { Actor } from '../audit/actor';

export type { NotifyLanguage } from '../../../config/env-notify';

export const CHANNELS = ['telegram', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a message is about (the webhook body's `kind`). */
export const NOTIFY_KINDS = [
  'router_down',
  'router_up',
  'vendo_silent',
  'vendo_back',
  'guessing',
  'daily_summary',
  'low_stock',
  'test',
] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];

/** The fields as the API, the form and the CLI name them. */
export const NOTIFY_FIELDS = [
  'telegram_token',
  'telegram_chat_id',
  'telegram_api_url',
  'webhook_url',
  'webhook_secret',
  'router_down_seconds',
  'daily_at',
  'low_stock',
  'language',
] as const;
export type NotifyField = (typeof NOTIFY_FIELDS)[number];
/** Fields whose values are never answered. */
export const SECRET_FIELDS: readonly NotifyField[] = ['telegram_token', 'webhook_secret'];

/** The settings in effect, secrets included: for the sender only, never for a view. */
export interface NotifySettings {
  telegramToken: string;
  telegramChatId: string;
  telegramApiUrl: string;
  webhookUrl: string;
  webhookSecret: string;
  routerDownSeconds: number;
  /** `HH:MM` or `off`. */
  dailyAt: string;
  /** null = off. */
  lowStock: number | null;
  language: NotifyLanguage;
}

/** What the owner sees: every value but the secrets, which are only said to be set. */
export interface NotifySettingsView {
  telegram_token_set: boolean;
  telegram_chat_id: string;
  telegram_api_url: string;
  webhook_url: string;
  webhook_secret_set: boolean;
  router_down_seconds: number;
  daily_at: string;
  low_stock: number | null;
  language: NotifyLanguage;
  /** The channels that will send: Telegram with a token and a chat, the webhook with an address. */
  channels: Channel[];
  /** The fields set in the admin or the CLI (the others come from .env). */
  overridden: NotifyField[];
  /** A saved secret that cannot be opened (the key changed): what to do. */
  problems: string[];
  /** What .env says (the values a reset returns to), secrets again only as set or not. */
  env: Omit<NotifySettingsView, 'channels' | 'overridden' | 'problems' | 'env'>;
}

export type DeliveryState = 'pending' | 'sent' | 'failed';

/** One message of the outbox as the admin lists it. */
export interface OutboxView {
  id: string;
  kind: NotifyKind;
  site: string | null;
  text: string;
  createdAt: number;
  channels: {
    channel: Channel;
    state: DeliveryState;
    attempts: number;
    /** The channel's own words for the last failure (kept while it retries, and for a failed one). */
    error: string | null;
    /** When it was sent or given up. */
    doneAt: number | null;
    nextAt: number | null;
  }[];
}

/** What one channel said to a test message. */
export interface TestResult {
  channel: Channel;
  ok: boolean;
  /** "Sent", or the channel's own words ("Bad Request: chat not found", "HTTP 500", "connection refused"). */
  message: string;
}

export interface NotifyService {
  view(): Promise<NotifySettingsView>;
  /**
   * Checks every given field (all problems at once, each naming its field), then saves the changed ones; ''
   * (or null) resets a field to .env's value; a secret left out keeps the stored one. Returns the changed fields.
   */
  update(input: Partial<Record<NotifyField, unknown>>, actor: Actor): Promise<NotifyField[]>;
  /**
   * Sends a test message now on every channel set (not through the outbox), and says what each answered.
   * NOTIFY_NOT_SET when no channel is set.
   */
  test(actor: Actor): Promise<TestResult[]>;
  /** The latest messages, newest first, with their state on each channel. */
  recent(limit?: number): Promise<OutboxView[]>;
}

/** A message to write to the outbox (the producers' side). */
export interface NewMessage {
  kind: NotifyKind;
  subject?: string;
  site?: string | null;
  text: string;
  data: Record<string, unknown>;
}
