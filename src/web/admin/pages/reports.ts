import { Router, Request, Response } from 'express';
import type { WebContext } from '../../context';
import {
  addDays,
  isLocalDate,
  isReportPreset,
  localDate,
  presetDates,
  presetOf,
  startOfLocalDay,
  type ReportPreset,
} from '../../../domain/calendar';
import type { SalesRow } from '../../../services/types';
import { salesTotal } from '../../../services/shop/reports/types';
import { ValidationError } from '../../../domain/errors';
import { FieldErrors, Formatters, page, query } from './common';
import { salesChart, shortDay } from './series';
import { pageSiteScope } from '../site-scope';

const MAX_DAYS = 366 * 3;

interface Range {
  fromDate: string;
  toDate: string;
  from: number;
  to: number;
  by: 'day' | 'week' | 'month';
  /** The preset the range is (asked for, or typed by hand and the same dates); null for another range. */
  preset: ReportPreset | null;
}

const PRESET_LABELS: Record<ReportPreset, string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  week: 'This week',
  month: 'This month',
};

/**
 * Date range from the query (inclusive local dates, the shop's time zone): `preset` (today, yesterday, week,
 * month), else `from`/`to` typed by hand; with neither, today.
 */
export function parseRange(
  q: { preset?: string; from?: string; to?: string; by?: string },
  now: number,
  tz: string,
): { range: Range; errors: FieldErrors; tooLong: string | null } {
  const errors: FieldErrors = {};
  const today = localDate(now, tz);
  const asked = q.preset ?? '';
  let fromDate: string;
  let toDate: string;
  if (isReportPreset(asked)) ({ fromDate, toDate } = presetDates(asked, now, tz));
  else {
    if (asked && asked !== 'custom')
      errors.preset = 'choose Today, Yesterday, This week, This month or a range';
    fromDate = q.from || today;
    toDate = q.to || (q.from && isLocalDate(q.from) && q.from > today ? q.from : today);
  }
  if (!isLocalDate(fromDate)) {
    errors.from = 'use a date like 2026-11-01';
    fromDate = today;
  }
  if (!isLocalDate(toDate)) {
    errors.to = 'use a date like 2026-11-30';
    toDate = today;
  }
  if (fromDate > toDate) {
    errors.to = 'must be on or after the start date';
    toDate = fromDate;
  }
  // Over the limit: the range used ends MAX_DAYS after the start, and its end date says so (heading, file names).
  const last = addDays(fromDate, MAX_DAYS - 1);
  let tooLong: string | null = null;
  if (toDate > last) {
    tooLong = `choose at most 3 years: from ${fromDate}, up to ${last}`;
    errors.to = tooLong;
    toDate = last;
  }
  const from = startOfLocalDay(fromDate, tz);
  const to = startOfLocalDay(addDays(toDate, 1), tz);
  const by = q.by === 'week' || q.by === 'month' ? q.by : 'day';
  const preset = isReportPreset(asked) ? asked : presetOf(fromDate, toDate, now, tz);
  return { range: { fromDate, toDate, from, to, by, preset }, errors, tooLong };
}

function rangeOf(req: Request, now: number, tz: string) {
  return parseRange(
    { preset: query(req, 'preset'), from: query(req, 'from'), to: query(req, 'to'), by: query(req, 'by') },
    now,
    tz,
  );
}

