import type { SalesRow, UsageService } from '../../../services/types';
import type { Formatters } from './common';
import { barChart, lineChart } from './charts';
import { localParts } from '../../../domain/calendar';

const HOUR = 3600 * 1000;

/** Traffic per hour for the last `hours` hours, missing hours as zero, as a download/upload line chart. */
export async function hourlyTrafficChart(
  usage: UsageService,
  now: number,
  tz: string,
  fmt: Formatters,
  filter: { voucherCode?: string; mac?: string; siteId?: number } = {},
  hours = 24,
) {
  const firstHour = Math.floor(now / HOUR) * HOUR - (hours - 1) * HOUR;
  const points = await usage.trafficSeries({ since: firstHour, bucketSeconds: 3600, ...filter });
  const up = new Array<number>(hours).fill(0);
  const down = new Array<number>(hours).fill(0);
  for (const p of points) {
    const i = Math.floor((p.ts - firstHour) / HOUR);
    if (i < 0 || i >= hours) continue;
    up[i] += p.up;
    down[i] += p.down;
  }
  const labels = up.map((_, i) => `${String(localParts(firstHour + i * HOUR, tz).hour).padStart(2, '0')}h`);
  const titles = labels.map((l, i) => `${l}: ↓ ${fmt.bytes(down[i])} · ↑ ${fmt.bytes(up[i])}`);
  const chart = lineChart(
    labels,
    [
      { name: 'Download', className: 's-down', values: down },
      { name: 'Upload', className: 's-up', values: up },
    ],
    (v) => fmt.bytes(v).replace('.0 ', ' '),
    titles,
  );
  return { chart, totalUp: up.reduce((a, b) => a + b, 0), totalDown: down.reduce((a, b) => a + b, 0) };
}

/** Sales rows (by day/week/month) as a bar chart of money, with counts in the tooltips. */
export function salesChart(
  rows: SalesRow[],
  fmt: Formatters,
  shortLabel: (period: string) => string = (p) => p,
) {
  return barChart(
    rows.map((r) => ({
      label: shortLabel(r.period),
      value: r.amount,
      title: `${r.period}: ${fmt.money(r.amount)} (${r.count} voucher${r.count === 1 ? '' : 's'})`,
    })),
    (v) => fmt.money(v).replace(/\.00$/, ''),
  );
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2026-11-21` → `Nov 21`; week and month periods stay as they are. */
export function shortDay(period: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(period);
  return m ? `${MONTHS[Number(m[1]) - 1]} ${Number(m[2])}` : period;
}
