/**
 * Translations for the customer-facing pages. Messages are flat `area.key` → text with `{name}` slots.
 * English is the fallback for any key a language lacks; other modules can add keys or whole languages
 * with registerMessages (e.g. admin pages adding their own `admin.*` keys).
 */
import en from './en.json';
import fil from './fil.json';

type Messages = Record<string, string>;

const catalogs = new Map<string, Messages>([
  ['en', { ...en }],
  ['fil', { ...fil }],
]);

const DEFAULT_LANGUAGE = 'en';

export function registerMessages(lang: string, messages: Messages): void {
  catalogs.set(lang, { ...(catalogs.get(lang) ?? {}), ...messages });
}

export interface Translator {
  lang: string;
  t(key: string, vars?: Record<string, string | number>): string;
}

export function translator(lang: string): Translator {
  const chosen = catalogs.has(lang) ? lang : DEFAULT_LANGUAGE;
  const own = catalogs.get(chosen) ?? {};
  const fallback = catalogs.get(DEFAULT_LANGUAGE) ?? {};
  return {
    lang: chosen,
    t(key, vars = {}) {
      const text = own[key] ?? fallback[key] ?? key;
      return text.replace(/\{(\w+)\}/g, (m, name: string) =>
        vars[name] !== undefined ? String(vars[name]) : m,
      );
    },
  };
}

/** `?lang=` wins; else the first supported language in Accept-Language (`tl` is read as Filipino). */
export function pickLanguage(query: unknown, acceptLanguage: string | undefined): string {
  if (typeof query === 'string' && catalogs.has(query)) return query;
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { tag: tag.split('-')[0] === 'tl' ? 'fil' : tag.split('-')[0], q: q ? Number(q[1]) : 1 };
    })
    .filter((x) => x.tag)
    .sort((a, b) => b.q - a.q);
  return wanted.find((w) => catalogs.has(w.tag))?.tag ?? DEFAULT_LANGUAGE;
}
