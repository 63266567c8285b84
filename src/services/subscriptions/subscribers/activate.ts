/**
 * A scheduled subscriber's service starts: by hand when it was installed early (`activate`), or by the billing
 * run once its `starts_on` has come, at 00:00 in its site's time zone (`startScheduled`). Either way one
 * conditional update from `scheduled` (two at once cannot both apply), billing's first invoice from today in the
 * same transaction (BillingHooks.afterActivate), its event, its audit entry and the change told to the router
 * work, which then writes its secret or its FreeRADIUS rows.
 */
import { transition } from '../../../domain/subscriber-status';
import { SYSTEM, type Actor } from '../../business/audit/actor';
import type { ChangeDeps } from './changes';
import { accountNo, loadRows, type LoadedRow } from './store';
import type { SubscriberView } from './types';

/** What an activation needs of the service around it (index.ts). */
type ActivateDeps = Pick<
  ChangeDeps,
  'db' | 'clock' | 'audit' | 'billing' | 'today' | 'loadOne' | 'viewOf' | 'changed' | 'emit'
>;

/**
 * Active from `today`, billed from it (or from the day after its paid-until date); false when it was not
 * scheduled any more (a repeat, or an end meanwhile). `early`: installed before `starts_on`, which becomes today.
 */
async function writeActivation(
  d: ActivateDeps,
  row: LoadedRow,
  today: string,
  early: boolean,
): Promise<boolean> {
  const now = d.clock.now();
  return d.db.transaction(async (trx) => {
    const n = await trx('subscribers')
      .where({ id: row.id, status: 'scheduled' })
      .update({
        status: 'active',
        billing_anchor: today,
        ...(early ? { starts_on: today } : {}),
        updated_at: now,
      });
    if (n !== 1) return false;
    await d.billing?.afterActivate?.(trx, {
      subscriberId: Number(row.id),
      plan: row.profile_row.name,
      price: Number(row.profile_row.price),
      billingDay: Number(row.billing_day),
      startsOn: today,
      status: 'active',
      paidUntil: row.paid_until ?? null,
      opening: null,
      today,
    });
    await d.changed(trx, Number(row.id), 'activate', `Subscriber ${accountNo(Number(row.seq))} activated`);
    return true;
  });
}

/** Told and audited after an activation is committed. */
async function activated(d: ActivateDeps, row: LoadedRow, actor: Actor, today: string, how: string) {
  await d.audit.record(actor, 'subscriber.activate', accountNo(Number(row.seq)), { from: today, how });
  d.emit({ id: Number(row.id), change: 'activate' });
}

/** By hand, now (installed early): 409 SUBSCRIBER_STATUS when it is not scheduled. */
export async function activateNow(
  d: ActivateDeps,
  ref: number | string,
  actor: Actor,
): Promise<SubscriberView> {
  const row = await d.loadOne(ref);
  transition(row.status, 'activate');
  const today = d.today(row);
  // Changed meanwhile (activated or ended at the same moment): refused as from what it is now.
  if (!(await writeActivation(d, row, today, today < row.starts_on)))
    transition((await d.loadOne(row.id)).status, 'activate');
  await activated(d, row, actor, today, 'by hand');
  return d.viewOf(Number(row.id));
}

/** Every scheduled subscriber whose first day has come where it is; the ids activated. */
export async function startScheduled(d: ActivateDeps): Promise<number[]> {
  const out: number[] = [];
  for (const row of await loadRows(d.db, (q) => q.where('s.status', 'scheduled'))) {
    const today = d.today(row);
    if (row.starts_on > today) continue;
    if (!(await writeActivation(d, row, today, false))) continue;
    await activated(d, row, SYSTEM, today, 'starts_on');
    out.push(Number(row.id));
  }
  return out;
}
