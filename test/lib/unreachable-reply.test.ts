/** An UnreachableError that ever reached a page or an API would be a 503 worded for the owner, not a 500. */
import { toAppError } from '../../src/lib/error-reply';
import { UnreachableError } from '../../src/domain/errors';

test('unreachable: 503 UNREACHABLE, nothing changed, try again', () => {
  const e = toAppError(new UnreachableError('accounting unreadable: connection refused', 'ACCOUNTING'));
  expect(e.status).toBe(503);
  expect(e.code).toBe('UNREACHABLE');
  expect(e.message).toMatch(
    /accounting unreadable: connection refused.*Nothing was changed; try again shortly/,
  );
});
