import { Router, Request, Response } from 'express';
import type { WebContext } from '../../context';
import type { GenerateInput, ProfileRecord, VoucherFilter } from '../../../services/types';
import { MAX_BATCH } from '../../../domain/codes';
import { LIST_STATUSES, type VoucherListStatus } from '../../../domain/vouchers';
import { parseMoney } from '../../../domain/units';
import { addDays, isLocalDate, startOfLocalDay } from '../../../domain/calendar';
import {
  actorOf,
  failIfAny,
  field,
  FieldErrors,
  flash,
  formFailure,
  refusedForm,
  page,
  pager,
  query,
} from './common';
import {
  CARD_DESIGN_LABELS,
  CARD_DESIGNS,
  DEFAULT_CARD_DESIGN,
  parseCardDesign,
  type CardDesign,
} from '../../../domain/cards';
import { cardTarget } from '../sheets';
import { pageSiteScope } from '../site-scope';
import { storedCodeStyle } from '../../../services/shop/vouchers/code-style';
import { voucherPlans } from '../../../services/shop/profiles/billing';
import { resolveCodeStyle, type CodeStyle } from '../../../domain/code-style';
import { ownVouchersOf, refuse } from '../../middleware/roles';
import { sellerMayAsk } from '../seller-batch';
import { batchNotFound, parseRecordId, requireOwnBatch } from '../record-scope';
import type { AppError } from '../../../domain/errors';
import { BATCH_STYLE_FIELDS, figuresView, styleFormView, styleInputOf, styleValues } from './code-style-form';

const PER_PAGE = 50;

/** Server-side checks of the batch form; every problem at once, under its field. */
function parseGenerateForm(body: unknown, profileNames: string[], shopStyle: CodeStyle) {
  const errors: FieldErrors = {};
  // The style is the service's to check; checked here too so its problems show with the others, all at once.
  const style = styleInputOf(body, BATCH_STYLE_FIELDS);
  try {
    resolveCodeStyle(shopStyle, style);
  } catch (err) {
    Object.assign(errors, formFailure(err).fields);
  }
  const profile = field(body, 'profile');
  const match = profileNames.find((n) => n.toUpperCase() === profile.toUpperCase());
  if (!match) errors.profile = 'choose a profile';
  const countText = field(body, 'count');
  const count = /^\d{1,6}$/.test(countText) ? Number(countText) : NaN;
  if (!(count >= 1 && count <= MAX_BATCH))
    errors.count = `use a whole number from 1 to ${MAX_BATCH.toLocaleString('en-US')}`;
  let price: number | undefined;
  const priceText = field(body, 'price');
  if (priceText !== '') {
    try {
      price = parseMoney(priceText, 'price');
    } catch {
      errors.price = 'use an amount like 5 or 5.50, or leave empty for the profile price';
    }
  }
  const note = field(body, 'note');
  if (note.length > 200) errors.note = 'use at most 200 characters';
  let design: CardDesign | undefined;
  try {
    design = parseCardDesign(field(body, 'design'));
  } catch {
    errors.design = 'choose a card design';
  }
  failIfAny(errors);
  // Staff/developer codes: no time limit, still speed-limited, and (unless priced) not counted as sales.
  const staff = field(body, 'staff') === 'on';
  // The site select: a site's id, or "roaming" for a batch valid on every site (shown with two or more sites).
  const site = field(body, 'site');
  return {
    ...(site === 'roaming' ? { roaming: true } : site !== '' ? { site } : {}),
    profile: match as string,
    count,
    style,
    price,
    ...(note ? { note } : {}),
    ...(staff ? { staff } : {}),
    ...(design ? { design } : {}),
  };
}

/** Reads the list filters from the query string; bad values are reported and ignored. */
function parseFilter(req: Request, tz: string) {
  const values: Record<string, string> = {};
  for (const k of ['status', 'profile', 'batch', 'from', 'to', 'q']) values[k] = query(req, k);
  const errors: FieldErrors = {};
  const filter: VoucherFilter = {};
  if (values.status) {
    if (LIST_STATUSES.includes(values.status as VoucherListStatus))
      filter.status = values.status as VoucherListStatus;
    else errors.status = 'unknown status';
  }
  if (values.profile) filter.profile = values.profile;
  if (values.batch) {
    if (/^\d{1,9}$/.test(values.batch)) filter.batchId = Number(values.batch);
    else errors.batch = 'use a batch number';
  }
  for (const k of ['from', 'to'] as const) {
    if (!values[k]) continue;
    if (!isLocalDate(values[k])) errors[k] = 'use a date like 2026-11-21';
    else filter[k] = startOfLocalDay(k === 'to' ? addDays(values[k], 1) : values[k], tz);
  }
  if (values.q) filter.search = values.q.slice(0, 40);
  return { filter, errors, values };
}

/** Voucher list with filters, the batch form and batch pages. One voucher's page is in voucher-detail.ts. */
export function voucherRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/vouchers', (req, res) => renderIndex(ctx, req, res));
  router.post('/vouchers/generate', (req, res) => generateBatch(ctx, req, res));
  router.get('/vouchers/batches/:id', (req, res) => batchPage(ctx, req, res));
  return router;
}

type GenerateFormState = { values?: Record<string, string>; errors?: FieldErrors; formError?: string };

