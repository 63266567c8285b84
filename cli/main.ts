import { exitCodeFor, toAppError } from '../src/lib/error-reply';
import { AppError, UsageError } from '../src/domain/errors';
import { err as errColours } from './lib/ansi';
import { HelpRequested } from './lib/args';
import { COMMANDS } from './command-table';
import { jsonWasPrinted, printJsonError } from './commands/shared';

export function mainUsage(): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: pisonet [COMMAND] [OPTIONS]',
    '',
    'PisoNet Manager for the operator. With no command it opens the interactive menu.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'Run `pisonet COMMAND --help` for its options. --json prints stable JSON for scripts.',
    'Exit codes: 0 ok, 1 failed, 2 bad usage or bad input, 4 the database out of reach. Errors go to stderr as',
    '`error: <message> (<CODE>)`, with the same codes as the admin API; with --json also to stdout as',
    '{"error": {"code": ..., "message": ...}}. Money in --json is pesos, with ...Centavos beside it.',
  ].join('\n');
}

/**
 * Errors become the API's codes and messages (the one mapping, src/lib/error-reply.ts). Unexpected ones keep
 * their message: they are not the operator's mistake, and a terminal logs nothing, so "the error was logged"
 * would not be true.
 */
export function describeError(e: unknown): AppError {
  return toAppError(
    e,
    (err) =>
      `Something went wrong inside PisoNet Manager: ${(err as Error)?.message ?? String(err)}. Please report it with the command you ran.`,
  );
}

/**
 * The error on stderr, one line; with `--json` also as JSON on stdout (`{"error":{"code","message"}}`), so a
 * script that reads stdout gets an answer it can parse either way. The exit code is the same.
 */
function reportError(e: unknown, json = false): number {
  const app = describeError(e);
  // One JSON document on stdout: a command that printed its report before failing (router test) keeps it.
  if (json && !jsonWasPrinted()) printJsonError(app.code, app.message);
  process.stderr.write(`${errColours.red('error:')} ${app.message} (${app.code})\n`);
  if (e instanceof UsageError && e.usage) process.stderr.write(`\n${e.usage}\n`);
  return exitCodeFor(app);
}

/** Runs one subcommand; returns the exit code (0 ok, 1 failed, 2 bad usage/input). */
export async function runCommand(argv: string[]): Promise<number> {
  const [group, sub] = argv;
  if (group === '--help' || group === '-h' || group === 'help') {
    process.stdout.write(`${mainUsage()}\n`);
    return 0;
  }
  const cmd = COMMANDS.find((c) => c.name === `${group} ${sub}`) ?? COMMANDS.find((c) => c.name === group);
  try {
    if (!cmd) {
      const inGroup = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
      if (inGroup.length && (sub === undefined || sub === '--help' || sub === '-h')) {
        const text = `${inGroup.map((c) => c.usageLine).join('\n')}\n`;
        (sub === undefined ? process.stderr : process.stdout).write(text);
        return sub === undefined ? 2 : 0;
      }
      throw new UsageError(
        `unknown command "${argv.slice(0, inGroup.length ? 2 : 1).join(' ')}"`,
        mainUsage(),
      );
    }
    const def = cmd.load();
    return await def.run(argv.slice(cmd.name.split(' ').length));
  } catch (e) {
    if (e instanceof HelpRequested) {
      process.stdout.write(`${e.text}\n`);
      return 0;
    }
    if ((e as Error)?.name === 'ExitPromptError') return 130;
    return reportError(e, argv.includes('--json'));
  }
}
