/**
 * Customer self-service rules: what a second code does on a device that already has time
 * (top-up), when a voucher may be paused, and which device a voucher moves from when the customer's phone
 * shows up with another WiFi address. Pure: profiles and counts in, decisions out.
 */
import { parseDuration } from './durations';
import { parseWholeNumber } from './quantities';
import { ValidationError } from './errors';
import type { ErrorCollector } from './error-collector';
import type { Profile, TopUpMode } from './profile-types';

export const SELF_SERVICE_KEYS = ['topup', 'pause_max', 'pauses_per_day'] as const;

/** The shortest and longest pause a shop may allow (a longer "pause" is just a voucher left for later). */
export const MIN_PAUSE_SECONDS = 60;
export const MAX_PAUSE_SECONDS = 86400;
export const MAX_PAUSES_PER_DAY = 100;
/** Pauses and moves are counted over the last 24 hours. */
export const SELF_SERVICE_WINDOW_MS = 24 * 3600 * 1000;
/** Moves of one voucher to another device per 24 hours: the default, and the most a shop may set. */
export const DEFAULT_MOVES_PER_DAY = 3;
export const MAX_MOVES_PER_DAY = 20;
/**
 * How long every device of a code must have been offline before another phone may take it: the default,
 * and the bounds a shop may set (whole minutes).
 */
export const DEFAULT_MOVE_OFFLINE_MINUTES = 10;
export const MAX_MOVE_OFFLINE_MINUTES = 1440;

type SelfServiceFields = Pick<Profile, 'topup' | 'pauseMaxSeconds' | 'pausesPerDay'>;

function parsePauseMax(v: unknown, field: string): number {
  const s = parseDuration(v, field);
  if (s < MIN_PAUSE_SECONDS || s > MAX_PAUSE_SECONDS)
    throw ValidationError.invalid(field, v, 'a pause length', 'use from 1m to 1d, like 15m or 2h');
  return s;
}

function parsePausesPerDay(v: unknown, field: string): number {
  return parseWholeNumber(v, field, [1, MAX_PAUSES_PER_DAY], 'a number of pauses');
}

/**
 * The self-service settings of a profile (`p` is the field prefix, e.g. `profiles[0].`). `topup` "add" is
 * the default and is left out of the parsed profile, so a profile without the key equals one with it.
 * Pause limits only make sense where the clock counts connected time.
 */
export function parseSelfServiceFields(
  json: Record<string, unknown>,
  p: string,
  timeMode: string | undefined,
  c: ErrorCollector,
): SelfServiceFields {
  const out: SelfServiceFields = {};
  if (json.topup !== undefined) {
    const mode = c.field(() => {
      if (json.topup !== 'add' && json.topup !== 'queue')
        throw ValidationError.invalid(`${p}topup`, json.topup, 'a top-up mode', 'use "add" or "queue"');
      return json.topup as TopUpMode;
    });
    if (mode === 'queue') out.topup = 'queue';
  }
  const wallclock = timeMode !== 'uptime';
  if (json.pause_max !== undefined) {
    if (wallclock)
      c.add(`${p}pause_max`, 'only applies with time_mode "uptime" (wall-clock time cannot be paused)');
    else out.pauseMaxSeconds = c.field(() => parsePauseMax(json.pause_max, `${p}pause_max`));
  }
  if (json.pauses_per_day !== undefined) {
    if (wallclock)
      c.add(`${p}pauses_per_day`, 'only applies with time_mode "uptime" (wall-clock time cannot be paused)');
    else out.pausesPerDay = c.field(() => parsePausesPerDay(json.pauses_per_day, `${p}pauses_per_day`));
  }
  if (out.pauseMaxSeconds === undefined) delete out.pauseMaxSeconds;
  if (out.pausesPerDay === undefined) delete out.pausesPerDay;
  return out;
}

/** A profile's mode for a second code; absent means "add". */
export const topUpModeOf = (p: Profile): TopUpMode => p.topup ?? 'add';

/**
 * Whether a second code's plan can join the running one: the merged voucher keeps the first one's speeds,
 * clock and device count, so they must be the same; data limits must be of the same kind (adding a capped
 * plan to an uncapped one, or the other way round, has no honest meaning). Otherwise the code is queued.
 */
export function addRefusal(first: Profile, second: Profile, firstStaff: boolean): string | null {
  if (firstStaff || first.validitySeconds === null || second.validitySeconds === null)
    return 'one of the plans has no time limit';
  if (first.timeMode !== second.timeMode) return 'the plans count time differently';
  if (first.rateUp !== second.rateUp || first.rateDown !== second.rateDown)
    return 'the plans have different speeds';
  if (first.users !== second.users) return 'the plans allow different numbers of devices';
  if ((first.dataCapBytes === undefined) !== (second.dataCapBytes === undefined))
    return 'only one of the plans has a data limit';
  if (first.capPolicy !== second.capPolicy) return 'the plans end differently at their data limit';
  if ((first.fup === undefined) !== (second.fup === undefined))
    return 'only one of the plans has a fair-use limit';
  return null;
}

/** What the second code brings to the first when added. */
export function addedAmounts(second: Profile): { seconds: number; capBytes: number; fupBytes: number } {
  return {
    seconds: second.validitySeconds ?? 0,
    capBytes: second.dataCapBytes ?? 0,
    fupBytes: second.fup?.thresholdBytes ?? 0,
  };
}

