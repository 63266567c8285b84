/**
 * A card template: how the owner's printed voucher cards look. The shop's own wording (a headline, a footer
 * line), colours, which facts show, the price big or on a line, the logo and the QR code on or off, and the paper
 * its prints open on. Pure: checked here, stored by src/services/shop/card-templates/index.ts, laid out by card-layout.ts and
 * drawn by views/sheets/_card.ejs (every text escaped there).
 */
import { ValidationError, describeValue } from './errors';
import { ErrorCollector } from './error-collector';
import { SHEET_LAYOUTS, type CardDesign, type SheetLayout } from './cards';
import { parseOneOf } from './quantities';

/** `big`: the price large near the top, in the accent colour. `line`: beside the plan's name. `none`: not printed. */
export const PRICE_STYLES = ['big', 'line', 'none'] as const;
export type PriceStyle = (typeof PRICE_STYLES)[number];

/** The language of a card's fixed words ("WiFi:", "Password:", how to connect, online time). */
export const CARD_LANGUAGES = ['en', 'fil'] as const;
export type CardLanguage = (typeof CARD_LANGUAGES)[number];
export const CARD_LANGUAGE_LABELS: Record<CardLanguage, string> = { en: 'English', fil: 'Filipino' };

/** The facts a card may show besides the code (always printed) and a password (printed whenever a voucher has one). */
export const CARD_FACTS = ['wifi', 'plan', 'validity', 'data', 'speed', 'hint'] as const;
export type CardFact = (typeof CARD_FACTS)[number];

export const CARD_FACT_LABELS: Record<CardFact, string> = {
  wifi: 'WiFi name',
  plan: 'Plan name',
  validity: 'Time (duration)',
  data: 'Data allowance',
  speed: 'Speed',
  hint: 'How to connect',
};

export interface CardTemplate {
  /** Printed at the top; empty = the shop's name when the logo is on, no header otherwise. */
  headline: string;
  /** The shop's own last line, e.g. "Salamat po!"; empty = none. */
  footer: string;
  /** `#rrggbb`: the header band, the big price and the card's border. */
  accent: string;
  /** `#rrggbb`: the card. Text is printed black or white, whichever reads better on it. */
  background: string;
  /** The shop's logo (Settings) in the header. */
  logo: boolean;
  qr: boolean;
  price: PriceStyle;
  show: Record<CardFact, boolean>;
  /** The paper its prints open on; the print page can switch. */
  paper: SheetLayout;
  /** The language of the card's fixed words; the shop's own wording (headline, last line) is printed as typed. */
  language: CardLanguage;
}

export const HEADLINE_MAX = 40;
export const FOOTER_MAX = 80;
/** Large text (the big price) against the card: WCAG's 3:1 for large text. */
const PRICE_MIN_CONTRAST = 3;

const ALL_FACTS: Record<CardFact, boolean> = {
  wifi: true,
  plan: true,
  validity: true,
  data: true,
  speed: true,
  hint: true,
};

/** The owner's design before they save one: the price big under the shop's logo and name. */
export const DEFAULT_CARD_TEMPLATE: CardTemplate = {
  headline: '',
  footer: '',
  accent: '#0b4f99',
  background: '#ffffff',
  logo: true,
  qr: true,
  price: 'big',
  show: ALL_FACTS,
  paper: 'a4',
  language: 'en',
};

/** The two fixed designs cards printed with before templates (CARD_DESIGNS `compact` and `logo`). */
const COMPACT: CardTemplate = { ...DEFAULT_CARD_TEMPLATE, accent: '#000000', logo: false, price: 'line' };
export const PRESET_TEMPLATES: Record<Exclude<CardDesign, 'custom'>, CardTemplate> = {
  compact: COMPACT,
  logo: { ...COMPACT, logo: true },
};

const HEX_RE = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** `#0B4F99`, `0b4f99` or `#08f` → `#0b4f99` / `#0088ff`. */
export function parseHexColour(value: unknown, field: string): string {
  const m = typeof value === 'string' ? HEX_RE.exec(value.trim()) : null;
  if (!m) throw ValidationError.invalid(field, value, 'a colour', 'use a hex colour like #0b4f99');
  const hex = m[1].toLowerCase();
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
}

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The text colour for a background: black or white, whichever contrasts more. Either way at least 4.5:1, so the
 * code (printed in it) stays readable on any background the owner picks.
 */
