/**
 * A subscriber on a monthly plan paying what it owes online: the checkout is for exactly what its open invoices
 * are due now, or for what of it is past due now (the part that lifts a suspension: a payment goes to the oldest
 * invoices first, and those are the ones past due), and a proven payment of it (credit.ts: the same proof as a voucher's) is recorded as one of the
 * subscriber's payments through the invoice service, never as a voucher. Exactly once: the payment's
 * Idempotency-Key is the gateway's session (`<gateway>:<session id>`, unique shop-wide), so two webhooks, a
 * webhook and a poll, or a crash between recording the payment and marking the checkout paid record one payment;
 * the checkout row is then moved to paid with a conditional UPDATE, as a voucher's is. Only the neutral gateway's
 * actions are used (src/payments/gateway.ts, lent by the payments service): no gateway is named here.
 */
import { AppError } from '../../../domain/errors';
import { formatMoney } from '../../../domain/units';
import type { Actor } from '../../business/audit/actor';
import type { ShopDeps } from '../../deps';
import type { InvoiceService } from './types';
import { assertFewStarts, startGatewayCheckout } from '../../shop/payments/checkout-start';
import type {
  BillCheckout,
  BillOffer,
  BillPart,
  BillPayments,
  GatewayInEffect,
  LearnOutcome,
} from '../../shop/payments/types';

/** The gateway's smallest checkout (below it the gateway refuses the checkout), centavos. */
export const BILL_MIN_AMOUNT = 2000;
/** The e-wallets a bill is paid with: the two whose payments the subscriber's ledger names (gcash, maya). */
const BILL_METHODS = ['gcash', 'paymaya'] as const;
/** Who records a subscriber's online payment, in its payment list and the audit log: the gateway, by its name. */
export const gatewayActor = (gateway: string): Actor => ({ name: gateway, via: 'system' });

type BillDeps = GatewayInEffect & {
  deps: ShopDeps;
  invoices: Pick<InvoiceService, 'list' | 'pay' | 'pastDue'>;
};

/**
 * Subscribers' bills paid online, for the payments service to offer on the gateway it has in effect (composed in
 * src/core.ts): what can be paid, a checkout started, a proven payment recorded.
 */
export function billPayments(
  deps: ShopDeps,
  invoices: BillDeps['invoices'],
): (gateway: GatewayInEffect) => BillPayments {
  return (gateway) => {
    const b: BillDeps = { deps, invoices, current: gateway.current, watchMs: gateway.watchMs };
    return {
      offer: (subscriberId) => billOffer(b, subscriberId),
      start: (input) => startBill(b, input),
      credit: (row, paid) => creditBill(b, row, paid),
    };
  };
}

/** The methods of the shop's that a bill may be paid with (none: no bill is offered online). */
const billMethods = (shop: string[]) => BILL_METHODS.filter((m) => shop.includes(m));

async function billOffer(b: BillDeps, subscriberId: number): Promise<BillOffer> {
  const on = await b.current();
  if (!on || billMethods(on.methods).length === 0) return { kind: 'off' };
  const open = (await b.invoices.list({ subscriberId, status: 'open' })).filter((v) => v.due > 0);
  const owed = open.reduce((n, v) => n + v.due, 0);
  if (owed <= 0) return { kind: 'nothing-owed' };
  const pastDue = Math.min(owed, await b.invoices.pastDue(subscriberId));
  if (owed < BILL_MIN_AMOUNT) return { kind: 'below-minimum', owed, pastDue };
  return {
    kind: 'payable',
    owed,
    pastDue,
    accountNo: open[0].accountNo,
    oldest: open[0].number,
    invoices: open.length,
  };
}

function refusal(offer: BillOffer): AppError {
  if (offer.kind === 'off') return new AppError('PAYMENTS_OFF', 'Online payment is not offered here', 404);
  if (offer.kind === 'nothing-owed')
    return new AppError('BILL_NOTHING_OWED', 'Nothing is owed now: there is nothing to pay', 409);
  return belowMinimum(offer.kind === 'below-minimum' ? offer.owed : 0);
}

