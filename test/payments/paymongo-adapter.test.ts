/**
 * PayMongo's adapter says a session and an event in the product's words: a session is paid (by its paid payments,
 * never by its own status), expired or pending; a signed event asks to read a paid session, or nothing.
 */
import { actionOf, sessionOf } from '../../src/payments/paymongo';

const session = (attributes: Record<string, unknown>) => ({
  id: 'cs_1',
  type: 'checkout_session',
  attributes: {
    reference_number: 'PN1',
    livemode: false,
    line_items: [{ amount: 2000, currency: 'PHP', quantity: 1 }],
    ...attributes,
  },
});
const payment = (id: string, status: string, amount: number, type = 'gcash') => ({
  id,
  attributes: { status, amount, currency: 'PHP', livemode: false, source: { type } },
});

test('a session with paid payments is paid: those payments, their sum, the first one’s method', () => {
  const s = sessionOf(
    session({
      status: 'active',
      payment_method_used: 'qrph',
      payments: [
        payment('pay_0', 'failed', 2000),
        payment('pay_1', 'paid', 1500),
        payment('pay_2', 'paid', 500),
      ],
    }),
  );
  expect(s).toMatchObject({ id: 'cs_1', reference: 'PN1', livemode: false, total: 2000, currency: 'PHP' });
  expect(s.state).toEqual({
    kind: 'paid',
    amount: 2000,
    method: 'gcash',
    payments: [
      { id: 'pay_1', amount: 1500, currency: 'PHP', livemode: false, method: 'gcash' },
      { id: 'pay_2', amount: 500, currency: 'PHP', livemode: false, method: 'gcash' },
    ],
  });
});

test('without paid payments: expired when PayMongo says so, else pending (its own "paid" status proves nothing)', () => {
  expect(sessionOf(session({ status: 'expired', payments: [] })).state).toEqual({ kind: 'expired' });
  expect(sessionOf(session({ status: 'active', payments: [payment('p', 'pending', 2000)] })).state).toEqual({
    kind: 'pending',
  });
  expect(sessionOf(session({ status: 'paid', payments: [] })).state).toEqual({ kind: 'pending' });
});

const event = (
  type: string,
  livemode: boolean,
  data: unknown = { id: 'cs_1', type: 'checkout_session' },
) => ({
  data: { id: 'evt_1', type: 'event', attributes: { type, livemode, data } },
});

test('a paid checkout event in the key’s mode asks to read its session; anything else is ignored', () => {
  expect(actionOf(event('checkout_session.payment.paid', false), false)).toEqual({
    kind: 'paid',
    sessionId: 'cs_1',
  });
  expect(actionOf(event('checkout_session.payment.paid', true), true)).toEqual({
    kind: 'paid',
    sessionId: 'cs_1',
  });
  for (const [body, livemode] of [
    [event('checkout_session.payment.paid', true), false],
    [event('payment.failed', false), false],
    [event('checkout_session.payment.paid', false, { id: 'pay_1', type: 'payment' }), false],
    [{}, false],
  ] as const)
    expect(actionOf(body, livemode)).toMatchObject({ kind: 'ignored', reason: expect.any(String) });
});
