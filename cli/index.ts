/**
 * `pisonet` / `npm run cli`: the operator's terminal face. No arguments on a terminal → the menu;
 * otherwise one subcommand (see `pisonet --help`). Both use the same services as the web admin.
 */
import dotenv from 'dotenv';
import { projectPath } from '../src/lib/paths';
import { mainUsage, runCommand } from './main';
import { dropOutputToClosedPipe, treatCtrlDAsCtrlC } from './lib/terminal';

// The project's .env and data, wherever the operator runs the command from (not the working folder).
// quiet: dotenv 17 otherwise prints a banner on stdout, which would corrupt --json output.
dotenv.config({ path: projectPath('.env'), quiet: true });

dropOutputToClosedPipe(process.stdout);
dropOutputToClosedPipe(process.stderr);

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      process.stderr.write(`The menu needs a terminal; give a command instead.\n\n${mainUsage()}\n`);
      return 2;
    }
    treatCtrlDAsCtrlC(process.stdin);
    // The menu's modules (its screens, the prompts) are loaded for the menu only, not for one command.
    const { runMenu } = require('./menu') as typeof import('./menu');
    return runMenu();
  }
  return runCommand(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // A half-open router socket or stdin must not keep a finished command alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (err: unknown) => {
    process.stderr.write(`error: ${(err as Error)?.stack ?? String(err)} (INTERNAL)\n`);
    process.exit(1);
  },
);
