/**
 * The one-command prompts (`--yes` not given, a password typed in): @inquirer/prompts and what it pulls in are
 * loaded when a command asks, not by every start of the terminal. The menu uses @inquirer/prompts directly.
 */
import type { password as inquirerPassword } from '@inquirer/prompts';

/** Every destructive action asks first; the default is No. */
export async function confirmAction(message: string): Promise<boolean> {
  const prompts = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  return prompts.confirm({ message, default: false });
}

/** confirmAction, and a No said (`no`: that nothing was done) before false comes back. */
export async function confirmed(message: string, no = 'Nothing changed.'): Promise<boolean> {
  if (await confirmAction(message)) return true;
  process.stdout.write(`${no}\n`);
  return false;
}

export async function password(config: Parameters<typeof inquirerPassword>[0]): Promise<string> {
  const prompts = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  return prompts.password(config);
}
