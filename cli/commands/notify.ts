/**
 * `pisonet notify show|set|test`: the notifications to the owner (Telegram, the webhook, what is sent), through
 * the same service as the admin's Settings → Notifications. Secrets are never printed; `--telegram-token -`
 * and `--webhook-secret -` read them from standard input (out of the shell's history).
 */
import { out } from '../lib/ansi';
import { givenOptions, parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import type { NotifyField, NotifySettingsView } from '../../src/services/business/notify';
import type { Core } from '../../src/core';
import { CommandDef, print, printJson, readStdin, withCore } from './shared';

const OPTION: Record<NotifyField, string> = {
  telegram_token: 'telegram-token',
  telegram_chat_id: 'telegram-chat-id',
  telegram_api_url: 'telegram-api-url',
  webhook_url: 'webhook-url',
  webhook_secret: 'webhook-secret',
  router_down_seconds: 'router-down-seconds',
  daily_at: 'daily-at',
  low_stock: 'low-stock',
  language: 'language',
};

function lines(v: NotifySettingsView): [string, string][] {
  const from = (f: NotifyField) => (v.overridden.includes(f) ? 'set here' : 'from .env');
  const set = (b: boolean) => (b ? '(set, never shown)' : '(not set)');
  return [
    ['channels', v.channels.length ? v.channels.join(', ') : 'none: notifications are off'],
    [OPTION.telegram_token, `${set(v.telegram_token_set)}  (${from('telegram_token')})`],
    [OPTION.telegram_chat_id, `${v.telegram_chat_id || '(not set)'}  (${from('telegram_chat_id')})`],
    [OPTION.telegram_api_url, `${v.telegram_api_url}  (${from('telegram_api_url')})`],
    [OPTION.webhook_url, `${v.webhook_url || '(not set)'}  (${from('webhook_url')})`],
    [OPTION.webhook_secret, `${set(v.webhook_secret_set)}  (${from('webhook_secret')})`],
    [OPTION.router_down_seconds, `${v.router_down_seconds}  (${from('router_down_seconds')})`],
    [OPTION.daily_at, `${v.daily_at}  (${from('daily_at')})`],
    [OPTION.low_stock, `${v.low_stock ?? 'off'}  (${from('low_stock')})`],
    [OPTION.language, `${v.language}  (${from('language')})`],
  ];
}

async function show(core: Core, json: boolean, changed: NotifyField[] = []): Promise<void> {
  const v = await core.services.notify.view();
  if (json) return printJson({ ...v, changed });
  const w = Math.max(...lines(v).map(([k]) => k.length));
  for (const [k, text] of lines(v)) {
    const line = `${k.padEnd(w)}  ${text}`;
    print(changed.some((f) => OPTION[f] === k) ? out.green(line) : line);
  }
  for (const p of v.problems) print(out.red(p));
}

const SHOW = `Usage: pisonet notify show [--json]

The notifications' settings in effect: the channels that send, Telegram's chat, the webhook's address, the
router-down threshold, the time of the day's sales, the low-stock alert and the language. The bot token and the
webhook secret are only said to be set.`;

const SET = `Usage: pisonet notify set [--telegram-token TOKEN|-] [--telegram-chat-id ID] [--telegram-api-url URL]
                         [--webhook-url URL] [--webhook-secret SECRET|-] [--router-down-seconds N]
                         [--daily-at HH:MM|off] [--low-stock N|off] [--language en|fil] [--json]

.env sets them first (TELEGRAM_BOT_TOKEN, NOTIFY_*); a value set here wins, at once for the running server.
An empty value ("") goes back to .env's. "-" reads the token or the secret from standard input.

  --telegram-token TOKEN     from @BotFather, like 123456789:AAH…
  --telegram-chat-id ID      your chat with the bot, e.g. 123456789 (a group: -100…), or @channel
  --telegram-api-url URL     only for a self-hosted Bot API server (default https://api.telegram.org)
  --webhook-url URL          a JSON POST per message, signed (docs/notifications.md)
  --webhook-secret SECRET    at least 16 characters; signs every webhook message
  --router-down-seconds N    10 to 86400 (default 60): how long a router is away before it is told
  --daily-at HH:MM           the day's sales at this shop time (default 21:00), or off
  --low-stock N              alert when a profile's unused vouchers fall below N, or off (default)
  --language en|fil          English or Filipino`;

const TEST = `Usage: pisonet notify test [--json]

Sends a test message now on every channel set, and says what each answered (Telegram's own words on a
failure). Exit 1 when a channel did not take it.`;

export const notifyCommands: CommandDef[] = [
  {
    name: 'notify show',
    summary: 'show the notifications to the owner (Telegram, webhook, what is sent)',
    usage: SHOW,
    async run(args) {
      const { values } = parseCommand(args, { json: { type: 'boolean' } }, SHOW);
      return withCore(async (core) => {
        await show(core, Boolean(values.json));
        return 0;
      });
    },
  },
  {
    name: 'notify set',
    summary: 'set Telegram, the webhook, the alerts and the language of the notifications',
    usage: SET,
    async run(args) {
      const { values } = parseCommand(args, optionSpec(OPTION, ['json']), SET);
      const input = givenOptions(values, OPTION);
      for (const f of ['telegram_token', 'webhook_secret'] as const)
        if (input[f] === '-') input[f] = (await readStdin()).trim();
      return withCore(async (core) => {
        const changed = Object.keys(input).length ? await core.services.notify.update(input, cliActor()) : [];
        await show(core, Boolean(values.json), changed);
        if (!values.json && changed.length) print('Saved; the running server uses it from its next round.');
        return 0;
      });
    },
  },
  {
    name: 'notify test',
    summary: 'send a test message on every notification channel set',
    usage: TEST,
    async run(args) {
      const { values } = parseCommand(args, { json: { type: 'boolean' } }, TEST);
      return withCore(async (core) => {
        const results = await core.services.notify.test(cliActor());
        if (values.json) printJson({ results });
        else
          for (const r of results)
            print(r.ok ? out.green(`${r.channel}: sent`) : out.red(`${r.channel}: not sent: ${r.message}`));
        return results.every((r) => r.ok) ? 0 : 1;
      });
    },
  },
];
