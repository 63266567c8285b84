/** `pisonet settings code-style`: the shop's code style for new vouchers, shown with its figures, or set. */
import { styleFigures } from '../../src/domain/code-style';
import {
  codeStyleFigures,
  saveShopCodeStyle,
  storedCodeStyle,
} from '../../src/services/shop/vouchers/code-style';
import { resolveCodeStyle } from '../../src/domain/code-style';
import { out } from '../lib/ansi';
import { givenOptions, parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { codeStyleJson } from '../../src/services/shop/vouchers/json';
import { CommandDef, print, printJson, withCore } from './shared';

const USAGE = `Usage: pisonet settings code-style [--alphabet digits|lowercase|uppercase] [--length N] [--prefix X]
                                   [--password-alphabet same|digits|lowercase|uppercase]
                                   [--password-length N] [--check] [--json]

The shop's code style, used by new batches (each may choose another) and the coin vendos' sales: the
characters, the length of the random part, a prefix, and the password (same: the code itself; else a
separate password printed on the card). Shown with how hard it is to guess: the possible codes, the bits,
and how long a guesser at the portal's limit needs for a 1% chance at one of 1,000 unused codes.
With options it is set (the rest kept); a style under the floor (a year: 8 letters or 12 digits at least)
is refused, saying why. --check shows the figures of the options without saving.`;

/** A code style's options, under the service's names (`vouchers generate` takes them too). */
export const CODE_STYLE_OPTIONS = {
  alphabet: 'alphabet',
  length: 'length',
  prefix: 'prefix',
  passwordAlphabet: 'password-alphabet',
  passwordLength: 'password-length',
};

export const codeStyle: CommandDef = {
  name: 'settings code-style',
  summary: "show or set the shop's code style (numbers only, small letters, a separate password)",
  usage: USAGE,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(CODE_STYLE_OPTIONS, ['check', 'json']), USAGE);
    const input = givenOptions(values, CODE_STYLE_OPTIONS);
    const setting = Object.keys(input).length > 0 && !values.check;
    return withCore(async (core) => {
      const settings = core.services.settings;
      const before = await storedCodeStyle(settings);
      // The figures of what was asked (the shape checked, the floor reported), or of the stored style.
      const f = setting
        ? styleFigures(resolveCodeStyle(before, input))
        : await codeStyleFigures(settings, input);
      const changed = setting ? await saveShopCodeStyle(settings, f.style, cliActor()) : [];
      if (values.json) {
        // The API's figures (GET /admin/api/code-style), and what was saved.
        printJson({ ...codeStyleJson(f), changed }, { api: true });
        return 0;
      }
      print(`${f.summary}${f.style.prefix ? ` Prefix: ${f.style.prefix}.` : ''}`);
      if (f.problem) print(out.yellow(f.problem));
      if (setting) print(changed.length ? out.green('Saved: new vouchers use this style.') : 'Unchanged.');
      return 0;
    });
  },
};
