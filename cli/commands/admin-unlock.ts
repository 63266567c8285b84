/**
 * `pisonet admin unlock [USERNAME]` and `pisonet subscribers unlock [ID|USERNAME]`: clear the waits after wrong
 * passwords (src/services/business/login-delays) of the web admin's login, or of the portal's account page. The owner who
 * mistyped, or a subscriber held back by someone else's guesses, needs no restart and no wait.
 */
import { out } from '../lib/ansi';
import { optionSpec, parseCommand } from '../lib/args';
import { cliActor } from '../lib/context';
import { CommandDef, print, printJson, withCore } from './shared';

const USAGE = `Usage: pisonet admin unlock [USERNAME] [--json]

Clears the wrong-password counts of the web admin's login (the form and the API's tokens): for USERNAME from
every address, with the budgets across usernames of those addresses, or every count when no USERNAME is given.
The next try is checked at once, with three free wrong passwords again.`;

const SUBSCRIBER_USAGE = `Usage: pisonet subscribers unlock [ID|USERNAME] [--json]

Clears the wrong-password count of a subscriber's sign-in on the portal's account page (from every address), or
every subscriber's count and every address's budget when none is named. The next sign-in is checked at once.
A phone's own wait after a few wrong tries (the portal's guess limits) is in the server's memory: lift it with
"Let them sign in now" on the subscriber's page, or the API's unlock.`;

const unlock: CommandDef = {
  name: 'admin unlock',
  summary: "clear the admin login's waits after wrong passwords (one username, or all)",
  usage: USAGE,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, USAGE, [0, 1]);
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

const unlockSubscriber: CommandDef = {
  name: 'subscribers unlock',
  summary: "clear a subscriber's portal sign-in waits after wrong passwords (one, or all)",
  usage: SUBSCRIBER_USAGE,
  async run(args) {
    const { values, positionals } = parseCommand(args, optionSpec([], ['json']), SUBSCRIBER_USAGE, [0, 1]);
    const ref = positionals[0]?.trim() || undefined;
    return withCore(async (core) => {
      if (ref === undefined) {
        const cleared = await core.services.loginDelays.unlockSubscriber();
        if (values.json) printJson({ username: null, cleared });
        else print(out.green(`Every subscriber sign-in unlocked: ${cleared} count(s) cleared.`));
        return 0;
      }
      const s = await core.services.subscribers.get(ref);
      const cleared = await core.services.subscribers.unlockSignIn(s.id, cliActor());
      if (values.json) printJson({ username: s.username, cleared: cleared ? 1 : 0 });
      else
        print(
          out.green(
            `Sign-in of ${s.accountNo} (${s.username}) unlocked${cleared ? '' : ': it had no wait'}.`,
          ),
        );
      return 0;
    });
  },
};

export const unlockCommands = [unlock, unlockSubscriber];