type PauseRefusal =
  | { code: 'PAUSE_NOT_AVAILABLE'; reason: 'wallclock' | 'unlimited' }
  | { code: 'PAUSE_LIMIT'; perDay: number; nextAt: number };

/**
 * Whether the voucher may be paused now. `recent` are the start times of its pauses in the last 24 h.
 * Wall-clock time runs whatever the customer does, and a voucher without a time limit has nothing to keep.
 */
export function pauseRefusal(
  profile: Profile,
  staff: boolean,
  recent: readonly number[],
  now: number,
): PauseRefusal | null {
  if (profile.timeMode !== 'uptime') return { code: 'PAUSE_NOT_AVAILABLE', reason: 'wallclock' };
  if (staff || profile.validitySeconds === null) return { code: 'PAUSE_NOT_AVAILABLE', reason: 'unlimited' };
  const perDay = profile.pausesPerDay;
  if (perDay === undefined) return null;
  const inWindow = recent.filter((t) => t > now - SELF_SERVICE_WINDOW_MS).sort((a, b) => a - b);
  if (inWindow.length < perDay) return null;
  return { code: 'PAUSE_LIMIT', perDay, nextAt: inWindow[inWindow.length - perDay] + SELF_SERVICE_WINDOW_MS };
}

/** When a pause started at `pausedAt` ends by itself (the profile's max pause), or null. */
export function pauseEndsAt(profile: Profile, pausedAt: number): number | null {
  return profile.pauseMaxSeconds === undefined ? null : pausedAt + profile.pauseMaxSeconds * 1000;
}

/** Moves left in the window, and when the oldest counted move leaves it. */
export function moveAllowance(
  limit: number,
  recent: readonly number[],
  now: number,
): { left: number; nextAt: number | null } {
  const inWindow = recent.filter((t) => t > now - SELF_SERVICE_WINDOW_MS).sort((a, b) => a - b);
  const left = Math.max(0, limit - inWindow.length);
  return {
    left,
    nextAt:
      left > 0 || inWindow.length === 0 ? null : inWindow[inWindow.length - limit] + SELF_SERVICE_WINDOW_MS,
  };
}

export interface MoveCandidate {
  mac: string;
  /** It has a hotspot session on the router now. */
  online: boolean;
  /**
   * The last poll saw it online (the device row's `connected`): it has left since, but when is known only
   * once the next poll writes `lastSeenAt`, so until then it counts as seen just now.
   */
  onlineAtLastPoll: boolean;
  /** When a poll (or its login) last saw it online. */
  lastSeenAt: number;
}

/**
 * What typing a full voucher's code on a new device does: `move` takes the voucher from the device `from`
 * (after the new device confirms when `confirm`); `refuse` leaves it where it is (CODE_IN_USE).
 */
type MoveDecision = { kind: 'move'; from: string; confirm: boolean } | { kind: 'refuse' };

/**
 * Whether a full voucher may move to the device asking, and from which of its devices. A MAC seen on the
 * WiFi is no proof of anything, so a code is never taken from a phone that is using it: only the browser
 * that redeemed it (its device cookie names one of the voucher's devices: the same phone back with a
 * randomised address) may move it, from that device, confirming first when that address is still online.
 * Anyone else gets it only once every device of the code has been gone for the shop's delay, from the
 * one gone longest. Null when the voucher has no device to move from.
 */
export function moveDecision(input: {
  devices: readonly MoveCandidate[];
  /** The MAC the asker's browser proved with its device cookie, or null. */
  provenMac: string | null;
  offlineMinutes: number;
  now: number;
}): MoveDecision | null {
  const { devices, provenMac, now } = input;
  if (!devices.length) return null;
  const own = devices.find((d) => d.mac === provenMac);
  if (own) return { kind: 'move', from: own.mac, confirm: own.online };
  const seenAt = (d: MoveCandidate) => (d.online || d.onlineAtLastPoll ? now : d.lastSeenAt);
  const delayMs = input.offlineMinutes * 60_000;
  if (devices.some((d) => now - seenAt(d) < delayMs)) return { kind: 'refuse' };
  const gone = [...devices].sort((a, b) => a.lastSeenAt - b.lastSeenAt);
  return { kind: 'move', from: gone[0].mac, confirm: false };
}

/** The moves-per-day setting as the owner typed it: a whole number from 0 (moves off) to 20. */
export function parseMovesPerDay(v: unknown, field = 'moves_per_day'): number {
  const hint = `use a whole number from 0 (no moves) to ${MAX_MOVES_PER_DAY}`;
  return parseWholeNumber(v, field, [0, MAX_MOVES_PER_DAY], 'a number of moves', hint);
}

/** The offline delay before another phone may take a code, as the owner typed it: whole minutes, 1 to 1440. */
export function parseMoveOfflineMinutes(v: unknown, field = 'move_offline_minutes'): number {
  const hint = `use a whole number of minutes from 1 to ${MAX_MOVE_OFFLINE_MINUTES} (a day)`;
  return parseWholeNumber(v, field, [1, MAX_MOVE_OFFLINE_MINUTES], 'a number of minutes', hint);
}
