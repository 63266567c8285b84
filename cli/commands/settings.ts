/** Shop settings the operator may change from a script: customer self-service's moves per day. */
import { MAX_MOVES_PER_DAY, parseMovesPerDay } from '../../src/domain/self-service';
import { out } from '../lib/ansi';
import { parseCommand } from '../lib/args';
import { cliActor } from '../lib/context';
import { CommandDef, print, printJson, withCore } from './shared';

const MOVES = `Usage: pisonet settings moves-per-day [N] [--json]

How many times one code may move to a new device (a phone that came back with another WiFi address)
in any 24 hours: 0 (never) to ${MAX_MOVES_PER_DAY}, default 3. Without N it shows the current value.`;

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

export const settingsCommands: CommandDef[] = [movesPerDay];
