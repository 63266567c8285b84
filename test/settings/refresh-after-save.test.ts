/**
 * A refresh of the shop's and billing's settings (each admin request, each scheduled poll) reads the stored values
 * and applies them to the running server. One that read before a save and finishes after it must not put the old
 * values back over the save's: the poll would use the old time zone (or days to pay) until the next refresh.
 */
import { loadConfig } from '../../src/config/env';
import { createShopSettings } from '../../src/services/business/settings/shop';
import { createBillingSettings } from '../../src/services/subscriptions/billing/settings';
import type { SettingsService } from '../../src/services/business/settings/types';
import { SYSTEM } from '../../src/services/types';

/**
 * Settings in memory whose reads can be held: a read begun while held answers the value as it was then, only once
 * released. It puts a refresh's read before a save and the refresh's end after it.
 */
function heldSettings() {
  const values = new Map<string, unknown>();
  let hold: Promise<void> | undefined;
  let release: () => void = () => undefined;
  const store: SettingsService & { holdReads(): void; readsFlow(): void; releaseHeld(): void } = {
    async get<T>(key: string, fallback: T): Promise<T> {
      const value = values.has(key) ? (values.get(key) as T) : fallback;
      if (hold) await hold;
      return value;
    },
    async set(key: string, value: unknown) {
      if (value === null) values.delete(key);
      else values.set(key, value);
    },
    async all() {
      return Object.fromEntries(values);
    },
    holdReads() {
      hold = new Promise<void>((r) => (release = r));
    },
    /** Reads begun from now on answer at once; those held stay held. */
    readsFlow() {
      hold = undefined;
    },
    releaseHeld() {
      release();
    },
  };
  return store;
}

test('a shop refresh that read before a save does not undo it', async () => {
  const config = loadConfig({ TZ: 'Asia/Manila' });
  const settings = heldSettings();
  const shop = createShopSettings(config, settings);
  settings.holdReads();
  const stale = shop.refresh(); // reads Asia/Manila, answered only after the save
  settings.readsFlow();
  await shop.update({ tz: 'UTC' }, SYSTEM);
  expect(config.tz).toBe('UTC');
  settings.releaseHeld();
  await stale;
  expect(config.tz).toBe('UTC');
  // A refresh begun after the save applies what is stored.
  await shop.refresh();
  expect(config.tz).toBe('UTC');
});

test('a billing refresh that read before a save does not undo it', async () => {
  const config = loadConfig({ BILLING_DUE_DAYS: '7' });
  const settings = heldSettings();
  const billing = createBillingSettings(config, settings);
  settings.holdReads();
  const stale = billing.refresh();
  settings.readsFlow();
  await billing.update({ due_days: 10 }, SYSTEM);
  expect(config.billing.dueDays).toBe(10);
  settings.releaseHeld();
  await stale;
  expect(config.billing.dueDays).toBe(10);
});
