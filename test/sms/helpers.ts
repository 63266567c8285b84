import { createHarness, type Harness } from '../helpers/harness';
import { FakeSemaphore } from '../../src/sms/fake-semaphore';
import { SYSTEM } from '../../src/services/types';
import { createSmsService } from '../../src/services/subscriptions/sms';
import { PROFILES } from '../subscribers/helpers';

export const KEY = 'semaphore-key-0123456789abcdef';
export const PPPOE_PASSWORD = 'pppoe-Secret-7781';
/** Midnight in Manila of a shop date, plus `hhmm`, as ms. */
export const manila = (date: string, hhmm = '00:00') => Date.parse(`${date}T${hhmm}:00+08:00`);

export interface SmsHarness {
  h: Harness;
  fake: FakeSemaphore;
  close(): Promise<void>;
}

/** A controller (core only unless `http`: the test drives the rounds) with Semaphore's fake on loopback, on the fake clock. */
export async function smsHarness(
  env: Record<string, string> = {},
  withKey = true,
  http = false,
): Promise<SmsHarness> {
  // The fake reads the controller's fake clock once there is one (its 120-a-minute window).
  const clock = { now: () => Date.now() };
  const fake = new FakeSemaphore(KEY, () => clock.now());
  const url = await fake.start();
  const h = await createHarness({
    http,
    profiles: PROFILES,
    env: {
      TZ: 'Asia/Manila',
      PORTAL_URL: 'http://10.5.50.1',
      ...(withKey
        ? { SEMAPHORE_API_KEY: KEY, SEMAPHORE_API_URL: url, SEMAPHORE_SENDER_NAME: 'PisoNet' }
        : {}),
      ...env,
    },
  });
  clock.now = () => h.clock.now();
  const x = h;
  return {
    h: x,
    fake,
    async close() {
      await x.close();
      await fake.stop();
    },
  };
}

let n = 0;
/** A subscriber on HOME10, billing day 5, created now (its first invoice issued now). */
export async function subscriber(h: Harness, extra: Record<string, unknown> = {}) {
  n++;
  return h.core!.services.subscribers.create(
    {
      name: `Sub ${n}`,
      mobile: `0917${String(1_000_000 + n).slice(-7)}`,
      profile: 'HOME10',
      billing_day: 5,
      username: `sub${n}`,
      password: PPPOE_PASSWORD,
      ...extra,
    },
    SYSTEM,
  );
}

/** A second SMS service over the same database: what a restarted controller builds. */
export function restarted(h: Harness) {
  const c = h.core!;
  return createSmsService({
    db: c.db,
    clock: c.clock,
    config: c.config,
    settings: c.services.settings,
    log: c.log,
  });
}
