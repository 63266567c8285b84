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

  constructor(field: string, problem: string) {
    super(field ? `${field}: ${problem}` : problem);
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
