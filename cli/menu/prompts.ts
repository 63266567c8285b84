import { input, rawlist, select } from '@inquirer/prompts';
import { toAppError } from '../../src/lib/error-reply';
import { normaliseMac } from '../../src/domain/units';
import type { UserTraffic } from '../../src/services/types';
import type { SiteRef } from '../../src/services/deps';
import { out } from '../lib/ansi';
import { describeError } from '../main';
import { print as say } from '../commands/shared';

/** Inquirer throws this on Ctrl-C (and when the terminal closes). */
function isExitPrompt(e: unknown): boolean {
  return (e as Error)?.name === 'ExitPromptError';
}

interface MenuItem {
  key: string;
  name: string;
  run: () => Promise<void>;
}

export { say };

export function showError(e: unknown): void {
  const app = describeError(e);
  say(`${out.red('error:')} ${app.message} (${app.code})`);
}

/**
 * After a refusal the operator can fix (its code in `fixable`; anything else is thrown again), shown
 * first: true to ask again with what was typed kept, false when they discard it (said so). The forms'
 * "Not saved yet." question.
 */
export async function fixOrDiscard(e: unknown, fixable: ReadonlySet<string>): Promise<boolean> {
  if (!fixable.has(toAppError(e).code)) throw e;
  showError(e);
  const again = await select({
    message: 'Not saved yet.',
    choices: [
      { name: 'Fix the answers (what you typed is kept)', value: true },
      { name: 'Discard', value: false },
    ],
  });
  if (!again) say(out.dim('Discarded.'));
  return again;
}

/**
 * Asks (`askAll`, from the answers so far), saves; a refusal the operator can fix (`fixable`,
 * fixOrDiscard) asks again with what was typed as the defaults. Undefined: discarded.
 */
export async function askUntilSaved<A, T>(
  first: A,
  fixable: ReadonlySet<string>,
  askAll: (a: A) => Promise<A>,
  save: (a: A) => Promise<T>,
): Promise<T | undefined> {
  let answers = first;
  for (;;) {
    answers = await askAll(answers);
    try {
      return await save(answers);
    } catch (e) {
      if (!(await fixOrDiscard(e, fixable))) return undefined;
    }
  }
}

/**
 * A numbered menu: type the number and Enter (or use the arrows). `0` goes back. Ctrl-C at the menu
 * goes back too; Ctrl-C inside an action cancels that action and returns here. Errors are shown in the
 * API's words and the menu stays open. `beforeDraw` prints above each drawing (the main menu's status line).
 */
export async function menuLoop(
  title: string,
  items: MenuItem[],
  backLabel = 'Back',
  opts: { beforeDraw?: () => void | Promise<void> } = {},
): Promise<void> {
  for (;;) {
    await opts.beforeDraw?.();
    let key: string;
    try {
      key = await rawlist({
        message: out.bold(title),
        choices: [
          ...items.map((i) => ({ key: i.key, name: i.name, value: i.key })),
          { key: '0', name: backLabel, value: '0' },
        ],
      });
    } catch (e) {
      if (isExitPrompt(e)) return;
      throw e;
    }
    if (key === '0') return;
    const item = items.find((i) => i.key === key);
    if (!item) continue;
    try {
      await item.run();
    } catch (e) {
      if (isExitPrompt(e)) say(out.dim('Cancelled.'));
      else showError(e);
    }
    say();
  }
}

/** A prompt's `validate` from a domain parser: true when it takes the text, else its message (the web's). */
export function checkedBy(parse: (text: string) => unknown): (text: string) => true | string {
  return (v) => {
    try {
      parse(v);
      return true;
    } catch (e) {
      return toAppError(e, (err) => (err as Error)?.message ?? String(err)).message;
    }
  };
}

/** A text prompt validated with a domain parser; returns the parsed value. */
export async function ask<T>(
  message: string,
  parse: (text: string) => T,
  opts: { default?: string } = {},
): Promise<T> {
  const text = await input({ message, default: opts.default, validate: checkedBy(parse) });
  return parse(text);
}

/**
 * An optional text answer. Its current value is the input's default, which comes back on Enter, so "-" clears
 * it: `withCurrent` is the question when there is one (saying so), `withoutCurrent` when there is none.
 */
export function askOptional(withCurrent: string, withoutCurrent: string, current: string): Promise<string> {
  return ask(current ? withCurrent : withoutCurrent, (v) => (v.trim() === '-' ? '' : v.trim()), {
    default: current || undefined,
  });
}

/** A required text answer's parser: trimmed, refused empty with "type WHAT". */
export const required =
  (what: string) =>
  (v: string): string => {
    if (v.trim() === '') throw new Error(`type ${what}`);
    return v.trim();
  };

/** A voucher code typed by the operator (not empty; the service says whether it exists). */
export const askCode = (): Promise<string> => ask('Voucher code:', required('a voucher code'));

export { confirmAction, confirmed } from '../lib/ask';

/** A site's id, or null for every site (`shared` names that choice, first); `current` pre-selected. */
export function askSiteOrAll(
  message: string,
  shared: string,
  sites: readonly SiteRef[],
  current: number | null,
): Promise<number | null> {
  return select<number | null>({
    message,
    choices: [{ name: shared, value: null }, ...sites.map((x) => ({ name: `${x.name} only`, value: x.id }))],
    default: current,
  });
}

/** `  branch-a` after a device in a picker when the shop has more than one site. */
const atSite = (u: UserTraffic, sites?: ReadonlyMap<number, string>): string =>
  sites ? `  ${sites.get(u.site) ?? `#${u.site}`}` : '';

/** Pick an active device from the list (with its site, given `sites`), or type any MAC. */
export async function pickMac(
  users: readonly UserTraffic[],
  message = 'Device:',
  sites?: ReadonlyMap<number, string>,
): Promise<string> {
  const typed = '__type__';
  const choice = users.length
    ? await select({
        message,
        choices: [
          ...users.map((u) => ({
            name: `${u.mac}  ${u.ip ?? '-'}  ${u.user}${atSite(u, sites)}`,
            value: u.mac,
          })),
          { name: 'Type a MAC address…', value: typed },
        ],
        pageSize: 10,
      })
    : typed;
  if (choice !== typed) return choice;
  return ask('MAC address:', (v) => normaliseMac(v, 'mac'));
}

/** Pick one active user (voucher in use); undefined when nobody is online. */
export async function pickUser(
  users: readonly UserTraffic[],
  message: string,
  sites?: ReadonlyMap<number, string>,
): Promise<UserTraffic | undefined> {
  if (users.length === 0) {
    say(out.dim('No active users.'));
    return undefined;
  }
  const mac = await select({
    message,
    choices: users.map((u) => userChoice(u, u.mac, sites)),
    pageSize: 10,
  });
  return users.find((u) => u.mac === mac);
}

/** A device in a picker of users: `CODE  MAC  PLAN` (and its site, given `sites`). */
export function userChoice<T>(
  u: UserTraffic,
  value: T,
  sites?: ReadonlyMap<number, string>,
): { name: string; value: T } {
  return { name: `${u.user}  ${u.mac}  ${u.profile}${atSite(u, sites)}`, value };
}
