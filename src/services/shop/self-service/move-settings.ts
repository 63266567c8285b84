/** The shop's limits on moves of a code to a new device: how many a day, and how long its devices must be offline. */
import {
  DEFAULT_MOVE_OFFLINE_MINUTES,
  DEFAULT_MOVES_PER_DAY,
  parseMoveOfflineMinutes,
  parseMovesPerDay,
} from '../../../domain/self-service';
import type { Actor } from '../../business/audit/actor';
import type { SettingsService } from '../../business/settings/types';

const MOVES_PER_DAY_KEY = 'portal.moves_per_day';
const MOVE_OFFLINE_MINUTES_KEY = 'portal.move_offline_minutes';

/** One stored number: its reader (the default when none is stored or it no longer parses) and its writer. */
function storedNumber(key: string, fallback: number, parse: (v: unknown) => number) {
  return {
    async get(settings: SettingsService): Promise<number> {
      try {
        return parse(await settings.get<unknown>(key, fallback));
      } catch {
        return fallback;
      }
    },
    async set(settings: SettingsService, value: unknown, actor: Actor): Promise<number> {
      const n = parse(value);
      await settings.set(key, n, actor);
      return n;
    },
  };
}

const moves = storedNumber(MOVES_PER_DAY_KEY, DEFAULT_MOVES_PER_DAY, parseMovesPerDay);
const offline = storedNumber(MOVE_OFFLINE_MINUTES_KEY, DEFAULT_MOVE_OFFLINE_MINUTES, parseMoveOfflineMinutes);
export const { get: movesPerDay, set: setMovesPerDay } = moves;
export const { get: moveOfflineMinutes, set: setMoveOfflineMinutes } = offline;
