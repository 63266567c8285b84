/**
 * An owner's setting as the admin, the API and the terminal send it, checked the same way in every settings
 * room (shop, notifications, online payments, billing). The value comes trimmed; '' means "back to .env" and
 * always passes. A refusal names the field; a secret's never echoes the value (a mistyped secret is a secret).
 */
import { ValidationError } from './errors';
import { isHttpUrl } from './network';

/** An absolute http(s) address of at most `max` characters; `like` is the example the refusal gives. */
export function webAddress(s: string, v: unknown, field: string, max: number, like: string): string {
  if (s !== '' && (!isHttpUrl(s) || s.length > max))
    throw ValidationError.invalid(
      field,
      v,
      'a web address',
      `use an http:// or https:// address like ${like}`,
    );
  return s;
}

/** A value of the form `re`: `what` it should be and the `hint` word the refusal. */
export function matching(
  s: string,
  v: unknown,
  field: string,
  re: RegExp,
  what: string,
  hint: string,
): string {
  if (s !== '' && !re.test(s)) throw ValidationError.invalid(field, v, what, hint);
  return s;
}

/** A secret of the form `re`; the refusal says `why` without the value. */
export function secretMatching(s: string, field: string, re: RegExp, why: string): string {
  if (s !== '' && !re.test(s)) throw new ValidationError(field, why);
  return s;
}
