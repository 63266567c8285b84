/**
 * Shop settings the operator may change from a script: customer self-service's moves per day, and how long a
 * code's devices must be offline before another phone may take it.
 */
import {
  DEFAULT_MOVE_OFFLINE_MINUTES,
  MAX_MOVE_OFFLINE_MINUTES,
  MAX_MOVES_PER_DAY,
  parseMoveOfflineMinutes,
  parseMovesPerDay,
} from '../../src/domain/self-service';
import { out } from '../lib/ansi';
import { parseCommand } from '../lib/args';
import { cliActor } from '../lib/context';
import { CommandDef, print, printJson, withCore } from './shared';

const MOVES = `Usage: pisonet settings moves-per-day [N] [--json]

How many times one code may move to a new device (a phone that came back with another WiFi address)
in any 24 hours: 0 (moves off: never, not even for the phone that redeemed it) to ${MAX_MOVES_PER_DAY}, default 3.
Without N it shows the current value.`;

const movesPerDay: CommandDef = {
  name: 'settings moves-per-day',
  summary: 'show or set how often one code may move to a new device per day',
  usage: MOVES,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, MOVES, {
      min: 0,
      max: 1,
    });
    return withCore(async (core) => {
      const self = core.services.selfService;
      const before = await self.movesPerDay();
      // The bound is the service's (the same parser as the web's Settings page).
      // An unchanged value is not written (nor audited) again.
      const wanted = positionals.length ? parseMovesPerDay(positionals[0]) : before;
      const now = wanted === before ? before : await self.setMovesPerDay(positionals[0], cliActor());
      if (values.json) printJson({ movesPerDay: now, changed: now !== before });
      else if (!positionals.length) print(`Moves per day: ${now}${now === 0 ? ' (codes never move)' : ''}`);
      else if (now === before) print(`Moves per day: ${now} (unchanged)`);
      else print(out.green(`Moves per day: ${before} → ${now}`));
      return 0;
    });
  },
};

const OFFLINE = `Usage: pisonet settings move-offline-minutes [N] [--json]

How long (whole minutes, 1 to ${MAX_MOVE_OFFLINE_MINUTES}, default ${DEFAULT_MOVE_OFFLINE_MINUTES}) every device of a code must have
been offline before another phone may take the code. The phone whose browser redeemed the code may move it
at any time. Without N it shows the current value.`;

const moveOfflineMinutes: CommandDef = {
  name: 'settings move-offline-minutes',
  summary: 'show or set how long a code must be offline before another phone may take it',
  usage: OFFLINE,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, OFFLINE, {
      min: 0,
      max: 1,
    });
    return withCore(async (core) => {
      const self = core.services.selfService;
      const before = await self.moveOfflineMinutes();
      // The same parser as the web's Settings page; an unchanged value is not written (nor audited) again.
      const wanted = positionals.length ? parseMoveOfflineMinutes(positionals[0]) : before;
      const now = wanted === before ? before : await self.setMoveOfflineMinutes(positionals[0], cliActor());
      if (values.json) printJson({ moveOfflineMinutes: now, changed: now !== before });
      else if (!positionals.length) print(`Minutes offline before another phone may take a code: ${now}`);
      else if (now === before) print(`Minutes offline: ${now} (unchanged)`);
      else print(out.green(`Minutes offline: ${before} → ${now}`));
      return 0;
    });
  },
};

export const settingsCommands: CommandDef[] = [movesPerDay, moveOfflineMinutes];
