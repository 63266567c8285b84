import { Router, Request, Response } from 'express';
import type { WebContext } from '../../context';
import {
  CONFIRM_EXTENSION_ABOVE_SECONDS,
  formatBytes,
  formatDurationHuman,
  formatMoney,
  MAX_EXTENSION_SECONDS,
  parseDuration,
} from '../../../domain/units';
import type { ChargeOutcome, PlanChangePreview } from '../../../services/shop/vouchers/charge-types';
import { chargeFlag, expectedFigure, voidPath } from '../charge-json';
import { receiptPath } from '../../../services/shop/vouchers/json';
import { QuoteChangedError } from '../../../services/shop/vouchers/plan-confirm';
import { voucherPlans } from '../../../services/shop/profiles/billing';
import { voidRefusal } from '../../../services/shop/vouchers/charge-void';
import {
  actorOf,
  failIfAny,
  field,
  flash,
  formFailure,
  refusedForm,
  Formatters,
  page,
  query,
} from './common';
import { hourlyTrafficChart } from './series';
import { requireOwnVoucher } from '../record-scope';

const PLAN_CHANGE_CSS = '/public/css/plan-change.css';

/** What a move did with money, for its flash message. */
function chargeWords(c: ChargeOutcome): string {
  if (c.amount > 0) return `${formatMoney(c.amount)} charged (prorated)`;
  if (c.credit > 0) return `${formatMoney(c.credit)} credit noted for the customer`;
  return c.free ? 'moved free' : 'nothing to charge';
}

/**
 * One voucher: state, usage chart, devices, events, charges, and the revoke / extend / move actions (and, while
 * its data is used up on a plan that sells more, the sale of extra data). A move
 * goes through a confirm step (GET …/move?profile=) that shows what it charges or credits before anything
 * changes; after a charge the page links its receipt (charge-receipt.ts).
 */
export function voucherDetailRoutes(ctx: WebContext): Router {
  const router = Router();
  const action = (name: string, run: VoucherAction) =>
    router.post(`/vouchers/:code/${name}`, (req, res) => runAction(ctx, name, run, req, res));
  router.get('/vouchers/:code', (req, res) => renderDetail(ctx, req, res));
  action('revoke', (req, code) => revoke(ctx, req, code));
  action('extend', (req, code) => extend(ctx, req, code));
  router.get('/vouchers/:code/move', (req, res) => confirmMove(ctx, req, res));
  action('move', (req, code) => move(ctx, req, code));
  router.post('/vouchers/:code/charges/:id/void', (req, res) => voidSale(ctx, req, res));
  action('overage', (req, code) => sellOverage(ctx, req, code));
  return router;
}

async function renderDetail(
  ctx: WebContext,
  req: Request,
  res: Response,
  extra: Record<string, unknown> = {},
  status = 200,
) {
  const { services, config } = ctx;
  const code = String(req.params.code);
  const [voucher, all] = await Promise.all([services.vouchers.get(code), services.profiles.list()]);
  await requireOwnVoucher(services.accounts, req, voucher);
  // A move goes to another plan sold as vouchers (not monthly, not archived); the one it is on is no choice.
  const profiles = voucherPlans(all).filter((p) => p.name !== voucher.profile);
  // Just moved with a charge or credit (the redirect names it): its receipt, one click away.
  const asked = Number(query(req, 'receipt'));
  const justCharged = voucher.charges.find((c) => c.id === asked) ?? null;
  // Printing its card makes sense while it can be sold or used; its print page says what the QR code opens.
  const printable = voucher.status === 'unused' || voucher.status === 'active';
  // The sales this login may void here (the service's own rule): a cashier its own of today, the owner any.
  const actor = actorOf(req);
  const now = ctx.clock.now();
  const voidable = new Set(
    voucher.charges
      .filter((c) => c.voided === null && voidRefusal(actor, c, now, config.tz) === null)
      .map((c) => c.id),
  );
  const usage = await hourlyTrafficChart(
    services.usage,
    ctx.clock.now(),
    config.tz,
    res.locals.fmt as Formatters,
    { voucherCode: voucher.code },
  );
  page(
    res,
    'vouchers/detail',
    'vouchers',
    `Voucher ${voucher.code}`,
    {
      voucher,
      profiles,
      usage,
      printable,
      justCharged,
      receiptPath,
      voidPath,
      voidable,
      extendQuote: await extendQuote(ctx, code),
      values: { move: profiles[0]?.name ?? '', extend: '30m' },
      styles: [PLAN_CHANGE_CSS],
      scripts: ['/public/js/admin-plan-change.js'],
      ...extra,
    },
    status,
  );
}

