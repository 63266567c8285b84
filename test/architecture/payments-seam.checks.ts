/**
 * The payment flow speaks the product's words; PayMongo's live in its adapter (src/payments/paymongo.ts) and its
 * fake (src/payments/fake-paymongo.ts) only, so a second gateway is one more adapter, not a second flow:
 *
 * - no other file names a PayMongo event (`checkout_session.payment.paid`) or a field of its wire format;
 * - the flow (src/payments/ beside the adapter, src/services/shop/payments/, the web's payment files) tests none of
 *   PayMongo's status strings (a session's `active`, a source's `chargeable`, …) and reads no `status` string off
 *   a gateway's answer: the adapter maps them to paid, expired and pending;
 * - the payments service returns outcomes, never an HTTP status: the web layer picks the answer;
 * - a subscriber's bill (src/services/subscriptions/billing/, the portal's account pages that pay it) goes through the neutral
 *   gateway the payments service lends: no identifier or string there names PayMongo, and no service imports a
 *   gateway's adapter (the composition, src/core.ts, picks it).
 *
 * Read from string literals (comments may name them); each failure names the file, the line and the text.
 */
import path from 'node:path';
import ts from 'typescript';
import { lineOf, literalsOf, source, tsFiles } from './source';

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
    f.startsWith('src/services/shop/payments/') ||
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
    expect.arrayContaining(['src/services/shop/payments/credit.ts', 'src/web/payments-webhook.ts']),
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
  for (const file of tsFiles('src/services/shop/payments'))
    source(file)
      .text.split('\n')
      .forEach((l, i) => {
        // `status: 200` in an answer, or `.status === 404` read off a gateway's HTTP answer.
        if (/\bstatus(Code)?\s*(:|[!=]==?)\s*[1-5]\d\d\b/.test(l)) stray.push(`${file}:${i + 1} ${l.trim()}`);
      });
  expect(stray).toEqual([]);
});

/** The subscriber's bill paid online: billing's room and the portal's pages that offer and start it. */
const BILL_PATH = SRC.filter(
  (f) =>
    f.startsWith('src/services/subscriptions/billing/') ||
    /^src\/web\/portal\/(account-pay|suspension-facts|suspended)\b/.test(f),
);

/** Every identifier and string of a file that names PayMongo (comments may), with its line. */
function namesPaymongo(file: string): string[] {
  const sf = source(file);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    const text =
      ts.isIdentifier(n) ||
      ts.isStringLiteralLike(n) ||
      ts.isTemplateHead(n) ||
      ts.isTemplateMiddle(n) ||
      ts.isTemplateTail(n)
        ? n.text
        : undefined;
    if (text !== undefined && /pay\s*mongo/i.test(text))
      out.push(`${file}:${lineOf(sf, n)} ${text.slice(0, 60)}`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The project paths a file imports from (relative imports only), without their extension. */
function importsOf(file: string): Array<{ to: string; line: number }> {
  const sf = source(file);
  return sf.statements
    .filter(
      (s): s is ts.ImportDeclaration | ts.ExportDeclaration =>
        (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) &&
        s.moduleSpecifier !== undefined &&
        ts.isStringLiteral(s.moduleSpecifier) &&
        s.moduleSpecifier.text.startsWith('.'),
    )
    .map((s) => ({
      to: path.posix.join(path.posix.dirname(file), (s.moduleSpecifier as ts.StringLiteral).text),
      line: lineOf(sf, s),
    }));
}

test("a subscriber's bill names no gateway: it pays through the neutral one", () => {
  expect(BILL_PATH).toEqual(
    expect.arrayContaining([
      'src/services/subscriptions/billing/bill-payment.ts',
      'src/web/portal/account-pay.ts',
    ]),
  );
  const stray = BILL_PATH.flatMap(namesPaymongo);
  // Nor does it reach the gateways' folder for anything but the neutral contract.
  for (const file of BILL_PATH)
    for (const i of importsOf(file))
      if (i.to.startsWith('src/payments/') && i.to !== 'src/payments/gateway')
        stray.push(`${file}:${i.line} ${i.to}`);
  expect(stray).toEqual([]);
});

test("no service imports a gateway's adapter: the composition picks it", () => {
  const stray: string[] = [];
  for (const file of tsFiles('src/services'))
    for (const i of importsOf(file)) if (ADAPTER.has(`${i.to}.ts`)) stray.push(`${file}:${i.line} ${i.to}`);
  expect(stray).toEqual([]);
});
