/**
 * A profile being typed in the menu, in the profiles.json form. Each answer is checked by running the
 * whole draft through the domain's parseProfile and keeping the errors for that field, so the menu shows
 * exactly the messages profiles.json and the web admin show, cross-field checks included (an FUP rate
 * must be below rate_up, a burst rate above it, ...). Fields not asked yet are simply ignored.
 */
import { input } from '@inquirer/prompts';
import { ValidationError, ValidationErrors } from '../../src/domain/errors';
import { parseProfile } from '../../src/domain/profiles';

export type Json = Record<string, unknown>;

export const str = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : String(v);

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Numbers stay numbers where the format wants numbers (as the web form does); anything else is passed as typed so the error quotes it. */
export function numberish(pattern: RegExp): (text: string) => number | string {
  return (text) => (pattern.test(text) ? Number(text) : text);
}

/** Deep copy (the draft holds only JSON values). */
export function cloneJson(json: Json): Json {
  return JSON.parse(JSON.stringify(json)) as Json;
}

/** Sets (or with `undefined` deletes) `fup.rate_up`-style paths, creating the group when needed. */
export function setPath(json: Json, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = json;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(target[part])) target[part] = {};
    target = target[part] as Json;
  }
  const key = parts[parts.length - 1];
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** Every problem parseProfile finds in a draft (empty when it is a valid profile). */
function profileErrors(json: Json): readonly ValidationError[] {
  try {
    parseProfile(json);
    return [];
  } catch (e) {
    if (e instanceof ValidationErrors) return e.errors;
    if (e instanceof ValidationError) return [e];
    throw e;
  }
}

/** The messages for `paths` if `value` were put at `path`; '' when that answer is fine. */
function checkAnswer(draft: Json, path: string, value: unknown, paths: readonly string[]): string {
  const candidate = cloneJson(draft);
  setPath(candidate, path, value);
  return profileErrors(candidate)
    .filter((e) => paths.includes(e.field))
    .map((e) => e.message)
    .join('; ');
}

interface FieldOptions {
  default?: string;
  /** Typed text → the value stored in the profile; `undefined` removes the field (optional fields). */
  convert?: (text: string) => unknown;
  /** More field paths whose errors belong to this answer (e.g. `fup.threshold` when typing data_cap). */
  also?: readonly string[];
}

/** Asks one field, validated against the whole draft, and stores the answer in the draft. */
export async function askField(
  draft: Json,
  path: string,
  message: string,
  opts: FieldOptions = {},
): Promise<unknown> {
  const convert = opts.convert ?? ((t: string) => t);
  const toValue = (text: string) => convert(text.trim());
  const text = await input({
    message,
    default: opts.default,
    validate: (v) => checkAnswer(draft, path, toValue(v), [path, ...(opts.also ?? [])]) || true,
  });
  const value = toValue(text);
  setPath(draft, path, value);
  return value;
}
