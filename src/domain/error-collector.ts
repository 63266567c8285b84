import { ValidationError, ValidationErrors } from './errors';

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