export function inkOn(background: string): '#000000' | '#ffffff' {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

/** The colours a card is drawn in. */
export type CardColours = ReturnType<typeof cardColours>;

/**
 * A thermal printer prints black dots on white paper only: its cards are black on white whatever the template
 * says (a coloured background would come out as a grey dither under the code).
 */
export function cardColours(t: CardTemplate, paper: SheetLayout) {
  const mono = paper !== 'a4';
  const accent = mono ? '#000000' : t.accent;
  const background = mono ? '#ffffff' : t.background;
  // `ink`: text on the background (the code among it); `accentInk`: on the accent (the header band).
  return { accent, background, ink: inkOn(background), accentInk: inkOn(accent) };
}

/** Stored and sent templates hold the default's keys only: a typo is named, not silently dropped. */
const KEYS = Object.keys(DEFAULT_CARD_TEMPLATE) as (keyof CardTemplate)[];

// C0 and C1 controls, line and paragraph separators: a card's line is one line of plain text.
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw ValidationError.invalid(field, value, 'text', 'use plain text');
  const s = value.trim().replace(/\s+/g, ' ');
  if (CONTROL_RE.test(s)) throw new ValidationError(field, 'use one line of plain text');
  if ([...s].length > max) throw new ValidationError(field, `use at most ${max} characters`);
  return s;
}

function flag(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean')
    throw ValidationError.invalid(field, value, 'on or off', 'use true or false');
  return value;
}

function facts(
  value: unknown,
  base: Record<CardFact, boolean>,
  c: ErrorCollector,
): Record<CardFact, boolean> {
  if (value === undefined) return base;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    c.add('show', `${describeValue(value)} is not a list of facts; use an object like {"speed": false}`);
    return base;
  }
  const out = { ...base };
  for (const [k, v] of Object.entries(value)) {
    if (!(CARD_FACTS as readonly string[]).includes(k)) {
      c.add(`show.${k}`, `not a fact a card shows; use ${CARD_FACTS.join(', ')}`);
      continue;
    }
    const got = c.field(() => flag(v, `show.${k}`));
    if (got !== undefined) out[k as CardFact] = got;
  }
  return out;
}

/**
 * A template from what a person, a file or a program sent, every problem at once (ValidationErrors, one per
 * field). Keys left out keep `base`'s values, so a change of one colour sends only that colour.
 */
export function checkCardTemplate(input: unknown, base: CardTemplate = DEFAULT_CARD_TEMPLATE): CardTemplate {
  const c = new ErrorCollector();
  if (!input || typeof input !== 'object' || Array.isArray(input)) {
    c.add('template', `${describeValue(input)} is not a card template; use an object`);
    c.throwIfAny('Card template not saved');
  }
  const o = input as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!(KEYS as readonly string[]).includes(k))
      c.add(k, `not a card template setting; use ${KEYS.join(', ')}`);
  const pick = <T>(key: (typeof KEYS)[number], parse: (v: unknown) => T, fallback: T): T =>
    o[key] === undefined ? fallback : (c.field(() => parse(o[key])) ?? fallback);
  const t: CardTemplate = {
    headline: pick('headline', (v) => text(v, 'headline', HEADLINE_MAX), base.headline),
    footer: pick('footer', (v) => text(v, 'footer', FOOTER_MAX), base.footer),
    accent: pick('accent', (v) => parseHexColour(v, 'accent'), base.accent),
    background: pick('background', (v) => parseHexColour(v, 'background'), base.background),
    logo: pick('logo', (v) => flag(v, 'logo'), base.logo),
    qr: pick('qr', (v) => flag(v, 'qr'), base.qr),
    price: pick('price', (v) => parseOneOf(v, 'price', PRICE_STYLES, 'a price style'), base.price),
    show: facts(o.show, base.show, c),
    paper: pick('paper', (v) => parseOneOf(v, 'paper', SHEET_LAYOUTS, 'a paper'), base.paper),
    language: pick('language', (v) => parseOneOf(v, 'language', CARD_LANGUAGES, 'a language'), base.language),
  };
  // The colours' contrast, once both are colours (every other problem is reported with it).
  const coloursRead = !c.errors.some((e) => ['accent', 'background', 'price'].includes(e.field));
  if (coloursRead && t.price === 'big') {
    const ratio = contrastRatio(t.accent, t.background);
    if (ratio < PRICE_MIN_CONTRAST)
      c.add(
        'accent',
        `the big price in ${t.accent} on ${t.background} would be hard to read (contrast ${ratio.toFixed(1)}:1); ` +
          `use a darker accent or a lighter background (at least ${PRICE_MIN_CONTRAST}:1), or print the price on a line`,
      );
  }
  c.throwIfAny('Card template not saved');
  return t;
}

/**
 * A stored template as it reads now: a setting added since it was saved takes the default's value. One that no
 * longer passes (edited by hand) gives null, so the caller falls back instead of printing it.
 */
export function readStoredTemplate(json: string): CardTemplate | null {
  try {
    return checkCardTemplate(JSON.parse(json));
  } catch {
    return null;
  }
}
