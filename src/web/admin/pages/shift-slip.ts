/**
 * The printable end-of-shift slip every login has (GET /admin/shift): its own sales from a start it may set (the
 * From field, at most a week back; default today 00:00), on a receipt roll or A4.
 */
import type { Request, Response } from 'express';
import { parseSheetLayout } from '../../../domain/cards';
import { localDateTime } from '../../../domain/calendar';
import { AppError } from '../../../domain/errors';
import { SHIFT_MAX_DAYS, shiftStart } from '../../../services/shop/accounts/shift-start';
import type { WebContext } from '../../context';
import { shiftOwner } from '../api-accounts';
import { paperLinks } from './charge-receipt';
import { actorOf } from './common';

/** Where the slip starts: `since` asked (the From field), else today 00:00; a refused one is named, with the default. */
function slipStart(ctx: WebContext, req: Request, now: number) {
  const asked = req.query.since === undefined || req.query.since === '' ? undefined : req.query.since;
  try {
    return { since: shiftStart(asked, now, ctx.config.tz), asked, error: null };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { since: shiftStart(undefined, now, ctx.config.tz), asked, error: err.message };
  }
}

/** The end-of-shift slip: this login's sales since `since` (default today 00:00), on a receipt roll or A4. */
export async function shiftSlip(ctx: WebContext, req: Request, res: Response) {
  const now = ctx.clock.now();
  const start = slipStart(ctx, req, now);
  const since = start.since;
  const actor = actorOf(req);
  const who = shiftOwner(actor);
  const [sales, extra] = await Promise.all([
    ctx.services.accounts.shift(who, since, now + 1),
    ctx.services.accounts.shiftMoney(who, since, now + 1),
  ]);
  const layout = parseSheetLayout(req.query.format ?? 'thermal80');
  res.status(start.error ? 400 : 200).render('admin/shift', {
    who: actor.name,
    role: req.role ?? 'owner',
    since,
    now,
    // The From field: what was asked when refused, else the start used, in the shop's time; and its bounds.
    from: {
      value: start.error ? String(start.asked) : localDateTime(since, ctx.config.tz),
      min: localDateTime(now - SHIFT_MAX_DAYS * 86_400_000, ctx.config.tz),
      max: localDateTime(now, ctx.config.tz),
      error: start.error,
      startOfDay: start.asked === undefined || start.error !== null,
    },
    format: layout,
    sales,
    total: sales.reduce((s, x) => s + x.price, 0),
    counter: extra.counter,
    printed: extra.printed,
    voided: extra.voided,
    subscribers: extra.subscribers,
    layout,
    pageSize: layout === 'a4' ? 'A4' : `${layout === 'thermal58' ? '58mm' : '80mm'} auto`,
    // Each paper keeps the slip's `since`.
    papers: paperLinks(
      layout,
      (paper) =>
        `/admin/shift?${new URLSearchParams({ ...(req.query.since ? { since: String(req.query.since) } : {}), format: paper }).toString()}`,
    ),
  });
}
