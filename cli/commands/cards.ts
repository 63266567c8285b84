/**
 * Printed cards from the terminal: the owner's card designs (the admin's Card design page) and quick print (the
 * dashboard's), on the same services.
 */
import {
  CARD_FACTS,
  CARD_LANGUAGES,
  PRICE_STYLES,
  type CardFact,
  type CardTemplate,
} from '../../src/domain/card-template';
import { parseSheetLayout, QUICK_PRINT_MAX, SHEET_LAYOUTS } from '../../src/domain/cards';
import { ValidationError } from '../../src/domain/errors';
import type { TemplateScope } from '../../src/services/shop/card-templates';
import { quickPrint } from '../../src/services/shop/vouchers/quick-print';
import { out } from '../lib/ansi';
import { parseCommand, requireOption, usageError, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { renderSheetToFile, sheetNotes } from '../lib/sheet';
import { generateOnSites } from '../lib/site-batch';
import { keyValues } from '../lib/table';
import { CommandDef, parseBatchId, print, printJson, readJsonFile, withCore } from './shared';

const SCOPE = `--profile NAME: that profile's design; --batch ID: that batch's; neither: the shop's.`;

function scopeOf(values: Record<string, string | boolean | undefined>, usage: string): TemplateScope {
  if (typeof values.profile === 'string' && typeof values.batch === 'string')
    throw usageError('choose one of --profile and --batch', usage);
  if (typeof values.batch === 'string') return { kind: 'batch', batchId: parseBatchId(values.batch) };
  if (typeof values.profile === 'string') return { kind: 'profile', profile: values.profile };
  return { kind: 'shop' };
}

const SCOPE_OPTIONS = ['profile', 'batch'];

function describe(t: CardTemplate): string {
  return keyValues([
    ['Headline', t.headline || '(the shop’s name with the logo)'],
    ['Last line', t.footer || '—'],
    ['Accent', t.accent],
    ['Card colour', t.background],
    ['Price', t.price],
    ['Logo', t.logo ? 'on' : 'off'],
    ['QR code', t.qr ? 'on' : 'off'],
    ['Shows', CARD_FACTS.filter((f) => t.show[f]).join(', ') || '—'],
    ['Paper', t.paper],
    ['Language', t.language === 'fil' ? 'Filipino (fil)' : 'English (en)'],
  ]);
}

const SHOW = `Usage: pisonet cards show [--profile NAME | --batch ID] [--json]

Shows the card design printed cards use (the admin's Card design page) and where it comes from: the
batch's own, its profile's, the shop's, or the starting design. ${SCOPE}`;

const show: CommandDef = {
  name: 'cards show',
  summary: 'show the design of printed cards',
  usage: SHOW,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(SCOPE_OPTIONS, ['json']), SHOW);
    const scope = scopeOf(values, SHOW);
    return withCore(async (core) => {
      const r = await core.services.cards.resolve(scope);
      if (values.json) printJson({ from: r.from, template: r.template });
      else {
        print(describe(r.template));
        print(
          out.dim(
            `From: ${r.from === 'default' ? 'the starting design (none saved)' : `the ${r.from}'s design`}`,
          ),
        );
      }
      return 0;
    });
  },
};

const SET = `Usage: pisonet cards set [--profile NAME | --batch ID] [--headline TEXT] [--footer TEXT]
                         [--accent #RRGGBB] [--background #RRGGBB] [--price ${PRICE_STYLES.join('|')}]
                         [--paper ${SHEET_LAYOUTS.join('|')}] [--logo on|off] [--qr on|off]
                         [--language ${CARD_LANGUAGES.join('|')}] [--show FACTS] [--hide FACTS] [--file FILE] [--json]

Changes a card design; what is left out keeps its value (a profile's or a batch's first design starts from
the one it printed with). ${SCOPE} FACTS: a comma list of ${CARD_FACTS.join(', ')}.
--language: the card's printed words ("WiFi:", "Password:", how to connect, online time) in English or Filipino.
--file reads a design as JSON (the shape \`cards show --json\` prints under "template"; - for stdin).
Every problem is reported at once and nothing is saved; the change is audited.`;

/** The options saved as typed (the service checks them). */
const TEXTS = ['headline', 'footer', 'accent', 'background', 'price', 'paper', 'language'] as const;

function onOff(value: string | boolean | undefined, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'on' || value === 'yes' || value === 'true') return true;
  if (value === 'off' || value === 'no' || value === 'false') return false;
  throw ValidationError.invalid(field, value, 'on or off', 'use on or off');
}

