/** The shop's limits on moves of a code to a new device: how many a day, and how long its devices must be offline. */
import {
  DEFAULT_MOVE_OFFLINE_MINUTES,
  DEFAULT_MOVES_PER_DAY,
  parseMoveOfflineMinutes,
  parseMovesPerDay,
} from '../../../domain/self-service';
import type { Actor } from '../../business/audit/actor';
import type { SettingsService } from '../../business/settings/types';

export const MOVES_PER_DAY_KEY = 'portal.moves_per_day';
export const MOVE_OFFLINE_MINUTES_KEY = 'portal.move_offline_minutes';

/** The stored value, or the default when none is stored or it no longer parses. */
export async function movesPerDay(settings: SettingsService): Promise<number> {
  const v = await settings.get<unknown>(MOVES_PER_DAY_KEY, DEFAULT_MOVES_PER_DAY);
  try {
    return parseMovesPerDay(v);
  } catch {
    return DEFAULT_MOVES_PER_DAY;
  }
}

export async function setMovesPerDay(
  settings: SettingsService,
  value: unknown,
  actor: Actor,
): Promise<number> {
  const n = parseMovesPerDay(value);
  await settings.set(MOVES_PER_DAY_KEY, n, actor);
  return n;
}

/** The stored value, or the default when none is stored or it no longer parses. */
export async function moveOfflineMinutes(settings: SettingsService): Promise<number> {
  const v = await settings.get<unknown>(MOVE_OFFLINE_MINUTES_KEY, DEFAULT_MOVE_OFFLINE_MINUTES);
  try {
    return parseMoveOfflineMinutes(v);
  } catch {
    return DEFAULT_MOVE_OFFLINE_MINUTES;
  }
}

export async function setMoveOfflineMinutes(
  settings: SettingsService,
  value: unknown,
  actor: Actor,
): Promise<number> {
  const n = parseMoveOfflineMinutes(value);
  await settings.set(MOVE_OFFLINE_MINUTES_KEY, n, actor);
  return n;
}