/** The price the Extend form suggests: the plan's rate for the time it shows (none: a voucher without a clock). */
async function extendQuote(ctx: WebContext, code: string) {
  const quote = (seconds: number) => ctx.services.vouchers.quoteTime(code, seconds).catch(() => null);
  const [half, hourly] = await Promise.all([quote(1800), quote(3600)]);
  return half === null || hourly === null ? null : { seconds: 1800, price: half, hourly };
}

/** A voucher action's work: the message, or the message and a `query` for the voucher page it returns to. */
type VoucherAction = (req: Request, code: string) => Promise<string | { message: string; query: string }>;

/** Runs a voucher action; on a form problem shows the voucher page again with the message under the field. */
async function runAction(ctx: WebContext, name: string, run: VoucherAction, req: Request, res: Response) {
  const code = String(req.params.code);
  try {
    const done = await run(req, code);
    const { message, query: qs } = typeof done === 'string' ? { message: done, query: '' } : done;
    flash(req, 'ok', message);
    res.redirect(303, `/admin/vouchers/${encodeURIComponent(code)}${qs}`);
  } catch (err) {
    // A move whose confirmed amount no longer stands: its confirm step again, with the new amount.
    if (err instanceof QuoteChangedError) return showMove(res, err.preview, err.message, 409);
    // A price's problem shows under the price (the Extend form's); the others under the action's first field.
    const values = {
      move: field(req.body, 'profile'),
      extend: field(req.body, 'duration'),
      extendPrice: field(req.body, 'price'),
    };
    await renderDetail(ctx, req, res, ...refusedForm(err, values, (k) => (k === 'price' ? 'price' : name)));
  }
}

async function revoke(ctx: WebContext, req: Request, code: string) {
  if (field(req.body, 'confirm') !== 'yes')
    failIfAny({ revoke: 'tick the box to confirm: the customer is cut off at once' });
  const v = await ctx.services.vouchers.revoke(code, actorOf(req));
  return `Voucher ${v.code} revoked; its devices were logged out.`;
}

/** The duration typed, checked: a long one needs its own tick. */
function extensionSeconds(body: unknown): number {
  let seconds = 0;
  try {
    seconds = parseDuration(field(body, 'duration'), 'duration');
  } catch {
    failIfAny({ extend: 'use a duration like 30m, 1h or 1d' });
  }
  if (seconds <= 0 || seconds > MAX_EXTENSION_SECONDS)
    failIfAny({ extend: 'use more than 0 and at most 365 days, like 30m, 1h or 1d' });
  if (seconds > CONFIRM_EXTENSION_ABOVE_SECONDS && field(body, 'confirm_long') !== 'yes')
    failIfAny({
      extend: `that adds ${formatDurationHuman(seconds)}, more than a day: tick "Yes, add more than a day" to go ahead`,
    });
  return seconds;
}

async function extend(ctx: WebContext, req: Request, code: string) {
  const seconds = extensionSeconds(req.body);
  // What the page showed: a second press of the same form (a double click) finds more time and sells nothing.
  const seen = field(req.body, 'added_seconds');
  const sale = await ctx.services.vouchers.sellTime(code, seconds, actorOf(req), {
    confirmed: true,
    price: field(req.body, 'price'),
    priceConfirmed: field(req.body, 'confirm_price') === 'yes',
    addedSeconds: /^\d{1,12}$/.test(seen) ? Number(seen) : undefined,
  });
  const sold = sale.price ? ` for ${formatMoney(sale.price)}` : ' free';
  const message = `Added ${field(req.body, 'duration')} to ${sale.voucher.code}${sold}.`;
  return sale.chargeId === null ? message : { message, query: `?receipt=${sale.chargeId}` };
}

