/**
 * `pisonet admin unlock [USERNAME]`: clears the admin login's waits after wrong passwords (src/services/login-delays),
 * for one username from every address, or for everyone. The owner who mistyped needs no restart and no wait.
 */
import { out } from '../lib/ansi';
import { parseCommand } from '../lib/args';
import { CommandDef, print, printJson, withCore } from './shared';

const USAGE = `Usage: pisonet admin unlock [USERNAME] [--json]

Clears the wrong-password counts of the web admin's login: for USERNAME (from every address), or for every
username when none is given. The next try is checked at once, with three free wrong passwords again.`;

const unlock: CommandDef = {
  name: 'admin unlock',
  summary: "clear the admin login's waits after wrong passwords (one username, or all)",
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, USAGE, {
      min: 0,
      max: 1,
    });
    const username = positionals[0]?.trim() || undefined;
    return withCore(async (core) => {
      const cleared = await core.services.loginDelays.unlock(username);
      if (values.json) printJson({ username: username ?? null, cleared });
      else
        print(
          out.green(
            `${username ? `Login of ${username}` : 'Every login'} unlocked: ${cleared} address(es) cleared.`,
          ),
        );
      return 0;
    });
  },
};

export const adminUnlockCommands = [unlock];
