/**
 * The settings table's contract (index.ts): values the owner changes, read by key.
 */
import type { Actor } from '../audit/actor';

export interface SettingsService {
  get<T = unknown>(key: string, fallback: T): Promise<T>;
  set(key: string, value: unknown, actor: Actor): Promise<void>;
  all(): Promise<Record<string, unknown>>;
}