const belowMinimum = (amount: number) =>
  new AppError(
    'BILL_BELOW_MINIMUM',
    `${formatMoney(amount)} is below the ${formatMoney(BILL_MIN_AMOUNT)} an online payment must be: pay it at the shop`,
    409,
  );

/** What the checkout asks: all that is owed, or only what is past due (refused when none is, or below ₱20). */
function amountOf(offer: Extract<BillOffer, { kind: 'payable' }>, part: BillPart): number {
  if (part === 'all') return offer.owed;
  if (offer.pastDue <= 0)
    throw new AppError('BILL_NOTHING_OWED', 'Nothing is past due now: there is nothing past due to pay', 409);
  if (offer.pastDue < BILL_MIN_AMOUNT) throw belowMinimum(offer.pastDue);
  return offer.pastDue;
}

/**
 * Starts a checkout for what the subscriber owes now, or for what of it is past due; the phone is sent to the
 * answer's address.
 */
async function startBill(
  b: BillDeps,
  input: { subscriberId: number; lang: string; returnBase: string; part?: BillPart },
): Promise<{ reference: string; checkoutUrl: string }> {
  const { db, clock, log } = b.deps;
  const offer = await billOffer(b, input.subscriberId);
  if (offer.kind !== 'payable') throw refusal(offer);
  const amount = amountOf(offer, input.part ?? 'all');
  const on = (await b.current())!;
  const now = clock.now();
  await assertFewStarts(db, { subscriber_id: input.subscriberId }, now);
  const more = offer.invoices > 1 ? ` and ${offer.invoices - 1} more` : '';
  const row = { purpose: 'subscriber', subscriber_id: input.subscriberId };
  return startGatewayCheckout(
    { db, log },
    on.gw,
    { row, amount, lang: input.lang, now, watchMs: b.watchMs, returnBase: input.returnBase },
    (back) => ({
      item: {
        name: `Internet bill${amount < offer.owed ? ', past due' : ''}, account ${offer.accountNo}`,
        amount,
      },
      description: `Account ${offer.accountNo}: invoice ${offer.oldest}${more}`,
      methods: billMethods(on.methods),
      successUrl: back('/portal/account/pay/return'),
      cancelUrl: `${back('/portal/account/pay/return')}&cancelled=1`,
    }),
    "a subscriber's checkout",
  );
}

/** The ledger's name for the gateway's payment source (a gateway may say paymaya for Maya). */
function ledgerMethod(source: string | null): 'gcash' | 'maya' | 'other' {
  if (source === 'gcash') return 'gcash';
  if (source === 'paymaya' || source === 'maya') return 'maya';
  return 'other';
}

/**
 * Records a proven payment of a subscriber's checkout: all that was paid (above what is owed now, when cash came
 * in meanwhile, the rest is the subscriber's credit), then the checkout row marked paid.
 */
async function creditBill(
  b: BillDeps,
  row: BillCheckout,
  s: { sessionId: string; paymentId: string; method: string | null; paid: number },
): Promise<LearnOutcome> {
  const { db, clock, log } = b.deps;
  const out = await b.invoices.pay(
    Number(row.subscriber_id),
    {
      amount: (s.paid / 100).toFixed(2),
      method: ledgerMethod(s.method),
      reference: s.paymentId,
      confirm: true,
    },
    { idempotencyKey: `${row.gateway}:${s.sessionId}`, actor: gatewayActor(row.gateway) },
  );
  const now = clock.now();
  let n = 0;
  try {
    n = await db('payments').where({ id: row.id }).whereIn('state', ['pending', 'expired']).update({
      state: 'paid',
      gateway_payment_id: s.paymentId,
      method: s.method,
      credited_at: now,
      checked_at: now,
      problem: null,
    });
  } catch (err) {
    if (/unique|duplicate/i.test((err as Error).message)) return 'already-credited';
    throw err;
  }
  if (n !== 1) return 'already-credited';
  log.info(
    { module: 'payments', payment: row.id, subscriber: row.subscriber_id, method: s.method },
    `online payment of ${formatMoney(s.paid)} recorded for subscriber ${out.payment.subscriberId} (${s.method ?? row.gateway})${out.recorded ? '' : ', recorded before'}`,
  );
  return 'credited';
}