/** Spreadsheet-safe CSV: quoted cells, and a leading ' on cells a spreadsheet would run as a formula. */
export function toCsv(rows: (string | number)[][]): string {
  const cell = (v: string | number) => {
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return rows.map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

const pesos = (c: number) => (c / 100).toFixed(2);

/** Subscribers' billing for the Reports page: money in only for a range the service takes (366 days at most). */
async function billingFigures(ctx: WebContext, from: string, to: string) {
  const b = ctx.services.billingReports;
  const owed = await b.owedByAge();
  const moneyIn = await b.moneyIn({ from, to }).catch((err: unknown) => {
    if (err instanceof ValidationError) return null;
    throw err;
  });
  return { owed, moneyIn };
}

export function reportRoutes(ctx: WebContext): Router {
  const router = Router();
  router.get('/reports', (req, res) => reportsPage(ctx, req, res));
  router.get('/reports/sales.csv', (req, res) => sendCsv(ctx, req, res, salesCsv));
  router.get('/reports/profiles.csv', (req, res) => sendCsv(ctx, req, res, profilesCsv));
  router.get('/reports/usage.csv', (req, res) => sendCsv(ctx, req, res, usageCsv));
  router.get('/reports/top-users.csv', (req, res) => sendCsv(ctx, req, res, topUsersCsv));
  return router;
}

/** The period's figures of every table on the page (one site's, or the shop's). */
async function periodFigures(ctx: WebContext, range: Range, siteId: number | undefined) {
  const { reports } = ctx.services;
  const span = { from: range.from, to: range.to, siteId };
  const [sales, byProfile, usage, top, stock, sources, voided] = await Promise.all([
    reports.sales({ ...span, by: range.by }),
    reports.sales({ ...span, by: 'profile' }),
    reports.usageTotals(span),
    reports.topUsers({ ...span, limit: 10 }),
    reports.stock({ siteId }),
    reports.bySource(span),
    reports.voided(span),
  ]);
  return { sales, byProfile, usage, top, stock, sources, voided };
}

/** GET /reports. The shop's zone at each request, never kept from the start: Settings may change it while the server runs. */
async function reportsPage(ctx: WebContext, req: Request, res: Response) {
  const fmt = res.locals.fmt as Formatters;
  const { range, errors, tooLong } = rangeOf(req, ctx.clock.now(), ctx.config.tz);
  const scope = await pageSiteScope(ctx, req);
  const figures = await periodFigures(ctx, range, scope.siteId);
  const { sales, byProfile } = figures;
  const total = salesTotal(sales);
  const billing = await billingFigures(ctx, range.fromDate, range.toDate);
  const qs = new URLSearchParams({
    from: range.fromDate,
    to: range.toDate,
    by: range.by,
    ...(scope.site ? { site: String(scope.site.id) } : {}),
  }).toString();
  page(res, 'reports', 'reports', 'Reports', {
    // Each reseller's figures: all its batches, not the period's (what it owes is a running total).
    resellers: await ctx.services.accounts.balances(),
    removedResellers: await ctx.services.accounts.removedBalances(),
    billing,
    siteScope: scope,
    presets: Object.entries(PRESET_LABELS),
    presetTitle: range.preset ? PRESET_LABELS[range.preset] : null,
    range,
    errors,
    ...figures,
    total,
    // The Charges columns show once a charge (a plan upgrade) is in the range.
    hasCharges: total.charges > 0 || byProfile.some((r) => r.charges),
    qs,
    chart: salesChart(sales, fmt, range.by === 'day' ? shortDay : (p) => p),
    values: { from: range.fromDate, to: range.toDate, by: range.by },
    formError: errors.preset
      ? `Period: ${errors.preset}`
      : tooLong
        ? `Range: ${tooLong}. The figures below are of ${range.fromDate} to ${range.toDate}.`
        : null,
  });
}

/** One CSV export: its file name (before the site and the dates) and its rows. */
type CsvExport = (
  reports: WebContext['services']['reports'],
  range: Range,
  siteId: number | undefined,
) => Promise<{ name: string; rows: (string | number)[][] }>;

/**
 * A CSV of the period; one of one site (`site=`) is named after it, and an unknown site is refused (400) rather
 * than exported whole.
 */
async function sendCsv(ctx: WebContext, req: Request, res: Response, make: CsvExport) {
  const { range, tooLong } = rangeOf(req, ctx.clock.now(), ctx.config.tz);
  // A file named for the range must hold all of it: a range over the limit is refused, never cut short.
  if (tooLong) throw new ValidationError('to', tooLong);
  const site = await ctx.services.sites.scope(req.query.site === undefined ? '' : req.query.site);
  const { name, rows } = await make(ctx.services.reports, range, site?.id);
  res.type('text/csv; charset=utf-8');
  res.set(
    'Content-Disposition',
    `attachment; filename="${site ? `${site.name}-` : ''}${name}-${range.fromDate}-to-${range.toDate}.csv"`,
  );
  res.send(toCsv(rows));
}

// `charges`: how many charges on running vouchers (plan upgrades) `amount_php` holds besides the vouchers.
const salesRows = (rows: SalesRow[], head: string) => [
  [head, 'vouchers', 'amount_php', 'charges'],
  ...rows.map((r) => [r.period, r.count, pesos(r.amount), r.charges ?? 0]),
];

const salesCsv: CsvExport = async (reports, range, siteId) => ({
  name: `sales-by-${range.by}`,
  rows: salesRows(await reports.sales({ from: range.from, to: range.to, by: range.by, siteId }), range.by),
});

const profilesCsv: CsvExport = async (reports, range, siteId) => ({
  name: 'sales-by-profile',
  rows: salesRows(await reports.sales({ from: range.from, to: range.to, by: 'profile', siteId }), 'profile'),
});

const usageCsv: CsvExport = async (reports, range, siteId) => {
  const u = await reports.usageTotals({ from: range.from, to: range.to, siteId });
  return {
    name: 'usage',
    rows: [
      ['from', 'to', 'bytes_up', 'bytes_down', 'vouchers'],
      [range.fromDate, range.toDate, u.bytesUp, u.bytesDown, u.vouchers],
    ],
  };
};

const topUsersCsv: CsvExport = async (reports, range, siteId) => {
  const rows = await reports.topUsers({ from: range.from, to: range.to, limit: 1000, siteId });
  return {
    name: 'top-users',
    rows: [['code', 'profile', 'bytes'], ...rows.map((r) => [r.code, r.profile, r.bytes])],
  };
};
