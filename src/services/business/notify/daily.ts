/**
 * The day's sales at the owner's time (NOTIFY_DAILY_AT, shop time): vouchers sold per site and the subscribers'
 * payments, from the reports' own figures (src/services/shop/reports/index.ts over
 * src/services/shop/reports/money-in.ts), so the message's total and the Reports page's Income of the same day
 * agree.
 */
import { localDate, startOfLocalDay } from '../../../domain/calendar';
import { salesTotal, type ReportService } from '../../shop/reports/types';
import type { SiteService } from '../sites/types';
import { dailySummary, type SiteSales, type Voice } from './messages';
import type { NewMessage } from './types';

interface DailyDeps {
  reports: Pick<ReportService, 'sales' | 'subscriberPayments'>;
  sites: Pick<SiteService, 'names'>;
}

/** The summary of the shop day `at` falls in, from its midnight until `at`. */
export async function dailyMessage(deps: DailyDeps, voice: Voice, at: number): Promise<NewMessage> {
  const date = localDate(at, voice.tz);
  const from = startOfLocalDay(date, voice.tz);
  const perSite: SiteSales[] = [];
  for (const s of await deps.sites.names()) {
    const sales = salesTotal(await deps.reports.sales({ from, to: at, by: 'day', siteId: s.id }));
    perSite.push({ site: s.name, ...sales });
  }
  const subs = await deps.reports.subscriberPayments({ from, to: at });
  return dailySummary(voice, date, at, perSite, subs);
}
