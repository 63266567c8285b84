/**
 * Notifications to the shop owner, on Telegram and a signed webhook: the one service the admin, the API and
 * the CLI use (settings, the test message, the latest messages), and the parts the server's jobs drive
 * (notifier.ts: the watch that writes messages to the outbox, the sender that delivers them, the day's sales).
 */
import crypto from 'node:crypto';
import { AppError } from '../../../domain/errors';
import type { ShopDeps } from '../../deps';
import { shopName } from '../settings';
import type { CredentialsBox } from '../sites/credentials';
import { testMessage, type Voice } from './messages';
import { recentMessages } from './outbox';
import { sendRow } from './sender';
import { channelsOf, notifySettingsStore, type NotifySettingsStore } from './settings';
import type { NotifyService, NotifySettings, TestResult } from './types';

export type * from './types';
export { NOTIFY_FIELDS, SECRET_FIELDS } from './types';

interface NotifyDeps extends Pick<ShopDeps, 'config' | 'db' | 'clock' | 'log' | 'audit' | 'settings'> {
  box: CredentialsBox;
}

/** What the server's notifier needs besides the public service. */
export interface NotifyParts {
  service: NotifyService;
  store: NotifySettingsStore;
  /** The shop's name, the notifications' language and the shop's time zone, as they are now. */
  voice(settings: NotifySettings): Promise<Voice>;
}

const notSet = () =>
  new AppError(
    'NOTIFY_NOT_SET',
    'No notification channel is set: give a Telegram bot token and chat id, or a webhook address and secret, then save.',
    409,
  );

export function createNotifications(deps: NotifyDeps): NotifyParts {
  const { db, clock, audit } = deps;
  const log = deps.log.child({ module: 'notify' });
  const store = notifySettingsStore(db, deps.config.notify, deps.settings, deps.box);
  const voice = async (s: NotifySettings): Promise<Voice> => ({
    shop: await shopName(deps.settings),
    language: s.language,
    tz: deps.config.tz,
  });

  const service: NotifyService = {
    view: () => store.view(),
    update: (input, actor) => store.update(input, actor),
    recent: (limit = 20) => recentMessages(db, limit),
    async test(actor) {
      const { settings } = await store.read();
      const channels = channelsOf(settings);
      if (!channels.length) throw notSet();
      const now = clock.now();
      const msg = testMessage(await voice(settings), now);
      const row = {
        uid: crypto.randomUUID(),
        kind: msg.kind,
        site: null,
        created_at: now,
        text: msg.text,
        data: JSON.stringify(msg.data),
      };
      const results: TestResult[] = await Promise.all(
        channels.map(async (channel) => {
          const out = await sendRow(channel, settings, row);
          return { channel, ok: out.ok, message: out.ok ? 'Sent' : out.error };
        }),
      );
      for (const r of results)
        log.info({ channel: r.channel, ok: r.ok }, `test message on ${r.channel}: ${r.message}`);
      await audit.record(actor, 'notify.test', channels.join(','), {
        results: results.map((r) => `${r.channel}: ${r.message}`),
      });
      return results;
    },
  };
  return { service, store, voice };
}
