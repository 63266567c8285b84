/**
 * Semaphore's SMS API (semaphore.co, Philippine numbers), one adapter: `POST {url}/api/v4/messages` with the form
 * fields `apikey`, `number` (up to 1,000 numbers, comma-separated, per call), `message` and `sendername`
 * (optional: Semaphore's own name when absent). The endpoint takes 120 calls a minute. Success is HTTP 200 with
 * a JSON list, one object per number (`message_id`, `recipient`, `status`, …). Semaphore also answers 200 with an
 * object of errors instead of a list (`{"number": ["The number format is invalid."]}`): that is a failure, never
 * a send. Every failure is "try again later" (the outbox paces it); the API key is scrubbed from every error text,
 * which is all that leaves this file.
 */
import { post, retryAfterHeader } from '../lib/http-post';

export const SEMAPHORE_API_URL = 'https://api.semaphore.co';
export const MAX_NUMBERS_PER_CALL = 1000;
export const CALLS_PER_MINUTE = 120;
const TIMEOUT_MS = 15_000;

export interface SemaphoreSettings {
  apiUrl: string;
  apiKey: string;
  /** What the recipient sees as the sender (an approved Sender Name); empty: Semaphore's default. */
  senderName?: string;
}

interface SentSms {
  id: string;
  recipient: string;
  status: string;
}

type SmsOutcome =
  | { ok: true; messages: SentSms[] }
  | {
      ok: false;
      /** Semaphore asked us to wait this long (429 with Retry-After). */
      retryAfterMs?: number;
      /** Semaphore's own words, or what went wrong on the way. */
      error: string;
      /** Refused for its `number` field: a number of the call is one Semaphore does not take. */
      numberRefused?: boolean;
    };

/** A stored Philippine mobile (`+639XXXXXXXXX`) as Semaphore takes it (`639XXXXXXXXX`). */
export function semaphoreNumber(mobile: string): string {
  const m = /^\+?(63|0)(9\d{9})$/.exec(mobile.trim());
  if (!m) throw new RangeError(`not a Philippine mobile number: ${mobile}`);
  return `63${m[2]}`;
}

/** Semaphore's error object in one line: `number: The number format is invalid.` */
function errorWords(json: unknown): string | undefined {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const parts: string[] = [];
  for (const [field, v] of Object.entries(json as Record<string, unknown>)) {
    const said = Array.isArray(v)
      ? v.filter((x) => typeof x === 'string').join(' ')
      : typeof v === 'string'
        ? v
        : '';
    parts.push(said ? `${field}: ${said}` : field);
  }
  return parts.join('; ') || undefined;
}

function sentOf(json: unknown): SentSms[] | undefined {
  if (!Array.isArray(json)) return undefined;
  const out: SentSms[] = [];
  for (const m of json as Array<Record<string, unknown>>) {
    if (!m || typeof m !== 'object' || m.message_id === undefined) return undefined;
    out.push({
      id: String(m.message_id),
      recipient: String(m.recipient ?? ''),
      status: String(m.status ?? ''),
    });
  }
  return out;
}

/** Sends one message to up to 1,000 numbers (`639…`) in one call. */
export async function sendSemaphore(
  s: SemaphoreSettings,
  numbers: readonly string[],
  message: string,
  timeoutMs = TIMEOUT_MS,
): Promise<SmsOutcome> {
  if (numbers.length === 0 || numbers.length > MAX_NUMBERS_PER_CALL)
    throw new RangeError(`one call takes 1 to ${MAX_NUMBERS_PER_CALL} numbers (got ${numbers.length})`);
  const scrub = (t: string) => (s.apiKey ? t.split(s.apiKey).join('[key]') : t);
  const form = new URLSearchParams({ apikey: s.apiKey, number: numbers.join(','), message });
  if (s.senderName) form.set('sendername', s.senderName);
  const res = await post(
    `${s.apiUrl.replace(/\/+$/, '')}/api/v4/messages`,
    form.toString(),
    { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    timeoutMs,
  );
  if ('error' in res) return { ok: false, error: scrub(res.error) };
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = undefined;
  }
  if (res.status === 200) {
    const messages = sentOf(json);
    if (messages) return { ok: true, messages };
    return {
      ok: false,
      error: scrub(
        `Semaphore refused the message: ${errorWords(json) ?? 'an answer that is not a message list'}`,
      ),
      ...(!!json && typeof json === 'object' && 'number' in json ? { numberRefused: true } : {}),
    };
  }
  const said = errorWords(json) ?? res.text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return {
    ok: false,
    retryAfterMs: res.status === 429 ? retryAfterHeader(res.headers) : undefined,
    error: scrub(`HTTP ${res.status} from Semaphore${said ? `: ${said}` : ''}`),
  };
}
