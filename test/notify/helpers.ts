import { Writable } from 'node:stream';
import { createHarness, type Harness, type HarnessOptions } from '../helpers/harness';
import { createLogger, type Logger } from '../../src/lib/logger';
import { FakeTelegram, FakeWebhook } from './fakes';

export const TOKEN = '123456789:AAHtestTOKENsecret_0123456789abcdef';
export const CHAT = '424242';
export const HOOK_SECRET = 'hook-secret-0123456789abcdef';

export interface NotifyRig {
  h: Harness;
  tg: FakeTelegram;
  hook: FakeWebhook;
  /** Every line the controller logged. */
  logs: string[];
  /** One fresh watch round (a round already under way is waited for first). */
  watch(): Promise<void>;
  /** One fresh sender round. */
  send(): Promise<void>;
  close(): Promise<void>;
}

export function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { log: createLogger('debug', sink), lines };
}

export function notifyEnv(tg: FakeTelegram, hook: FakeWebhook): Record<string, string> {
  return {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_ID: CHAT,
    TELEGRAM_API_URL: tg.url,
    NOTIFY_WEBHOOK_URL: `${hook.url}/pisonet`,
    NOTIFY_WEBHOOK_SECRET: HOOK_SECRET,
  };
}

/** A controller with its HTTP app, Telegram and the webhook set to the fakes (unless `env` says otherwise). */
export async function notifyRig(opts: HarnessOptions & { channels?: boolean } = {}): Promise<NotifyRig> {
  const tg = await new FakeTelegram().start();
  const hook = await new FakeWebhook().start();
  const { log, lines } = captureLog();
  const h = await createHarness({
    http: true,
    log,
    ...opts,
    env: { ...(opts.channels === false ? {} : notifyEnv(tg, hook)), ...opts.env },
  });
  const notifier = () => h.app!.notifier;
  return {
    h,
    tg,
    hook,
    logs: lines,
    async watch() {
      await notifier().watchJob.runNow();
      await notifier().watchJob.runNow();
    },
    async send() {
      await notifier().sendJob.runNow();
      await notifier().sendJob.runNow();
    },
    async close() {
      await h.close();
      await tg.stop();
      await hook.stop();
    },
  };
}

/** Waits (real time, bounded) until `check` holds: for a socket to drop or come back. */
export async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
