/**
 * An audit entry's details as one line for people: money as ₱ (the services record centavos, profiles record
 * pesos as in profiles.json), speeds in bits/s as `2 Mbps`, download before upload, nested values flattened
 * (`fup.threshold: 1G`). The raw JSON stays in the database and the API.
 */
import { formatLimitHuman, formatMoney } from '../../../domain/units';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Keys whose numbers are centavos (voucher batches, settings of prices). */
const CENTAVO_KEYS = new Set(['price', 'amount', 'value']);
/** Keys whose numbers are bits per second (bandwidth changes); 'unlimited' stays a word. */
const RATE_KEYS = new Set(['up', 'down', 'upload', 'download']);
/** `rate_up` → `rate_down`, `up` → `down`: the download twin an upload key is shown after. */
const downTwin = (key: string) => key.replace(/(^|_)up(load)?($|_)/, '$1down$2$3');

function flatten(value: Json, prefix: string, out: [string, Json][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const done = new Set<string>();
    const emit = (k: string) => {
      done.add(k);
      flatten(value[k], prefix ? `${prefix}.${k}` : k, out);
    };
    for (const k of Object.keys(value)) {
      if (done.has(k)) continue;
      const twin = downTwin(k);
      if (twin !== k && Object.hasOwn(value, twin) && !done.has(twin)) emit(twin);
      emit(k);
    }
    return;
  }
  out.push([prefix, value]);
}

/** `price 5 → 5.5` in a profile diff (pesos, as profiles.json writes them) → `price ₱5.00 → ₱5.50`. */
function pesoDiff(text: string): string {
  const peso = (p: string) => formatMoney(Math.round(Number(p) * 100));
  return text.replace(
    /(\bprice\b[^0-9→;]*)(\d+(?:\.\d+)?)(?:( → )(\d+(?:\.\d+)?))?/g,
    (_all: string, lead: string, a: string, arrow?: string, b?: string) =>
      lead + peso(a) + (b ? `${arrow}${peso(b)}` : ''),
  );
}

function valueText(key: string, value: Json, action: string): string {
  const leaf = key.split('.').pop() ?? key;
  if (typeof value === 'number') {
    // A profile's own price is in pesos (profiles.json); everything else records centavos.
    if (leaf === 'price')
      return action.startsWith('profile.') ? formatMoney(Math.round(value * 100)) : formatMoney(value);
    if (CENTAVO_KEYS.has(leaf) && action.startsWith('voucher.')) return formatMoney(value);
    if (RATE_KEYS.has(leaf) && action.startsWith('bandwidth.')) return formatLimitHuman(value);
    return String(value);
  }
  if (typeof value === 'string') return pesoDiff(value);
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? pesoDiff(v) : JSON.stringify(v))).join('; ');
  return value === null ? '—' : String(value);
}

export function auditDetailText(action: string, details: unknown): string {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object') return String(details);
  const pairs: [string, Json][] = [];
  flatten(details as Json, '', pairs);
  return pairs.map(([k, v]) => `${k}: ${valueText(k, v, action)}`).join(' · ');
}
