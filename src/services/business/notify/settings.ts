/**
 * The notification settings: `.env` gives the defaults (src/config/env-notify.ts); a value saved in the admin or
 * the CLI overrides it until it is reset (''). Saved in the settings table under `notify.<field>`; the bot token
 * and the webhook secret sealed with the key of the routers' passwords (CREDENTIALS_KEY or the data folder's
 * credentials.key), and redacted in the audit log (settings/index.ts redacts keys naming a token or a secret).
 * Read fresh by every caller: a change made in the terminal reaches the running server's next round.
 */
import {
  DAILY_TIME,
  LOW_STOCK_BOUNDS,
  NOTIFY_LANGUAGES,
  ROUTER_DOWN_BOUNDS,
  TELEGRAM_CHAT,
  TELEGRAM_TOKEN,
  WEBHOOK_SECRET_MIN,
  type NotifyConfig,
} from '../../../config/env-notify';
import type { Db } from '../../../db/knex';
import { ErrorCollector } from '../../../domain/error-collector';
import { ValidationError } from '../../../domain/errors';
import { matching, secretMatching, webAddress } from '../../../domain/setting-fields';
import { parseGiven } from '../settings/overrides';
import { sealedRead, sealedStored, type SealedFields, type SealedSettingsStore } from '../settings/sealed';
import type { SettingsService } from '../settings/types';
import type { CredentialsBox } from '../sites/credentials';
import {
  NOTIFY_FIELDS,
  SECRET_FIELDS,
  type Channel,
  type NotifyField,
  type NotifySettings,
  type NotifySettingsView,
} from './types';

const PREFIX = 'notify.';

function text(v: unknown, field: string): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw ValidationError.invalid(field, v, 'text', 'send a string');
  return v.trim();
}

function whole(v: unknown, field: string, b: { min: number; max: number }, what: string): string {
  const s = text(v, field);
  if (s === '') return s;
  const n = /^\d{1,9}$/.test(s) ? Number(s) : NaN;
  if (!(n >= b.min && n <= b.max))
    throw ValidationError.invalid(field, v, what, `use a whole number from ${b.min} to ${b.max}`);
  return String(n);
}

/** One field's stored form; '' means "back to .env". */
const parsers: Record<NotifyField, (v: unknown) => string> = {
  telegram_token: (v) =>
    secretMatching(
      text(v, 'telegram_token'),
      'telegram_token',
      TELEGRAM_TOKEN,
      'is not a bot token; paste the token BotFather gave, like 123456789:AAH… (digits, a colon, then letters)',
    ),
  telegram_chat_id: (v) =>
    matching(
      text(v, 'telegram_chat_id'),
      v,
      'telegram_chat_id',
      TELEGRAM_CHAT,
      'a chat id',
      'use the number of your chat with the bot (like 123456789; a group is negative, like -1001234567890) or a channel like @myshop',
    ),
  telegram_api_url: (v) =>
    webAddress(text(v, 'telegram_api_url'), v, 'telegram_api_url', 300, 'https://api.telegram.org').replace(
      /\/+$/,
      '',
    ),
  webhook_url: (v) =>
    webAddress(
      text(v, 'webhook_url'),
      v,
      'webhook_url',
      500,
      'https://example.com/pisonet, without a user name or password in it',
    ),
  webhook_secret(v) {
    const s = typeof v === 'string' ? v : text(v, 'webhook_secret');
    if (s !== '' && (s.length < WEBHOOK_SECRET_MIN || s.length > 200))
      throw new ValidationError(
        'webhook_secret',
        `use ${WEBHOOK_SECRET_MIN} to 200 characters (e.g. the output of: openssl rand -hex 32)`,
      );
    return s;
  },
  router_down_seconds: (v) => whole(v, 'router_down_seconds', ROUTER_DOWN_BOUNDS, 'a number of seconds'),
  daily_at(v) {
    const s = text(v, 'daily_at').toLowerCase();
    if (s === '' || s === 'off') return s;
    const m = DAILY_TIME.exec(s);
    if (!m) throw ValidationError.invalid('daily_at', v, 'a time', 'use a 24-hour time like 21:00, or off');
    return `${m[1].padStart(2, '0')}:${m[2]}`;
  },
  low_stock(v) {
    const s = text(v, 'low_stock').toLowerCase();
    return s === 'off' ? s : whole(s, 'low_stock', LOW_STOCK_BOUNDS, 'a number of vouchers');
  },
  language(v) {
    const s = text(v, 'language');
    if (s !== '' && !NOTIFY_LANGUAGES.includes(s as NotifySettings['language']))
      throw ValidationError.invalid('language', v, 'a language', 'use en (English) or fil (Filipino)');
    return s;
  },
};

