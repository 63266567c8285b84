/**
 * A checkout started at the gateway (a voucher's or a subscriber's bill): a pending payment row under a new
 * reference, then the gateway's session. A checkout the gateway would not start: the row is marked failed with the
 * gateway's words, logged, and the customer told in plain words which kind of failure it was (unreachable 503,
 * refused or broken 502). Nothing was charged: a checkout that never started has no payment behind it.
 */
import crypto from 'node:crypto';
import { AppError, RateLimitedError } from '../../../domain/errors';
import { GatewayError, type CheckoutRequest, type PaymentGateway } from '../../../payments/gateway';
import type { ShopDeps } from '../../deps';

/** Checkouts one payer (a subscriber, a phone) may start in the window: each is a call to the gateway, watched for hours. */
const CHECKOUT_STARTS = 5;
const CHECKOUT_STARTS_WINDOW_MS = 10 * 60_000;

/** RateLimitedError (with the seconds to wait) when the payer `where` names started CHECKOUT_STARTS in the window. */
export async function assertFewStarts(
  db: ShopDeps['db'],
  where: Record<string, unknown>,
  now: number,
): Promise<void> {
  const since = now - CHECKOUT_STARTS_WINDOW_MS;
  const recent = (await db('payments')
    .where(where)
    .where('created_at', '>', since)
    .orderBy('created_at')
    .pluck('created_at')) as number[];
  if (recent.length < CHECKOUT_STARTS) return;
  const oldest = Number(recent[recent.length - CHECKOUT_STARTS]);
  throw new RateLimitedError(Math.max(1, Math.ceil((oldest - since) / 1000)));
}

/** A pending payment: what it buys (`row`), its amount and the customer's language, watched for `watchMs`. */
interface PendingPayment {
  row: Record<string, unknown>;
  amount: number;
  lang: string | undefined;
  now: number;
  watchMs: number;
  /** Where the gateway sends the customer back (the portal's base URL). */
  returnBase: string;
}

/**
 * Records a pending payment under a new reference, then asks the gateway for its checkout (`request` builds it,
 * `back(path)` being the portal's address for this reference). `what` names it in the log when it fails.
 */
export async function startGatewayCheckout(
  deps: Pick<ShopDeps, 'db' | 'log'>,
  gw: PaymentGateway,
  p: PendingPayment,
  request: (back: (path: string) => string) => Omit<CheckoutRequest, 'reference'>,
  what: string,
): Promise<{ reference: string; checkoutUrl: string }> {
  const reference = `PN${crypto.randomBytes(12).toString('hex').toUpperCase()}`;
  const [{ id }] = (await deps
    .db('payments')
    .insert({
      ...p.row,
      gateway: gw.name,
      reference,
      state: 'pending',
      lang: p.lang === 'fil' ? 'fil' : 'en',
      amount: p.amount,
      currency: 'PHP',
      livemode: gw.livemode,
      created_at: p.now,
      expires_at: p.now + p.watchMs,
    })
    .returning('id')) as { id: number }[];
  const back = (path: string) => `${p.returnBase}${path}?${new URLSearchParams({ ref: reference })}`;
  try {
    const started = await gw.createCheckout({ reference, ...request(back) });
    await deps.db('payments').where({ id }).update({ session_id: started.sessionId });
    return { reference, checkoutUrl: started.checkoutUrl };
  } catch (err) {
    return checkoutFailed(deps, id, err, what);
  }
}

async function checkoutFailed(
  deps: Pick<ShopDeps, 'db' | 'log'>,
  id: number,
  err: unknown,
  what: string,
): Promise<never> {
  const e = err instanceof GatewayError ? err : new GatewayError('server', (err as Error).message);
  await deps
    .db('payments')
    .where({ id })
    .update({ state: 'failed', problem: e.message.slice(0, 300) });
  deps.log.warn({ module: 'payments', payment: id, err: e.message }, `${what} could not be started`);
  if (e.kind === 'unreachable')
    throw new AppError('PAYMENT_GATEWAY_UNREACHABLE', 'The payment service cannot be reached now', 503);
  if (e.kind === 'refused')
    throw new AppError('PAYMENT_GATEWAY_REFUSED', `The payment service refused: ${e.code ?? e.status}`, 502);
  throw new AppError('PAYMENT_GATEWAY_FAILED', 'The payment service had a problem', 502);
}
