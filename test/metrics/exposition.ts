/**
 * Prometheus' text exposition format (version 0.0.4) read as Prometheus reads it: `# HELP name text`, `# TYPE name
 * type`, then samples `name{label="value",...} value`, label values with `\\`, `\"` and `\n` escaped. Written
 * here rather than taken from prom-client, so the test reads what a scraper gets, not what the library meant.
 */
import type { Harness } from '../helpers/harness';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  help?: string;
  type?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The labels of `{a="x",b="y"}` from `i` (just after `{`); returns them and the index after `}`. */
function readLabels(line: string, i: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  while (line[i] !== '}') {
    const eq = line.indexOf('=', i);
    const name = line.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new Error(`bad label name "${name}" in: ${line}`);
    if (line[eq + 1] !== '"') throw new Error(`label value not quoted in: ${line}`);
    let value = '';
    let j = eq + 2;
    for (; line[j] !== '"'; j++) {
      if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
      if (line[j] === '\\') {
        const next = line[++j];
        value += next === 'n' ? '\n' : next;
      } else value += line[j];
    }
    if (name in labels) throw new Error(`label ${name} twice in: ${line}`);
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') i++;
  }
  return { labels, end: i + 1 };
}

/** As Prometheus reads a value (Go's ParseFloat): NaN and Inf in any case (prom-client writes `Nan`). */
function parseValue(text: string, line: string): number {
  const word = text.toLowerCase();
  if (word === '+inf' || word === 'inf') return Infinity;
  if (word === '-inf') return -Infinity;
  if (word === 'nan') return NaN;
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) throw new Error(`bad sample value "${text}" in: ${line}`);
  return v;
}

/** The families by name; a histogram's _bucket, _sum and _count samples belong to their family. */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => {
    let f = families.get(name);
    if (!f) families.set(name, (f = { samples: [] }));
    return f;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (!NAME.test(meta[2])) throw new Error(`bad metric name in: ${line}`);
      if (meta[1] === 'HELP') family(meta[2]).help = meta[3];
      else family(meta[2]).type = meta[3];
      continue;
    }
    if (line.startsWith('#')) continue;
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const nameEnd = brace !== -1 && brace < space ? brace : space;
    const name = line.slice(0, nameEnd);
    if (!NAME.test(name)) throw new Error(`bad sample name in: ${line}`);
    const { labels, end } = brace === nameEnd ? readLabels(line, brace + 1) : { labels: {}, end: nameEnd };
    const [value] = line.slice(end).trim().split(/\s+/); // a timestamp may follow
    const base =
      /_(bucket|sum|count)$/.test(name) && !families.has(name)
        ? name.replace(/_(bucket|sum|count)$/, '')
        : name;
    family(families.has(base) ? base : name).samples.push({ name, labels, value: parseValue(value, line) });
  }
  return families;
}

export const TOKEN = 'test-token-0123456789abcdef';

export async function scrape(
  h: Harness,
  /** null: no Authorization header at all. */
  token: string | null = TOKEN,
): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${h.app!.url}/metrics`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** The families of a scrape that must succeed. */
export async function metricsOf(h: Harness): Promise<Map<string, Family>> {
  const r = await scrape(h);
  if (r.status !== 200) throw new Error(`GET /metrics: ${r.status} ${r.text}`);
  return parseExposition(r.text);
}

/** The value of the sample `name` with exactly these labels among others (0 when absent). */
export function valueOf(m: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const fam = m.get(name.replace(/_(bucket|sum|count)$/, '')) ?? m.get(name);
  const s = fam?.samples.find(
    (x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v),
  );
  return s?.value ?? 0;
}
