/**
 * SMS to subscribers through Semaphore: the outbox filled from the facts (facts.ts) and sent (sender.ts), each
 * (fact, kind) exactly once. Off while SEMAPHORE_API_KEY is empty: nothing is queued, nothing sent, and the
 * admin says so. The first round with a key records when SMS was turned on (`sms.since` in settings, written
 * once): facts from before it are never told, so turning SMS on does not text the shop's history. A fact is also
 * told only within LOOK_BACK_MS of its recording, so SMS turned off and on again later does not send what was
 * missed meanwhile.
 */
import type { AppConfig } from '../../../config/env';
import type { Db } from '../../../db/knex';
import type { SemaphoreSettings } from '../../../sms/semaphore';
import { shopName } from '../../business/settings';
import type { SettingsService } from '../../business/settings/types';
import { missingSms } from './facts';
import { languageOf } from './messages';
import { enqueue, outboxCounts, type OutboxCounts } from './outbox';
import { SmsSender, type SendRound, type SmsSenderDeps } from './sender';

const LOOK_BACK_MS = 2 * 86_400_000;
const SINCE_KEY = 'sms.since';

export interface SmsStatus extends OutboxCounts {
  on: boolean;
  /** What the recipients see as the sender: the Sender Name, or Semaphore's default. */
  sender: string;
  since: number | null;
}

export interface SmsRound extends SendRound {
  queued: number;
}

export interface SmsService {
  status(): Promise<SmsStatus>;
  /** One round: the facts' missing messages queued, then what is due sent. Nothing while off. */
  run(): Promise<SmsRound>;
}

interface SmsDeps extends SmsSenderDeps {
  config: AppConfig;
  settings: Pick<SettingsService, 'get'>;
}

/** Semaphore's settings, or undefined while SMS is off. */
function semaphoreSettings(config: AppConfig): SemaphoreSettings | undefined {
  const s = config.billing.sms;
  return s.apiKey ? { apiKey: s.apiKey, apiUrl: s.apiUrl, senderName: s.senderName || undefined } : undefined;
}

/** When SMS was first turned on: written by the first caller, read by everyone after (insert-or-ignore). */
async function smsSince(db: Db, now: number): Promise<number> {
  await db('settings')
    .insert({ key: SINCE_KEY, value: JSON.stringify(now), updated_at: now })
    .onConflict('key')
    .ignore();
  const row = (await db('settings').where({ key: SINCE_KEY }).first('value')) as { value: string };
  return Number(JSON.parse(row.value));
}

export function createSmsService(deps: SmsDeps): SmsService {
  const { db, clock, config } = deps;
  const sender = new SmsSender(deps);
  const link = () => (config.portalUrl ? `${config.portalUrl.replace(/\/+$/, '')}/portal/account` : '');

  return {
    async status() {
      const since = (await db('settings').where({ key: SINCE_KEY }).first('value')) as
        { value: string } | undefined;
      return {
        on: Boolean(semaphoreSettings(config)),
        sender: config.billing.sms.senderName || "Semaphore's default",
        ...(await outboxCounts(db)),
        since: since ? Number(JSON.parse(since.value)) : null,
      };
    },

    async run() {
      const s = semaphoreSettings(config);
      if (!s) return { queued: 0, calls: 0, sent: 0, failed: 0, waitMs: 0 };
      const now = clock.now();
      const since = await smsSince(db, now);
      const shop = await shopName(deps.settings);
      const found = await missingSms(db, {
        now,
        since,
        from: Math.max(since, now - LOOK_BACK_MS),
        tz: config.tz,
        remindDays: config.billing.remindDays,
        voice: (language) => ({ shop, language: languageOf(language), link: link() }),
      });
      const queued = await enqueue(db, found, now);
      return { queued, ...(await sender.send(s)) };
    },
  };
}