function factList(value: string | boolean | undefined, field: string): CardFact[] {
  if (typeof value !== 'string') return [];
  return value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean)
    .map((f) => {
      if (!(CARD_FACTS as readonly string[]).includes(f))
        throw ValidationError.invalid(field, f, 'a fact a card shows', `use ${CARD_FACTS.join(', ')}`);
      return f as CardFact;
    });
}

const set: CommandDef = {
  name: 'cards set',
  summary: 'change the design of printed cards',
  usage: SET,
  async run(args) {
    const { values } = parseCommand(
      args,
      optionSpec([...SCOPE_OPTIONS, ...TEXTS, 'logo', 'qr', 'show', 'hide', 'file'], ['json']),
      SET,
    );
    const scope = scopeOf(values, SET);
    const fromFile =
      typeof values.file === 'string' ? ((await readJsonFile(values.file)) as Record<string, unknown>) : {};
    const change: Record<string, unknown> = { ...fromFile };
    for (const k of TEXTS) if (typeof values[k] === 'string') change[k] = values[k];
    for (const k of ['logo', 'qr'] as const) {
      const v = onOff(values[k], k);
      if (v !== undefined) change[k] = v;
    }
    const shown = Object.fromEntries([
      ...factList(values.show, 'show').map((f) => [f, true]),
      ...factList(values.hide, 'hide').map((f) => [f, false]),
    ]);
    if (Object.keys(shown).length)
      change.show = { ...((fromFile.show as Record<string, unknown> | undefined) ?? {}), ...shown };
    if (!Object.keys(change).length) throw usageError('nothing to change', SET);
    return withCore(async (core) => {
      const t = await core.services.cards.save(scope, change, cliActor());
      if (values.json) printJson({ template: t });
      else {
        print(describe(t));
        print(out.green('Card design saved.'));
      }
      return 0;
    });
  },
};

const RESET = `Usage: pisonet cards reset --profile NAME | --batch ID

Removes a profile's or a batch's own design: its cards print with the one above it again (the profile's,
then the shop's).`;

const reset: CommandDef = {
  name: 'cards reset',
  summary: "remove a profile's or a batch's own card design",
  usage: RESET,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(SCOPE_OPTIONS), RESET);
    const scope = scopeOf(values, RESET);
    if (scope.kind === 'shop') throw usageError('name a --profile or a --batch', RESET);
    return withCore(async (core) => {
      const removed = await core.services.cards.remove(scope, cliActor());
      print(
        removed ? out.green('Removed: the design above it applies again.') : 'It had no design of its own.',
      );
      return 0;
    });
  },
};

const PRINT = `Usage: pisonet vouchers print --profile NAME --out FILE [--count N] [--site SITE] [--paper P] [--json]

Quick print: makes N vouchers of a profile (default 1, at most ${QUICK_PRINT_MAX}; a batch like any other, noted
"Quick print") and writes their cards for the thermal printer to FILE (HTML, as \`vouchers sheet\`): the card
design's 80 mm roll when it has one, else 58 mm, unless --paper. --site: another site's router (its id or name).`;

const quick: CommandDef = {
  name: 'vouchers print',
  summary: 'make a few vouchers and write their cards for the thermal printer',
  usage: PRINT,
  async run(args) {
    const { values } = parseCommand(
      args,
      { ...optionSpec(['profile', 'count', 'site', 'paper'], ['json']), out: { type: 'string', short: 'o' } },
      PRINT,
    );
    const profile = requireOption(values, 'profile', PRINT);
    const file = requireOption(values, 'out', PRINT);
    const paper = values.paper === undefined ? undefined : parseSheetLayout(values.paper, 'paper');
    return withCore(async (core) => {
      const made = await quickPrint(
        { generate: (input, actor) => generateOnSites(core, input, actor), cards: core.services.cards },
        { profile, count: values.count, ...(typeof values.site === 'string' ? { site: values.site } : {}) },
        cliActor(),
      );
      const res = await renderSheetToFile(core, made.batchId, file, { layout: paper ?? made.paper });
      if (values.json)
        printJson({
          batchId: made.batchId,
          codes: made.codes,
          paper: res.layout,
          file,
          warning: res.target.warning,
        });
      else {
        print(made.codes.join('\n'));
        print(
          out.green(
            `Batch #${made.batchId}: wrote ${file} (${res.cards} card${res.cards === 1 ? '' : 's'}, ${res.layout})`,
          ),
        );
        for (const note of sheetNotes(res, `pisonet vouchers sheet --batch ${made.batchId} --out FILE`))
          print(out.yellow(note));
      }
      return 0;
    });
  },
};

export const cardCommands = [quick, show, set, reset];
