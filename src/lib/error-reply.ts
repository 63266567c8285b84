/**
 * How every face shows an error. The admin's pages and flash messages, the JSON APIs, the portal, the coin
 * board and the terminal turn whatever was thrown into one AppError here: its `status` is the HTTP status, its
 * `code` and `message` are what the API answers and the terminal prints. A face only chooses the layout (and
 * the portal its language, by the code).
 */
import {
  AppError,
  ConfigError,
  RouterError,
  UnreachableError,
  ValidationError,
  ValidationErrors,
  type ErrorCode,
} from '../domain/errors';

/** What an error nobody expected says: the web logs it; the terminal, which logs nothing, describes it. */
type UnexpectedWording = (err: unknown) => string;

const LOGGED: UnexpectedWording = () => 'Something went wrong on our side; the error was logged.';

/**
 * The HTTP layer's refusals (the body parsers' `type`), in our words. They are the client's fault: a 4xx and a
 * short message, and never an error in the log, since anyone can send them as often as they like.
 */
const REQUEST_REFUSALS: Record<string, (e: { limit?: unknown }) => AppError> = {
  'entity.parse.failed': () => new AppError('INVALID_JSON', 'The request body is not valid JSON', 400),
  // The limit of the parser that refused it: 256 kB for most, 2 MB for an import, 512 bytes for a small report.
  'entity.too.large': (e) =>
    new AppError('TOO_LARGE', `The request body is too large (at most ${bodyLimit(e.limit)})`, 413),
  'parameters.too.many': () =>
    new AppError('TOO_MANY_FIELDS', 'The form has too many fields (at most 1,000)', 413),
  'charset.unsupported': () =>
    new AppError('UNSUPPORTED_BODY', 'The request body must be sent in UTF-8', 415),
  'encoding.unsupported': () =>
    new AppError('UNSUPPORTED_BODY', 'The request body is compressed in a way we do not read', 415),
  'request.aborted': () => new AppError('BAD_REQUEST', 'The request body was cut off', 400),
  'request.size.invalid': () =>
    new AppError('BAD_REQUEST', 'The request body does not match its Content-Length', 400),
};

/** A parser's limit in bytes, as people say it. */
function bodyLimit(limit: unknown): string {
  const n = typeof limit === 'number' && limit > 0 ? limit : 256 * 1024;
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MB`;
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024} kB` : `${n} bytes`;
}

/**
 * A malformed request, as an AppError with a 4xx status; undefined for anything else. Besides the body
 * parsers' errors: a `%` escape that does not decode in a route parameter (Express's router throws a URIError
 * marked 400), and any other error a library marks as the client's (http-errors with a 4xx status).
 */
export function requestRefusal(err: unknown): AppError | undefined {
  if (err instanceof AppError) return undefined;
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; expose?: unknown } | null;
  if (typeof e !== 'object' || e === null) return undefined;
  if (typeof e.type === 'string' && Object.hasOwn(REQUEST_REFUSALS, e.type))
    return REQUEST_REFUSALS[e.type](e as { limit?: unknown });
  if (err instanceof URIError) return new AppError('BAD_URL', 'The address has a malformed % escape', 400);
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose === true)
    return new AppError('BAD_REQUEST', 'The request is malformed', status);
  return undefined;
}

/**
 * Any thrown value as an AppError: field problems → 400 INVALID_INPUT with `fields`, the router → 503 (not
 * reachable, or connecting fails) or 502 (it refused), bad configuration → 500 CONFIG_INVALID, a malformed
 * request → its 4xx, anything else → 500 INTERNAL worded by `unexpected`.
 */
export function toAppError(err: unknown, unexpected: UnexpectedWording = LOGGED): AppError {
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
  if (err instanceof UnreachableError)
    return new AppError(
      err.code,
      `Not reachable right now (${err.message}). Nothing was changed; try again shortly.`,
      503,
    );
  if (err instanceof ConfigError) return new AppError('CONFIG_INVALID', err.message, 500);
  return requestRefusal(err) ?? new AppError('INTERNAL', unexpected(err), 500);
}

/**
 * The JSON body of an error in every API: `{success:false, error, code}`. `message`: the text in the asker's
 * language when the caller has one; `withFields`: the field errors too (the admin API's; the portal's JSON
 * errors never carry them).
 */
export function errorJson(
  e: AppError,
  opts: { message?: string; withFields?: boolean } = {},
): { success: false; error: string; code: ErrorCode; fields?: Record<string, string> } {
  const fields = opts.withFields && e.fields ? { fields: e.fields } : {};
  return { success: false, error: opts.message ?? e.message, code: e.code, ...fields };
}

/** CLI exit code for an error: 2 for bad usage/input, 4 for the database out of reach, 1 for everything else. */
export function exitCodeFor(err: AppError): number {
  if (err.code === 'DATABASE_UNREACHABLE') return 4;
  return err.status === 400 || err.code === 'INVALID_INPUT' || err.code === 'USAGE' ? 2 : 1;
}
