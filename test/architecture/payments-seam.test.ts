/**
 * The payment flow speaks the product's words; PayMongo's live in its adapter (src/payments/paymongo.ts) and its
 * fake (src/payments/fake-paymongo.ts) only, so a second gateway is one more adapter, not a second flow:
 *
 * - no other file names a PayMongo event (`checkout_session.payment.paid`) or a field of its wire format;
 * - the flow (src/payments/ beside the adapter, src/services/payments/, the web's payment files) tests none of
 *   PayMongo's status strings (a session's `active`, a source's `chargeable`, …) and reads no `status` string off
 *   a gateway's answer: the adapter maps them to paid, expired and pending;
 * - the payments service returns outcomes, never an HTTP status: the web layer picks the answer.
 *
 * Read from string literals (comments may name them); each failure names the file, the line and the text.
 */
import { literalsOf, source, tsFiles } from './source';

const ADAPTER = new Set(['src/payments/paymongo.ts', 'src/payments/fake-paymongo.ts']);
const SRC = tsFiles('src').filter((f) => !ADAPTER.has(f));
const CLI = tsFiles('cli');

/** PayMongo's event names: `checkout_session.payment.paid`, `payment.failed`, `source.chargeable`, … */
const EVENT = /^(checkout_session|payment|payment_intent|source|link|qrph|refund)\.[a-z_]+(\.[a-z_]+)*$/;
/** Fields of PayMongo's checkout sessions as its API spells them. */
const WIRE_FIELDS = new Set([
  'reference_number',
  'payment_method_used',
  'payment_method_types',
  'line_items',
  'checkout_url',
  'success_url',
  'cancel_url',
]);
/** PayMongo's status strings that are no word of ours (`paid`, `pending`, `expired` are ours too). */
const STATUSES = new Set([
  'active',
  'chargeable',
  'awaiting_payment_method',
  'awaiting_next_action',
  'processing',
  'succeeded',
]);

const FLOW = SRC.filter(
  (f) =>
    f.startsWith('src/payments/') ||
    f.startsWith('src/services/payments/') ||
    (f.startsWith('src/web/') && /pay/.test(f.slice(f.lastIndexOf('/') + 1))),
);

test('only the PayMongo adapter and its fake name its events and wire fields', () => {
  const stray: string[] = [];
  for (const file of [...SRC, ...CLI])
    for (const { text, line } of literalsOf(file))
      if (EVENT.test(text) || WIRE_FIELDS.has(text)) stray.push(`${file}:${line} ${text.slice(0, 60)}`);
  expect(stray).toEqual([]);
});

test("the payment flow tests none of PayMongo's status strings", () => {
  expect(FLOW).toEqual(
    expect.arrayContaining(['src/services/payments/credit.ts', 'src/web/payments-webhook.ts']),
  );
  const stray: string[] = [];
  for (const file of FLOW)
    for (const { text, line } of literalsOf(file))
      if (STATUSES.has(text)) stray.push(`${file}:${line} ${text}`);
  // Nor a `status` string read off the gateway's answer (`p.status === 'paid'`): the flow reads a state's kind.
  for (const file of FLOW)
    source(file)
      .text.split('\n')
      .forEach((l, i) => {
        if (/\.status\s*[!=]==?\s*['"`]/.test(l)) stray.push(`${file}:${i + 1} ${l.trim()}`);
      });
  expect(stray).toEqual([]);
});

test('the payments service returns no HTTP status', () => {
  const stray: string[] = [];
  for (const file of tsFiles('src/services/payments'))
    source(file)
      .text.split('\n')
      .forEach((l, i) => {
        // `status: 200` in an answer, or `.status === 404` read off a gateway's HTTP answer.
        if (/\bstatus(Code)?\s*(:|[!=]==?)\s*[1-5]\d\d\b/.test(l)) stray.push(`${file}:${i + 1} ${l.trim()}`);
      });
  expect(stray).toEqual([]);
});
