/** A vendo's rates as lines of text, as the admin's form and the terminal take and show them. */
import { ratesJson } from '../../../domain/vendo';
import type { VendoView } from './types';

/** `1 = 10m` per line (or `1 10m`, `₱5 = 1h`) → the rate list the service checks. */
export function parseRateLines(text: string): { amount: unknown; validity: unknown }[] | string {
  const lines = text
    .split(/\r?\n|,/)
    .map((l) => l.trim())
    .filter(Boolean);
  const out: { amount: unknown; validity: unknown }[] = [];
  for (const line of lines) {
    const m = /^₱?\s*(\S+?)\s*(?:=|\s)\s*(\S+)$/.exec(line);
    if (!m) return `"${line.slice(0, 40)}" is not a rate line; write one per line like 5 = 1h`;
    out.push({ amount: /^\d+$/.test(m[1]) ? Number(m[1]) : m[1], validity: m[2] });
  }
  return out;
}

export const rateLines = (v: Pick<VendoView, 'rates'>) =>
  ratesJson(v.rates)
    .map((r) => `${r.amount} = ${r.validity}`)
    .join('\n');
