/**
 * Why a paid session is not credited, in the words the Payments page shows: a payment in the other mode than the
 * shop's key names that mode (a live payment on a test key is "paid in live mode"), whichever of the session and
 * its payments differs.
 */
import { creditProblem, type PaymentRow } from '../../src/services/shop/payments/credit';
import type { SessionFacts, SessionState } from '../../src/payments/gateway';

type Paid = Extract<SessionState, { kind: 'paid' }>;
const row = { amount: 2000 } as PaymentRow;
const session = (livemode: boolean): SessionFacts =>
  ({ id: 'cs_1', reference: 'PN1', livemode, total: 2000, currency: 'PHP' }) as SessionFacts;
const paid = (livemode: boolean): Paid =>
  ({
    kind: 'paid',
    amount: 2000,
    payments: [{ id: 'pay_1', amount: 2000, currency: 'PHP', livemode, method: 'gcash' }],
  }) as unknown as Paid;

test.each([
  [
    'a live payment in a test session, on a test key',
    false,
    true,
    false,
    "paid in live mode, but the shop's key is for test mode",
  ],
  [
    'a live session and payment, on a test key',
    true,
    true,
    false,
    "paid in live mode, but the shop's key is for test mode",
  ],
  [
    'a test payment, on a live key',
    false,
    false,
    true,
    "paid in test mode, but the shop's key is for live mode",
  ],
])('%s', (_what, sessionLive, paymentLive, keyLive, words) => {
  expect(creditProblem(row, session(sessionLive), paid(paymentLive), keyLive)).toBe(words);
});

test('the same mode throughout: nothing to say', () => {
  expect(creditProblem(row, session(false), paid(false), false)).toBeNull();
});
