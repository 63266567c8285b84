/**
 * Admin JSON API for vouchers and profiles (auth is applied by the mount: session or Bearer token).
 * Input in human units (price in pesos, rates like "1M", durations like "30m"), parsed by the domain parsers;
 * output in integers (bits/s, bytes) plus ISO times, always with a `success` field.
 */
import { Router, type Request, type Response } from 'express';
import { ownVouchersOf } from '../middleware/roles';
import { generateWithinCredit, sellerMayAsk } from './seller-batch';
import { requireOwnVoucher } from './record-scope';
import { parseDuration, parseMoney } from '../../domain/units';
import { ValidationError } from '../../domain/errors';
import { LIST_STATUSES, type VoucherListStatus } from '../../domain/vouchers';
import type { VoucherFilter } from '../../services/types';
import { chargeFlag, expectedFigure } from './charge-json';
import { QuoteChangedError } from '../../services/shop/vouchers/plan-confirm';
import { errorJson } from '../../lib/error-reply';
import {
  batchJson,
  chargeJson,
  codeStyleJson,
  overageChargeJson,
  previewJson,
  timeSaleJson,
  voucherDetailJson,
  voucherJson,
} from '../../services/shop/vouchers/json';
import type { WebContext } from '../context';
import { apiSiteId } from './site-scope';
import { codeStyleFigures } from '../../services/shop/vouchers/code-style';
import { profileApiRoutes } from './api-profiles';
import { actorOf } from './api-common';

export function optionalInt(v: unknown, field: string, min: number, max: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  // Only numbers and their text: Number() would also read [8] as 8.
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw ValidationError.invalid(field, v, 'a whole number', `use ${min} to ${max}`);
  return n;
}

/** An optional text field: absent or a string; a list or an object is refused rather than turned into text. */
function optionalText(v: unknown, field: string, what: string, forms: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw ValidationError.invalid(field, v, what, forms);
  return v;
}

/** `true`/`false` (or their text, as a form sends them); anything else is refused, not read as false. */
function optionalFlag(v: unknown, field: string): boolean {
  if (v === undefined || v === null || v === '' || v === false || v === 'false') return false;
  if (v === true || v === 'true') return true;
  throw ValidationError.invalid(field, v, 'true or false', 'use true or false');
}

/** A profile name the caller must send: missing, or not text, says so under `profile`. */
function profileName(v: unknown): string {
  if (typeof v === 'string' && v !== '') return v;
  if (v === undefined || v === '')
    throw new ValidationError('profile', 'missing', 'profile: missing; name a profile like BASIC');
  throw ValidationError.invalid('profile', v, 'a profile name', 'name a profile like BASIC');
}

/**
 * A batch's code style as the API takes it (src/domain/code-style.ts checks it against the shop's): `alphabet`
 * digits | lowercase | uppercase, `length`, `prefix`, `password_alphabet` same | digits | lowercase | uppercase,
 * `password_length`. Left out: the shop's (Settings).
 */
function styleInput(b: Record<string, unknown>) {
  const alphabets = 'use digits, lowercase or uppercase';
  return {
    alphabet: optionalText(b.alphabet, 'alphabet', 'a code alphabet', alphabets),
    length: optionalInt(b.length, 'length', 1, 64),
    prefix: optionalText(b.prefix, 'prefix', 'a code prefix', 'use up to 8 letters or digits, like WIFI'),
    passwordAlphabet: optionalText(
      b.password_alphabet,
      'password_alphabet',
      'a password choice',
      `use same, or ${alphabets.slice(4)}`,
    ),
    passwordLength: optionalInt(b.password_length, 'password_length', 1, 64),
  };
}

/** Query string → filter; unknown statuses are refused rather than silently ignored. */
export function parseFilter(q: Record<string, unknown>): VoucherFilter {
  const status = typeof q.status === 'string' && q.status !== '' ? q.status : undefined;
  if (status !== undefined && !LIST_STATUSES.includes(status as VoucherListStatus)) {
    throw ValidationError.invalid(
      'status',
      status,
      'a voucher status',
      `use one of: ${LIST_STATUSES.join(', ')}`,
    );
  }
  return {
    status: status as VoucherListStatus | undefined,
    profile: typeof q.profile === 'string' && q.profile !== '' ? q.profile : undefined,
    batchId: optionalInt(q.batch, 'batch', 1, Number.MAX_SAFE_INTEGER),
    search: typeof q.search === 'string' && q.search !== '' ? q.search : undefined,
    limit: optionalInt(q.limit, 'limit', 1, 10_000),
    offset: optionalInt(q.offset, 'offset', 0, Number.MAX_SAFE_INTEGER),
  };
}

