import type { Db } from '../../../db/knex';
import type { Clock } from '../../../lib/clock';
import type { Actor } from '../audit/actor';
import type { AuditService } from '../audit/types';
import type { SettingsService } from './types';

/** The shop's name as the owner set it in Settings; "PisoNet" until then. */
export function shopName(settings: Pick<SettingsService, 'get'>): Promise<string> {
  return settings.get<string>('shop.name', 'PisoNet');
}

/** Writes only the values that changed, so the audit log shows what the owner actually changed; their keys. */
export async function saveChanged(
  settings: SettingsService,
  values: object,
  actor: Actor,
): Promise<string[]> {
  const changed: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if ((await settings.get<unknown>(key, undefined)) !== value) {
      await settings.set(key, value, actor);
      changed.push(key);
    }
  }
  return changed;
}

/** Owner-editable settings (shop name, code format, ...) kept as JSON values in the database. */
export function createSettingsService(db: Db, clock: Clock, audit: AuditService): SettingsService {
  return {
    async get<T>(key: string, fallback: T): Promise<T> {
      const row = await db('settings').where({ key }).first();
      if (!row) return fallback;
      try {
        return JSON.parse(row.value) as T;
      } catch {
        return fallback;
      }
    },
    async set(key: string, value: unknown, actor: Actor) {
      const now = clock.now();
      await db('settings')
        .insert({ key, value: JSON.stringify(value), updated_at: now })
        .onConflict('key')
        .merge({ value: JSON.stringify(value), updated_at: now });
      await audit.record(actor, 'settings.set', key, {
        value: /secret|password|token/i.test(key) ? '[redacted]' : value,
      });
    },
    async all() {
      const rows = await db('settings').select('key', 'value');
      const out: Record<string, unknown> = {};
      for (const r of rows) {
        try {
          out[r.key] = JSON.parse(r.value);
        } catch {
          out[r.key] = r.value;
        }
      }
      return out;
    },
  };
}
