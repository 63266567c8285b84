/**
 * What every admin API router says the same way: who is acting (for the audit log), a time, an amount of
 * money in both units, and an amount above what is owed.
 */
import type { Request, Response } from 'express';
import type { AppError } from '../../domain/errors';
import { errorJson } from '../../lib/error-reply';
import type { Actor } from '../../services/types';

/** The acting admin or API token (set by the API's auth); never missing in a routed request. */
export const actorOf = (req: Request): Actor => req.actor ?? { name: 'unknown', via: 'api' };

/** The request's JSON body as fields ({} when none). */
export const bodyOf = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

/** A time as ISO 8601, or null. */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An amount under `name` in pesos and under `<name>_centavos` in centavos. */
export const money = (name: string, c: number) => ({ [name]: c / 100, [`${name}_centavos`]: c });

/** 409: an amount above what is owed, not confirmed: the refusal with both figures, nothing recorded. */
export function aboveOwed(res: Response, err: AppError & { owed: number; amount: number }): void {
  res.status(409).json({
    ...errorJson(err, { withFields: true }),
    ...money('owed', err.owed),
    ...money('amount', err.amount),
  });
}
