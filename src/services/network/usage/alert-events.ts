/**
 * The usage alerts a poll records ("80 % of the data cap used"): each sent once per voucher, level and limit,
 * as an event and a log line, in the poll's transaction (persist.ts writeUsage).
 */
import type { Knex } from 'knex';
import type { Clock } from '../../../lib/clock';
import type { Logger } from '../../../lib/logger';
import { maskCode } from '../../../lib/logger';
import { formatBytes } from '../../../domain/units';
import { alertEventKind } from '../../../domain/usage-summary';
import { recordEvent } from '../../business/events';
import type { AlertCandidate } from './meter-types';

/** The threshold an alert event was measured against (its data); unknown (older events) counts as any. */
function sentThreshold(data: unknown): number {
  try {
    const d = (typeof data === 'string' ? JSON.parse(data) : data) as { threshold?: unknown } | null;
    return typeof d?.threshold === 'number' ? d.threshold : Infinity;
  } catch {
    return Infinity;
  }
}

/**
 * Alerts are sent once per voucher, level and limit: the candidates are checked against the voucher's events.
 * A limit raised since (a code added to the voucher) makes its levels new again: "80 % used" of the raised
 * cap is news even when 80 % of the plan's was said before.
 */
export async function recordAlerts(
  trx: Knex,
  clock: Clock,
  log: Logger,
  alerts: AlertCandidate[],
): Promise<number> {
  if (alerts.length === 0) return 0;
  const ids = [...new Set(alerts.map((a) => a.voucher.row.id))];
  const sent = new Map<string, number>();
  const rows = (await trx('events')
    .whereIn('voucher_id', ids)
    .whereIn('kind', [...new Set(alerts.map((a) => alertEventKind(a.alert)))])
    .select('voucher_id', 'kind', 'data')) as Array<{ voucher_id: number; kind: string; data: unknown }>;
  for (const e of rows) {
    const k = `${e.voucher_id}|${e.kind}`;
    sent.set(k, Math.max(sent.get(k) ?? 0, sentThreshold(e.data)));
  }
  let n = 0;
  for (const a of alerts) {
    const kind = alertEventKind(a.alert);
    const percent = a.alert.percent;
    const k = `${a.voucher.row.id}|${kind}`;
    if ((sent.get(k) ?? 0) >= a.threshold) continue;
    sent.set(k, a.threshold);
    const what = a.alert.kind === 'fup' ? 'fair-use threshold' : 'data cap';
    const used = formatBytes(Number(a.voucher.row.counted_bytes));
    await recordEvent(trx, clock, {
      voucherId: a.voucher.row.id,
      kind,
      level: percent >= 100 ? 'warn' : 'info',
      message: `${percent}% of the ${what} used (${used} of ${formatBytes(a.threshold)})`,
      data: { percent, threshold: a.threshold, counted: Number(a.voucher.row.counted_bytes) },
    });
    log.info(
      { voucher: maskCode(a.voucher.row.code), kind },
      `voucher ${maskCode(a.voucher.row.code)}: ${percent}% of its ${what} used`,
    );
    n++;
  }
  return n;
}
