/**
 * The Invoices pages: subscribers' invoices listed (by status, searched by number, account or name), one on its
 * own page (lines, credit applied, paid, due, the payments that paid it, a void's reason), printed on A4 for the
 * customer, and voided with a reason. Owner and cashier read; only the owner voids (src/domain/roles.ts). The
 * invoice service owns every rule (a paid invoice is never voided, a void keeps its number).
 */
import { Router, type Request, type Response } from 'express';
import { formatMoneyText } from '../../../domain/units';
import { INVOICE_STATUSES } from '../../../services/subscriptions/billing/view';
import { safeLogo } from '../../../services/business/settings/shop-logo';
import { shopName } from '../../../services/business/settings';
import { localMobile, shopContact } from '../../../services/business/settings/shop-contact';
import type { WebContext } from '../../context';
import { actorOf, field, flash, formFailure, page, statusFilter } from './common';

const isOwner = (req: Request) => (req.role ?? 'owner') === 'owner';
const numberOf = (req: Request) => String(req.params.number);
const pathOf = (number: string) => `/admin/invoices/${encodeURIComponent(number)}`;

export function invoiceRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/invoices', (req, res) => listInvoices(ctx, req, res));
  router.get('/invoices/:number', (req, res) => invoicePage(ctx, req, res));
  router.get('/invoices/:number/print', (req, res) => printInvoice(ctx, req, res));
  router.post('/invoices/:number/void', (req, res) => voidInvoice(ctx, req, res));
  return router;
}

/** The invoice, and the payments whose allocations paid it (each with the part that went to it), a voided one and its reversal marked. */
async function invoiceWithPayments(ctx: WebContext, number: string) {
  const { invoices } = ctx.services;
  const inv = await invoices.get(number);
  const { payments } = await invoices.payments(inv.subscriberId);
  const paidBy = payments.flatMap((p) =>
    p.allocations
      .filter((a) => a.invoice === inv.number)
      .map((a) => ({ ...p, amount: a.amount, total: p.amount })),
  );
  return { inv, paidBy };
}

/** GET /invoices: newest first, narrowed by status and a search over number, account and name. */
async function listInvoices(ctx: WebContext, req: Request, res: Response) {
  const { status, search: q, filterValues, filterErrors } = statusFilter(req, INVOICE_STATUSES);
  const all = await ctx.services.invoices.list(status ? { status } : {});
  const list = (
    q
      ? all.filter((v) => [v.number, v.accountNo, v.subscriberName].some((x) => x.toLowerCase().includes(q)))
      : all
  ).reverse();
  page(res, 'invoices/index', 'subscribers', 'Invoices', {
    list,
    statuses: INVOICE_STATUSES,
    filterValues,
    filterErrors,
    totalDue: list.reduce((n, v) => n + v.due, 0),
  });
}

async function invoicePage(ctx: WebContext, req: Request, res: Response) {
  const { inv, paidBy } = await invoiceWithPayments(ctx, numberOf(req));
  page(res, 'invoices/detail', 'subscribers', `Invoice ${inv.number}`, {
    inv,
    paidBy,
    contact: await shopContact(ctx.services.shopSettings),
    localMobile,
    owner: isOwner(req),
    mayVoid: isOwner(req) && inv.status === 'open',
  });
}

/** The customer's copy: one A4 page, the shop's name and logo as on the printed vouchers. */
async function printInvoice(ctx: WebContext, req: Request, res: Response) {
  const { inv, paidBy } = await invoiceWithPayments(ctx, numberOf(req));
  const s = await ctx.services.subscribers.get(inv.subscriberId);
  res.render('admin/invoices/print', {
    inv,
    paidBy,
    customer: { name: s.name, accountNo: s.accountNo, address: s.address, mobile: s.mobile },
    shop: await shopName(ctx.services.settings),
    contact: await shopContact(ctx.services.shopSettings),
    localMobile,
    logo: safeLogo(await ctx.services.settings.get<unknown>('shop.logo', null)),
    money: formatMoneyText,
    backUrl: pathOf(inv.number),
  });
}

async function voidInvoice(ctx: WebContext, req: Request, res: Response) {
  const number = numberOf(req);
  try {
    const inv = await ctx.services.invoices.void(number, field(req.body, 'reason'), actorOf(req));
    flash(req, 'ok', `${inv.number} voided; its number stays, and it is no longer owed.`);
    res.redirect(303, pathOf(inv.number));
  } catch (err) {
    const f = formFailure(err);
    flash(req, 'error', f.fields.reason ? `Reason: ${f.fields.reason}` : f.message);
    res.redirect(303, `${pathOf(number)}#void`);
  }
}
