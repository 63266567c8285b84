/**
 * A batch asked for by a cashier or a reseller (the API's and the pages' batch forms): what its role allows,
 * checked before anything else in the request, and a reseller's credit refusal as the API answers it.
 */
import type { Request, Response } from 'express';
import { batchOverrides } from '../../domain/roles';
import { AppError, CreditLimitError } from '../../domain/errors';
import { errorJson } from '../../lib/error-reply';
import { money } from './api-common';

/**
 * A cashier's or a reseller's batch, checked before anything else in it: no price, staff or speed of its own,
 * and a reseller only its profiles (403 FORBIDDEN_ROLE). The service checks the same again.
 */
export function sellerMayAsk(req: Request, b: Record<string, unknown>): void {
  const account = req.actor?.account;
  if (!account) return;
  const set = batchOverrides(b);
  if (set.length)
    throw new AppError(
      'FORBIDDEN_ROLE',
      `A ${account.role} sells at the profile's price and speeds; only the owner sets ${set.join(', ')}`,
      403,
    );
  if (account.role === 'reseller' && !(typeof b.profile === 'string' && account.profiles.includes(b.profile)))
    throw new AppError(
      'FORBIDDEN_ROLE',
      `This account may sell ${account.profiles.join(', ') || 'no profile'} only`,
      403,
      'profile',
    );
}

/** A batch refused for the reseller's credit: 409 CREDIT_LIMIT with the limit, what is owed and the cost. */
export async function generateWithinCredit<T>(res: Response, make: () => Promise<T>): Promise<T | undefined> {
  try {
    return await make();
  } catch (err) {
    if (!(err instanceof CreditLimitError)) throw err;
    res.status(409).json({
      ...errorJson(err),
      ...money('credit_limit', err.creditLimit),
      ...money('owed', err.owed),
      ...money('batch_cost', err.cost),
    });
    return undefined;
  }
}
