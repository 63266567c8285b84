/**
 * Validation errors for everything a person types or a file holds. Every message names the field and the
 * accepted forms, so the same text works as an API error, an admin flash message and a CLI line.
 */

/** Shows a bad value inside a message: strings quoted, other values as JSON, missing as `missing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'an object';
}

export class ValidationError extends Error {
  readonly code = 'INVALID_INPUT' as const;
  readonly field: string;
  /** The message without the `field: ` prefix. */
  readonly problem: string;

  /** `message` overrides the default `field: problem` wording (e.g. `BASIC: rate_up "1 Mbit" is not …`). */
  constructor(field: string, problem: string, message?: string) {
    super(message ?? (field ? `${field}: ${problem}` : problem));
    this.name = 'ValidationError';
    this.field = field;
    this.problem = problem;
  }

  /** `field: "12Q" is not a rate; use …` (or `field: missing; use …`). */
  static invalid(field: string, value: unknown, what: string, accepted: string): ValidationError {
    const shown = describeValue(value);
    const problem = value === undefined ? `missing; ${accepted}` : `${shown} is not ${what}; ${accepted}`;
    return new ValidationError(field, problem);
  }
}

/** Several field errors at once (a profile list, a config file): all problems, not just the first. */
export class ValidationErrors extends Error {
  readonly code = 'INVALID_INPUT' as const;
  readonly errors: readonly ValidationError[];

  constructor(errors: readonly ValidationError[], title = 'Invalid input') {
    const n = errors.length;
    super(
      `${title} (${n} problem${n === 1 ? '' : 's'}):\n${errors.map((e) => `  - ${e.message}`).join('\n')}`,
    );
    this.name = 'ValidationErrors';
    this.errors = errors;
  }

  get fields(): string[] {
    return this.errors.map((e) => e.field);
  }
}

/** Gathers field errors while parsing a larger structure, then throws them together. */
export class ErrorCollector {
  readonly errors: ValidationError[] = [];

  add(field: string, problem: string): void {
    this.errors.push(new ValidationError(field, problem));
  }

  /** Runs one field parser; on ValidationError records it and returns undefined. Other errors propagate. */
  field<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (err) {
      if (err instanceof ValidationError) {
        this.errors.push(err);
        return undefined;
      }
      if (err instanceof ValidationErrors) {
        this.errors.push(...err.errors);
        return undefined;
      }
      throw err;
    }
  }

  get ok(): boolean {
    return this.errors.length === 0;
  }

  throwIfAny(title?: string): void {
    if (this.errors.length > 0) throw new ValidationErrors(this.errors, title);
  }
}

/**
 * JSON text → value; a syntax error names the line and column (`profiles.json is not valid JSON: line 5,
 * column 3: …`). JSON.parse's own messages differ between Node versions and often carry no position.
 */
export function parseJsonText(text: string, source: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(body);
  } catch {
    const { pos, reason } = locateJsonError(body);
    const before = body.slice(0, pos).split('\n');
    const where = `line ${before.length}, column ${before[before.length - 1].length + 1}`;
    throw new ValidationError(
      source,
      `${where}: ${reason}`,
      `${source} is not valid JSON: ${where}: ${reason}`,
    );
  }
}

/** A small JSON reader used only to explain a failure: where the text stops being JSON, and why. */
function locateJsonError(text: string): { pos: number; reason: string } {
  let i = 0;
  const fail = (reason: string): never => {
    throw Object.assign(new Error(reason), { pos: i });
  };
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const found = () => (i >= text.length ? 'the end of the file' : JSON.stringify(text[i]));
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') fail('a text runs past the end of its line (missing closing ")');
      i += text[i] === '\\' ? 2 : 1;
    }
    if (i >= text.length) fail('a text is not closed (missing ")');
    i++;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') return container('}', true);
    if (ch === '[') return container(']', false);
    if (ch === '"') return str();
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 64));
    if (!m) fail(`expected a value, found ${found()}${ch === "'" ? ' (JSON needs double quotes)' : ''}`);
    i += (m as RegExpExecArray)[0].length;
  };
  const container = (close: string, isObject: boolean): void => {
    i++;
    ws();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (isObject) {
        if (text[i] === close) fail(`a comma before ${close} is not allowed in JSON`);
        if (text[i] !== '"') fail(`expected a "quoted" setting name, found ${found()}`);
        str();
        ws();
        if (text[i] !== ':') fail(`expected : after the setting name, found ${found()}`);
        i++;
      } else if (text[i] === close) fail(`a comma before ${close} is not allowed in JSON`);
      value();
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === close) {
        i++;
        return;
      }
      fail(`expected , or ${close}, found ${found()}${text[i] === '"' ? ' (a comma is missing)' : ''}`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail(`unexpected ${found()} after the end of the JSON value`);
    return { pos: text.length, reason: 'not valid JSON' };
  } catch (err) {
    return { pos: (err as { pos: number }).pos, reason: (err as Error).message };
  }
}
