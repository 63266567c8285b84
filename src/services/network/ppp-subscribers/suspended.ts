/**
 * The PPP check's suspension step (docs/subscribers.md "Suspension"): the running session of every suspended
 * subscriber of the site has its address in `pisonet-suspended`, and nothing else of ours is in that list.
 * The session itself is never ended: the customer must still reach the payment page.
 */
import type { Knex } from 'knex';
import {
  diffSuspendedList,
  suspendedEntries,
  type SuspendedSubscriber,
} from '../../../domain/suspended-list';
import type { RouterSuspendedList } from '../../../router/suspended-list';
import { accountNo, loadRows } from '../../subscriptions/subscribers/store';

export interface SuspendedListReport {
  /** Addresses put in the list. */
  listed: number;
  /** Entries of ours taken out (a resumed subscriber's, an address a CPE left). */
  unlisted: number;
  /** Entries of ours put back (re-enabled, recommented). */
  changed: number;
  /** Wanted addresses held by someone else's disabled entry: left alone. */
  conflicts: string[];
  /** Writes the router refused (retried at the next check). */
  failed: number;
}

/** The site's suspended subscribers, by username. */
export async function suspendedSubscribers(db: Knex, siteId: number): Promise<SuspendedSubscriber[]> {
  const rows = await loadRows(db, (q) => q.where('s.site_id', siteId).where('s.status', 'suspended'));
  return rows.map((r) => ({ username: r.username, accountNo: accountNo(Number(r.seq)) }));
}

/**
 * Brings the list to `suspended`'s sessions. The sessions are read only when someone is suspended; the list is
 * read every time (an entry of ours may have to go). Throws when the router cannot be read.
 */
export async function checkSuspendedList(
  list: RouterSuspendedList,
  suspended: readonly SuspendedSubscriber[],
): Promise<SuspendedListReport> {
  const [sessions, have] = await Promise.all([
    suspended.length ? list.sessions() : Promise.resolve([]),
    list.entries(),
  ]);
  const diff = diffSuspendedList(suspendedEntries(suspended, sessions), have);
  const report: SuspendedListReport = {
    listed: 0,
    unlisted: 0,
    changed: 0,
    conflicts: diff.conflicts,
    failed: 0,
  };
  const attempt = async (write: () => Promise<unknown>, count: 'listed' | 'unlisted' | 'changed') => {
    try {
      await write();
      report[count]++;
    } catch {
      report.failed++; // the next check tries again
    }
  };
  // Removals first: an entry made again for the same address is refused while the old one is there.
  for (const h of diff.remove) await attempt(() => list.remove(h), 'unlisted');
  for (const s of diff.set) await attempt(() => list.set(s.have, s.attrs), 'changed');
  for (const w of diff.add) await attempt(() => list.add(w), 'listed');
  return report;
}