export function voucherApiRouter(ctx: WebContext): Router {
  const r = Router();
  r.post('/vouchers', (req, res) => generateBatch(ctx, req, res));
  // A style's figures before generating (the admin's batch form asks as the owner types): its shape is checked
  // (400 with field errors); whether it meets the guessing floor is `meets_floor`, with `problem` saying why not.
  r.get('/code-style', async (req, res) => {
    const f = await codeStyleFigures(ctx.services.settings, styleInput(req.query as Record<string, unknown>));
    res.json({ success: true, ...codeStyleJson(f) });
  });
  r.get('/vouchers', (req, res) => listVouchers(ctx, req, res));
  r.get('/vouchers/:code', async (req, res) => {
    const d = await ctx.services.vouchers.get(req.params.code);
    await requireOwnVoucher(ctx.services.accounts, req, d);
    res.json({ success: true, voucher: voucherDetailJson(d) });
  });
  r.post('/vouchers/:code/revoke', async (req, res) => {
    const v = await ctx.services.vouchers.revoke(req.params.code, actorOf(req));
    res.json({ success: true, voucher: voucherJson(v) });
  });
  r.post('/vouchers/:code/extend', (req, res) => sellTime(ctx, req, res));
  // What a move would charge or credit (the prorated price difference), changing nothing.
  r.get('/vouchers/:code/profile-change', (req, res) => previewProfileChange(ctx, req, res));
  r.post('/vouchers/:code/profile', (req, res) => changeProfile(ctx, req, res));
  // Extra data at the counter: one purchase of the plan's offer, for a voucher waiting at its cap.
  r.post('/vouchers/:code/overage', (req, res) => addOverage(ctx, req, res));
  profileApiRoutes(ctx, r);
  return r;
}

async function generateBatch(ctx: WebContext, req: Request, res: Response) {
  const b = (req.body ?? {}) as Record<string, unknown>;
  sellerMayAsk(req, b);
  const profile = profileName(b.profile);
  // Digits only, as the page takes them: "1e4" or "0x10" is refused by the service, not read as 10000 or 16.
  const count = typeof b.count === 'string' && /^\s*\d{1,6}\s*$/.test(b.count) ? Number(b.count) : b.count;
  const out = await generateWithinCredit(res, () =>
    ctx.services.vouchers.generate(
      {
        profile,
        count: count as number,
        ...styleInput(b),
        price: b.price === undefined || b.price === '' ? undefined : parseMoney(b.price, 'price'),
        // Passed as sent: the service parses and bounds them (a list or an object is refused there too).
        rateUp: b.rate_up === undefined || b.rate_up === '' ? undefined : (b.rate_up as string),
        rateDown: b.rate_down === undefined || b.rate_down === '' ? undefined : (b.rate_down as string),
        staff: optionalFlag(b.staff, 'staff'),
        note: optionalText(b.note, 'note', 'a note', 'use text of at most 200 characters'),
        design: optionalText(b.design, 'design', 'a card design', 'use custom, compact or logo'),
        // The site's id or name (the service looks it up); roaming: valid on every site.
        site: b.site === undefined || b.site === null || b.site === '' ? undefined : (b.site as string),
        roaming: optionalFlag(b.roaming, 'roaming'),
      },
      actorOf(req),
    ),
  );
  if (!out) return;
  res.status(201).json({ success: true, ...batchJson(out) });
}

async function listVouchers(ctx: WebContext, req: Request, res: Response) {
  const siteId = await apiSiteId(ctx, req);
  const out = await ctx.services.vouchers.list({
    ...parseFilter(req.query as Record<string, unknown>),
    siteId,
    accountId: ownVouchersOf(req),
  });
  res.json({ success: true, total: out.total, vouchers: out.vouchers.map(voucherJson) });
}

async function sellTime(ctx: WebContext, req: Request<{ code: string }>, res: Response) {
  const body = req.body ?? {};
  const raw = body.duration;
  const seconds = typeof raw === 'number' ? raw : parseDuration(raw, 'duration');
  const confirmed = body.confirm === true || body.confirm === 'true' || body.confirm === 'yes';
  const added = body.added_seconds;
  if (added !== undefined && !(typeof added === 'number' && Number.isSafeInteger(added) && added >= 0))
    throw new ValidationError(
      'added_seconds',
      "use the voucher's added_seconds as it was shown, a whole number",
      'added_seconds: use the whole seconds the voucher showed',
    );
  // A counter sale: its price, or the plan's pro-rata price for the time added.
  const sale = await ctx.services.vouchers.sellTime(req.params.code, seconds, actorOf(req), {
    confirmed,
    price: body.price,
    priceConfirmed: confirmed,
    addedSeconds: added as number | undefined,
  });
  res.json({
    success: true,
    ...timeSaleJson(sale),
  });
}

async function previewProfileChange(ctx: WebContext, req: Request<{ code: string }>, res: Response) {
  const q = req.query as Record<string, unknown>;
  const name = profileName(q.profile);
  const charge = chargeFlag(q.charge);
  const preview = await ctx.services.vouchers.previewProfileChange(req.params.code, name, { charge });
  res.json({ success: true, ...previewJson(preview) });
}

async function changeProfile(ctx: WebContext, req: Request<{ code: string }>, res: Response) {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const name = profileName(body.profile);
  const charge = chargeFlag(body.charge);
  const expected = expectedFigure(body);
  const out = await ctx.services.vouchers
    .changeProfile(req.params.code, name, actorOf(req), { charge, expected })
    .catch((err: unknown) => {
      if (!(err instanceof QuoteChangedError)) throw err;
      // The amount confirmed no longer stands: the new quote, for the face to ask again.
      res.status(409).json({ ...errorJson(err), quote: previewJson(err.preview) });
      return null;
    });
  if (!out) return;
  res.json({
    success: true,
    voucher: voucherJson(out.voucher),
    charge: chargeJson(out.voucher.code, out.charge),
  });
}

async function addOverage(ctx: WebContext, req: Request<{ code: string }>, res: Response) {
  const out = await ctx.services.vouchers.addOverage(req.params.code, actorOf(req));
  res.json({
    success: true,
    voucher: voucherJson(out.voucher),
    charge: overageChargeJson(out.voucher.code, out.charge),
    applied_now: out.appliedNow,
  });
}
