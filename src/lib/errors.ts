import { ValidationError, ValidationErrors } from '../domain/errors';
import { RouterError } from '../router/types';

/**
 * The project's service-level error: a stable machine code, a message a shop owner (or customer) can
 * read, and the HTTP status it maps to. The same error renders as JSON in the API, a flash message in
 * the admin and a red line in the CLI (STYLE.md "Errors and logs").
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number = 400,
    readonly field?: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/**
 * The server refuses to start for a reason the owner fixes in .env or by stopping another program (the
 * database is in use by another controller, the port is taken). `npm start` prints the message as its one
 * line, without a stack: nothing is wrong with the program.
 */
export class StartRefused extends AppError {
  constructor(code: string, reason: string) {
    super(code, `PisoNet Manager cannot start: ${reason}`, 409);
    this.name = 'StartRefused';
  }
}

export const notFound = (what: string, code = 'NOT_FOUND') => new AppError(code, `${what} not found`, 404);

/** Normalises any thrown value into an AppError (validation → 400, router → 503/502, other → 500). */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ValidationError)
    return new AppError('INVALID_INPUT', err.message, 400, err.field, { [err.field]: err.problem });
  if (err instanceof ValidationErrors) {
    const fields: Record<string, string> = {};
    for (const e of err.errors) fields[e.field] = e.problem;
    return new AppError('INVALID_INPUT', err.message, 400, err.errors[0]?.field, fields);
  }
  if (err instanceof RouterError) {
    // Why the connection is down, already worded with what to check (a wrong password, TLS on the wrong
    // port, the API service off): waiting does not fix most of these, so no "try again shortly" around them.
    if (err.connect && err.code !== 'ROUTER_UNREACHABLE') return new AppError(err.code, err.message, 503);
    if (err.transient) {
      return new AppError(
        err.code,
        `The router is not reachable right now (${err.message}). Nothing was changed; try again shortly.`,
        503,
      );
    }
    return new AppError(err.code, `The router refused the change: ${err.routerMessage ?? err.message}`, 502);
  }
  return new AppError('INTERNAL', 'Something went wrong on our side; the error was logged.', 500);
}

/** CLI exit code for an error: 2 for bad usage/input, 1 for everything else. */
export function exitCodeFor(err: AppError): number {
  return err.status === 400 || err.code === 'INVALID_INPUT' || err.code === 'USAGE' ? 2 : 1;
}
