/**
 * Choosing a code style in the terminal menu (a batch's, or the shop's in Settings): the characters, the length,
 * the prefix and the password, then the style's figures from the domain; a style under the guessing floor is
 * explained and asked again, never taken.
 */
import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { CODE_ALPHABET_NAMES, parsePrefix, type CodeAlphabet } from '../../src/domain/codes';
import {
  ALPHABET_LABELS,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  minimumLength,
  strengthSummary,
  type CodeStyle,
} from '../../src/domain/code-style';
import { MAX_CODE_LENGTH, MIN_CODE_LENGTH } from '../../src/domain/codes';
import { codeStyleFigures } from '../../src/services/shop/vouchers/code-style';
import { parseWhole } from '../commands/shared';
import { out } from '../lib/ansi';
import { ask, say } from './prompts';

/** The style's one-line figures, as the admin pages show them, after `label` ("The shop's codes"). */
export function sayStyle(style: CodeStyle, label: string): void {
  say(out.dim(`${label}: ${strengthSummary(style)}`));
}

/** A code prefix that `alphabet` can carry (`current` offered). */
export const askPrefix = (alphabet: CodeAlphabet, current: string): Promise<string> =>
  ask(
    `Code prefix (optional, up to 8 ${alphabet === 'digits' ? 'digits' : 'letters/digits'}):`,
    (v) => parsePrefix(v, 'prefix', alphabet),
    { default: current || undefined },
  );

/** Asks for every part of a style, starting from `base`, until it meets the floor. */
export async function askCodeStyle(core: Core, base: CodeStyle): Promise<CodeStyle> {
  for (;;) {
    const alphabet = await select<CodeAlphabet>({
      message: 'Characters:',
      choices: CODE_ALPHABET_NAMES.map((a) => ({ name: ALPHABET_LABELS[a], value: a })),
      default: base.alphabet,
    });
    const shortest = minimumLength(alphabet, base.password) ?? base.length;
    const length = await ask(
      `Code length (${MIN_CODE_LENGTH}-${MAX_CODE_LENGTH}; at least ${shortest} for these characters${base.password ? ' with the password' : ''}):`,
      (v) => parseWhole(v, 'length', 'a code length', MIN_CODE_LENGTH, MAX_CODE_LENGTH),
      { default: String(alphabet === base.alphabet ? base.length : Math.max(shortest, base.length)) },
    );
    const prefix = await askPrefix(alphabet, safePrefix(base.prefix, alphabet));
    const password = await select<CodeAlphabet | 'same'>({
      message: 'Password:',
      choices: [
        { name: 'The code itself (one thing to type)', value: 'same' },
        ...CODE_ALPHABET_NAMES.map((a) => ({ name: `Separate: ${ALPHABET_LABELS[a]}`, value: a })),
      ],
      default: base.password?.alphabet ?? 'same',
    });
    const passwordLength =
      password === 'same'
        ? undefined
        : await ask(
            `Password length (${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH}):`,
            (v) =>
              parseWhole(v, 'password_length', 'a password length', MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH),
            { default: String(base.password?.length ?? 6) },
          );
    const f = await codeStyleFigures(core.services.settings, {
      alphabet,
      length,
      prefix,
      passwordAlphabet: password,
      passwordLength,
    });
    if (!f.problem) {
      sayStyle(f.style, 'Chosen');
      return f.style;
    }
    say(out.red(f.problem));
    base = f.style;
  }
}

/** The base's prefix when the chosen characters can carry it (a letter prefix cannot go before numbers only). */
function safePrefix(prefix: string, alphabet: CodeAlphabet): string {
  try {
    return parsePrefix(prefix, 'prefix', alphabet);
  } catch {
    return '';
  }
}