/** The confirm step's page: the quote (`changed`: why it is asked again) and the buttons that do the move. */
function showMove(res: Response, preview: PlanChangePreview, changed: string | null = null, status = 200) {
  page(
    res,
    'vouchers/move',
    'vouchers',
    `Move ${preview.code} to ${preview.to.name}`,
    { preview, changed, styles: [PLAN_CHANGE_CSS] },
    status,
  );
}

/** The confirm step: what the move charges or credits, and the buttons that do it (no script needed). */
async function confirmMove(ctx: WebContext, req: Request, res: Response) {
  const profile = query(req, 'profile');
  try {
    if (!profile) failIfAny({ move: 'choose a profile' });
    showMove(res, await ctx.services.vouchers.previewProfileChange(String(req.params.code), profile));
  } catch (err) {
    await renderDetail(ctx, req, res, ...refusedForm(err, { move: profile, extend: '30m' }, () => 'move'));
  }
}

async function move(ctx: WebContext, req: Request, code: string) {
  const profile = field(req.body, 'profile');
  if (!profile) failIfAny({ move: 'choose a profile' });
  const raw = field(req.body, 'charge');
  let charge = true;
  try {
    charge = chargeFlag(raw === '' ? undefined : raw);
  } catch {
    failIfAny({ move: 'choose Charge or Move free' });
  }
  // The amount the confirm step showed: the one kept, or the step again with the new one.
  let expected: number | undefined;
  try {
    expected = charge ? expectedFigure(req.body as Record<string, unknown>) : undefined;
  } catch {
    failIfAny({ move: 'review the move again' });
  }
  const out = await ctx.services.vouchers.changeProfile(code, profile, actorOf(req), { charge, expected });
  const message = `${out.voucher.code} moved to ${out.voucher.profile}: ${chargeWords(out.charge)}; the new speeds apply at the next poll.`;
  return out.charge.id === null ? message : { message, query: `?receipt=${out.charge.id}#charges` };
}

/** A sale undone: voided with a reason, its unused time or data taken back; a problem shows on its row. */
async function voidSale(ctx: WebContext, req: Request, res: Response) {
  const code = String(req.params.code);
  const id = String(req.params.id);
  try {
    const out = await ctx.services.vouchers.voidCharge(code, id, field(req.body, 'reason'), actorOf(req));
    const c = out.charge;
    const back = out.takenBack;
    const taken = [
      back.seconds > 0 ? `${formatDurationHuman(back.seconds)} taken back` : '',
      back.bytes > 0 ? `${formatBytes(back.bytes)} taken back` : '',
    ].filter(Boolean);
    const money = c.amount > 0 ? `${formatMoney(c.amount)} to give back to the customer` : 'credit cancelled';
    flash(req, 'ok', `Sale #${c.id} voided: ${money}${taken.length ? `; ${taken.join(', ')}` : ''}.`);
    res.redirect(303, `/admin/vouchers/${encodeURIComponent(out.voucher.code)}#charges`);
  } catch (err) {
    const f = formFailure(err, () => `void-${id}`);
    await renderDetail(ctx, req, res, { errors: f.fields, formError: f.message }, f.status);
  }
}

/** Extra data sold at the counter: one purchase of the plan's offer, its receipt one click away. */
async function sellOverage(ctx: WebContext, req: Request, code: string) {
  // The extra data the page was shown with: a second click, or a stale page, sells nothing twice.
  const shown = Number(field(req.body, 'added_bytes'));
  const out = await ctx.services.vouchers.addOverage(code, actorOf(req), {
    addedBytes: Number.isSafeInteger(shown) ? shown : undefined,
  });
  const when = out.appliedNow
    ? 'its devices can log in again now, and those online keep going'
    : 'its router takes it at its next poll, then its devices can log in again';
  return {
    message: `${formatBytes(out.charge.bytes)} of extra data sold to ${out.voucher.code} for ${formatMoney(out.charge.amount)}; ${when}.`,
    query: `?receipt=${out.charge.chargeId}#charges`,
  };
}
