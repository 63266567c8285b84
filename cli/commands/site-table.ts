/**
 * The sites as the terminal shows them (`pisonet sites list`, the menu): each router's status in words, and the
 * table of the sites with their business of the day.
 */
import { formatShopTime } from '../../src/domain/clock';
import { formatMoney } from '../../src/domain/units';
import type { SiteStatus, SiteView } from '../../src/services/business/sites/types';
import { table } from '../lib/table';

/** `online`, `not read yet`, `not answering` or `offline`: a site's router as the table (and the menu) say it. */
export function statusText(st: SiteStatus): string {
  if (st.connected && !st.error) return 'online';
  if (!st.live && !st.error && st.lastPollAt === null) return 'not read yet';
  return st.connected ? 'not answering' : 'offline';
}

/** The vouchers a removal ended (revoked, "site removed"), after "Removed site X."; '' when none. */
export const endedText = ({ unused, active }: { unused: number; active: number }) =>
  unused + active > 0
    ? ` Ended ${unused} unused and ${active} active voucher(s) (revoked, "site removed").`
    : '';

/** The table, then each site's error in full on its own line (a table cell would cut it). */
export function siteTable(sites: SiteView[], tz: string): string {
  const rows = table(sites, [
    { header: 'ID', get: (s) => String(s.id), align: 'right' },
    { header: 'NAME', get: (s) => s.name },
    { header: 'ADDRESS', get: (s) => `${s.host}:${s.port}${s.tls ? ' TLS' : ''}` },
    { header: 'STATUS', get: (s) => statusText(s.status) },
    { header: 'IDENTITY', get: (s) => s.status.identity ?? '—', shrink: true },
    {
      header: 'ONLINE',
      get: (s) => (s.status.online === null ? '—' : String(s.status.online)),
      align: 'right',
    },
    {
      header: 'LAST READ',
      get: (s) => (s.status.lastPollAt ? formatShopTime(s.status.lastPollAt, tz) : 'never'),
    },
  ]);
  const errors = sites.filter((s) => s.status.error).map((s) => `${s.name}: ${s.status.error!.message}`);
  // The business of each site in a table of its own, so the one above keeps full addresses in 80 columns.
  const figures = table(sites, [
    { header: 'SITE', get: (s) => s.name },
    { header: 'INCOME TODAY', get: (s) => formatMoney(s.figures.incomeToday.amount), align: 'right' },
    { header: 'SOLD TODAY', get: (s) => String(s.figures.incomeToday.count), align: 'right' },
    { header: 'ACTIVE VOUCHERS', get: (s) => String(s.figures.activeVouchers), align: 'right' },
  ]);
  return [rows, ...errors, '', figures].join('\n');
}
