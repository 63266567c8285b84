/**
 * A checkout the gateway would not start (a voucher's or a subscriber's bill): the row is marked failed with the
 * gateway's words, logged, and the customer told in plain words which kind of failure it was (unreachable 503,
 * refused or broken 502). Nothing was charged: a checkout that never started has no payment behind it.
 */
import { AppError } from '../../../domain/errors';
import { GatewayError } from '../../../payments/gateway';
import type { ShopDeps } from '../../deps';

export async function checkoutFailed(
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
