/**
 * The one-command prompts (`--yes` not given, a password typed in): @inquirer/prompts and what it pulls in are
 * loaded when a command asks, not by every start of the terminal. The menu uses @inquirer/prompts directly.
 */
import type { confirm as inquirerConfirm, password as inquirerPassword } from '@inquirer/prompts';

export async function confirm(config: Parameters<typeof inquirerConfirm>[0]): Promise<boolean> {
  const prompts = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  return prompts.confirm(config);
}

export async function password(config: Parameters<typeof inquirerPassword>[0]): Promise<string> {
  const prompts = require('@inquirer/prompts') as typeof import('@inquirer/prompts');
  return prompts.password(config);
}
