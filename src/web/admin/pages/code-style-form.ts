/**
 * The code style fields shared by the batch form (Vouchers) and Settings, and the figures shown beside them
 * before any code is made: worked out by the domain (src/domain/code-style.ts) when the page is made, and again
 * by public/js/admin-code-style.js through GET /admin/api/code-style as the owner changes a field.
 */
import { CODE_ALPHABET_NAMES } from '../../../domain/codes';
import {
  ALPHABET_LABELS,
  STYLE_FIELDS,
  type CodeStyle,
  type CodeStyleInput,
} from '../../../domain/code-style';
import { codeStyleFigures } from '../../../services/shop/vouchers/code-style';
import type { SettingsService } from '../../../services/types';
import { field, formFailure } from './common';

type StyleFieldNames = Record<keyof CodeStyleInput, string>;

/** The batch form uses the API's names. */
export const BATCH_STYLE_FIELDS: StyleFieldNames = { ...STYLE_FIELDS };

/** Settings' general form already had `code_length` and `code_prefix`. */
export const SETTINGS_STYLE_FIELDS: StyleFieldNames = {
  alphabet: 'code_alphabet',
  length: 'code_length',
  prefix: 'code_prefix',
  passwordAlphabet: 'password_alphabet',
  passwordLength: 'password_length',
};

/** What the form sent, as text (the domain parses and bounds it). */
export function styleInputOf(body: unknown, names: StyleFieldNames): CodeStyleInput {
  return Object.fromEntries(Object.entries(names).map(([key, name]) => [key, field(body, name)]));
}

/** A style as the form's values (to fill the fields in). */
export function styleValues(style: CodeStyle, names: StyleFieldNames): Record<string, string> {
  return {
    [names.alphabet]: style.alphabet,
    [names.length]: String(style.length),
    [names.prefix]: style.prefix,
    [names.passwordAlphabet]: style.password?.alphabet ?? 'same',
    [names.passwordLength]: String(style.password?.length ?? 6),
  };
}

/**
 * The figures of the style the fields hold (on top of the shop's); never throws for a bad field. `summary`
 * (strengthSummary) and `verdict` (strengthVerdict: strong or too weak, in a shop's words) are null when the
 * fields cannot be read (their own errors say why); `problem`: below the floor, why, and what would do.
 */
export async function figuresView(settings: Pick<SettingsService, 'get'>, input: CodeStyleInput) {
  try {
    const f = await codeStyleFigures(settings, input);
    return { summary: f.summary, verdict: f.verdict, problem: f.problem };
  } catch (err) {
    formFailure(err); // rethrows anything that is not a field error
    return { summary: null, verdict: null, problem: null };
  }
}

/** What the partial (views/partials/code-style.ejs) needs besides the values and errors. */
export function styleFormView(names: StyleFieldNames, figures: Awaited<ReturnType<typeof figuresView>>) {
  return {
    names,
    figures,
    alphabets: CODE_ALPHABET_NAMES.map((a) => ({ value: a, label: ALPHABET_LABELS[a] })),
    passwords: [
      { value: 'same', label: 'The code itself (one thing to type)' },
      ...CODE_ALPHABET_NAMES.map((a) => ({ value: a, label: `Separate: ${ALPHABET_LABELS[a]}` })),
    ],
  };
}