/** Each field's stored form: .env's (the defaults), or the settings in effect (what a save compares). */
function storedForms(n: NotifyConfig | NotifySettings): Record<NotifyField, string> {
  return {
    telegram_token: n.telegramToken ?? '',
    telegram_chat_id: n.telegramChatId,
    telegram_api_url: n.telegramApiUrl,
    webhook_url: n.webhookUrl,
    webhook_secret: n.webhookSecret ?? '',
    router_down_seconds: String(n.routerDownSeconds),
    daily_at: n.dailyAt,
    low_stock: String(n.lowStock ?? 'off'),
    language: n.language,
  };
}

function typed(v: Record<NotifyField, string>): NotifySettings {
  return {
    telegramToken: v.telegram_token,
    telegramChatId: v.telegram_chat_id,
    telegramApiUrl: v.telegram_api_url,
    webhookUrl: v.webhook_url,
    webhookSecret: v.webhook_secret,
    routerDownSeconds: Number(v.router_down_seconds),
    dailyAt: v.daily_at,
    lowStock: v.low_stock === 'off' ? null : Number(v.low_stock),
    language: v.language as NotifySettings['language'],
  };
}

/** The channels that send with these settings. */
export function channelsOf(s: NotifySettings): Channel[] {
  const out: Channel[] = [];
  if (s.telegramToken && s.telegramChatId) out.push('telegram');
  if (s.webhookUrl && s.webhookSecret) out.push('webhook');
  return out;
}

export type NotifySettingsStore = SealedSettingsStore<NotifyField, NotifySettings, NotifySettingsView>;

export function notifySettingsStore(
  db: Db,
  env: NotifyConfig,
  settings: SettingsService,
  box: CredentialsBox,
): NotifySettingsStore {
  const defaults = storedForms(env);

  const fields: SealedFields<NotifyField> = {
    prefix: PREFIX,
    fields: NOTIFY_FIELDS,
    secrets: SECRET_FIELDS,
    purpose: 'notifications',
    parsers,
    secretName: (f) => (f === 'telegram_token' ? 'Telegram bot token' : 'webhook secret'),
  };
  const stored = () => sealedStored(db, box, fields);

  const read = () => sealedRead(db, box, fields, defaults, typed);

  return {
    read,
    async view() {
      const { settings: s, overridden, problems } = await read();
      return { ...shown(s), channels: channelsOf(s), overridden, problems, env: shown(typed(defaults)) };
    },
    async update(input, actor) {
      const c = new ErrorCollector();
      const parsed = parseGiven(c, NOTIFY_FIELDS, input, parsers);
      const before = await read();
      const after = { ...defaults, ...(await stored()).own };
      for (const [f, v] of parsed) after[f] = v === '' ? defaults[f] : v;
      // A webhook is always signed: an address needs a secret.
      if (after.webhook_url && !after.webhook_secret && !c.errors.some((e) => e.field === 'webhook_secret'))
        c.add(
          'webhook_secret',
          `set a secret of at least ${WEBHOOK_SECRET_MIN} characters: every webhook message is signed with it`,
        );
      c.throwIfAny('Notification settings not saved');
      const changed: NotifyField[] = [];
      for (const [f, v] of parsed) {
        const was = before.overridden.includes(f) ? storedForms(before.settings)[f] : '';
        if (was === v) continue;
        const value = v === '' ? null : SECRET_FIELDS.includes(f) ? box.seal(v) : v;
        await settings.set(`${PREFIX}${f}`, value, actor);
        changed.push(f);
      }
      return changed;
    },
  };
}

/** The settings as the owner may see them: the secrets only said to be set. */
function shown(s: NotifySettings): NotifySettingsView['env'] {
  return {
    telegram_token_set: s.telegramToken !== '',
    telegram_chat_id: s.telegramChatId,
    telegram_api_url: s.telegramApiUrl,
    webhook_url: s.webhookUrl,
    webhook_secret_set: s.webhookSecret !== '',
    router_down_seconds: s.routerDownSeconds,
    daily_at: s.dailyAt,
    low_stock: s.lowStock,
    language: s.language,
  };
}