/** The plans this login sees: a cashier those on sale, a reseller only its own, the owner every one. */
function batchProfiles(req: Request, all: ProfileRecord[]): ProfileRecord[] {
  const account = req.actor?.account;
  return account
    ? all.filter((p) => !p.archived && (account.role !== 'reseller' || account.profiles.includes(p.name)))
    : all;
}

/** One page of the filtered list, and its pager. */
async function voucherPage(ctx: WebContext, req: Request, filter: VoucherFilter) {
  const { vouchers } = ctx.services;
  const total = (await vouchers.list({ ...filter, limit: 1 })).total;
  const p = pager(req, total, PER_PAGE);
  const list = await vouchers.list({ ...filter, limit: PER_PAGE, offset: p.offset });
  return { vouchers: list.vouchers, pager: p };
}

async function renderIndex(
  ctx: WebContext,
  req: Request,
  res: Response,
  gen: GenerateFormState = {},
  status = 200,
) {
  const { services } = ctx;
  const { filter, errors: filterErrors, values: filterValues } = parseFilter(req, ctx.config.tz);
  // Narrowed to one site (?site=): its vouchers and batches (src/web/admin/site-scope.ts).
  const scope = await pageSiteScope(ctx, req);
  filter.siteId = scope.siteId;
  filter.accountId = ownVouchersOf(req);
  const [allProfiles, batches, shopStyle] = await Promise.all([
    services.profiles.list(),
    services.reports.batches({ limit: 10, siteId: scope.siteId, accountId: filter.accountId }),
    storedCodeStyle(services.settings),
  ]);
  // The figures of the style the form holds: the shop's at first, what was sent after a submit.
  const figures = await figuresView(
    services.settings,
    gen.values ? styleInputOf(gen.values, BATCH_STYLE_FIELDS) : {},
  );
  page(
    res,
    'vouchers/index',
    'vouchers',
    'Vouchers',
    {
      ...gen,
      siteScope: scope,
      profiles: batchProfiles(req, allProfiles),
      // A batch is of a plan sold as vouchers: not a monthly or an archived one (the filter keeps every plan).
      batchPlans: voucherPlans(batchProfiles(req, allProfiles)),
      batches,
      ...(await voucherPage(ctx, req, filter)),
      filterValues,
      filterErrors,
      statuses: LIST_STATUSES,
      // A page narrowed to one site makes its batches there.
      values: {
        count: '10',
        ...styleValues(shopStyle, BATCH_STYLE_FIELDS),
        design: DEFAULT_CARD_DESIGN,
        site: String(scope.siteId ?? 1),
        ...gen.values,
      },
      cardDesigns: CARD_DESIGNS.map((d) => ({ value: d, label: CARD_DESIGN_LABELS[d] })),
      codeStyle: styleFormView(BATCH_STYLE_FIELDS, figures),
      scripts: ['/public/js/admin-code-style.js'],
    },
    status,
  );
}

/** The batch form as typed, to show again. */
function generateValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  const fields = ['profile', 'count', 'price', 'note', 'staff', 'design', 'site'];
  for (const k of [...fields, ...Object.values(BATCH_STYLE_FIELDS)]) values[k] = field(body, k);
  return values;
}

/** POST /vouchers/generate: a batch made, or (`preview`) the figures of the chosen style; a seller's own plans only. */
async function generateBatch(ctx: WebContext, req: Request, res: Response) {
  const { services } = ctx;
  const values = generateValues(req.body);
  try {
    sellerMayAsk(req, req.body ?? {});
  } catch (e) {
    return refuse(req, res, e as AppError);
  }
  // "Show the figures" (the form without JavaScript): the page again with the chosen style's figures, nothing made.
  if (field(req.body, 'preview') === '1') return renderIndex(ctx, req, res, { values });
  try {
    const names = (await services.profiles.list()).map((p) => p.name);
    const { style, ...input } = parseGenerateForm(req.body, names, await storedCodeStyle(services.settings));
    const result = await services.vouchers.generate(
      { ...input, ...(style as Partial<GenerateInput>) },
      actorOf(req),
    );
    const pending = result.routerPending
      ? ` ${result.routerPending} will reach the router when it is reachable again.`
      : '';
    flash(
      req,
      'ok',
      `Batch #${result.batchId}: ${result.vouchers.length} ${input.profile} voucher(s) created.${pending}`,
    );
    res.redirect(303, `/admin/vouchers/batches/${result.batchId}`);
  } catch (err) {
    await renderIndex(ctx, req, res, ...refusedForm(err, values));
  }
}

/** One batch: its first 200 codes and the print buttons. */
async function batchPage(ctx: WebContext, req: Request, res: Response) {
  const id = parseRecordId(req.params.id, batchNotFound);
  await requireOwnBatch(ctx.services.accounts, req, id);
  const { batch, vouchers } = await ctx.services.vouchers.batch(id);
  // Beside the Print buttons: what the QR codes will hold, and in one line when a scan cannot log a phone in.
  const cardLink = await cardTarget(ctx, req, { batchId: batch.id });
  page(res, 'vouchers/batch', 'vouchers', `Batch #${batch.id}`, {
    batch,
    cardLink,
    cardDesignLabel: CARD_DESIGN_LABELS[batch.design],
    vouchers: vouchers.slice(0, 200),
    shown: Math.min(vouchers.length, 200),
    total: vouchers.length,
  });
}
