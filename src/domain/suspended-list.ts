/**
 * A suspended subscriber on the router: its running session stays up, and the session's address is in the
 * address list `pisonet-suspended`, which the router setup's redirect and filter rules act on (the customer
 * reaches the portal, DNS and the payment pages, nothing else). Pure: the PPP room
 * (src/services/network/ppp-subscribers/suspended.ts) reads the database and the router, asks `diffSuspendedList`, and
 * writes only the differences through the router module.
 *
 * Our entries are static (no timeout) and carry `pisonet` and the account number in their comment. An entry of
 * the list without `pisonet` in its comment is someone else's: never written or removed.
 */

export const SUSPENDED_LIST = 'pisonet-suspended';

/** A suspended subscriber of the site, by the name its sessions carry. */
export interface SuspendedSubscriber {
  username: string;
  accountNo: string;
}

/** A running PPP session: its name (the username) and the address it was given. */
export interface PppSessionSeen {
  name: string;
  address: string;
}

/** An entry of the list as the router prints it; `ours` when its comment contains `pisonet`. */
export interface ListEntryHave {
  id: string;
  address: string;
  comment: string;
  ours: boolean;
  /** An entry with a timeout (set by hand) is dynamic: it would run out, so it is made again. */
  dynamic: boolean;
  disabled: boolean;
}

export interface ListEntryWant {
  address: string;
  comment: string;
}

interface ListDiff {
  add: ListEntryWant[];
  set: Array<{ have: ListEntryHave; attrs: Record<string, string> }>;
  remove: ListEntryHave[];
  /** Wanted addresses held by a disabled entry that is not ours (the router refuses a second one): left alone. */
  conflicts: string[];
}

export const isOurEntry = (comment: string | undefined): boolean => (comment ?? '').includes('pisonet');

const suspendedComment = (accountNo: string): string => `pisonet suspended ${accountNo}`;

/** The entries wanted: one per running session of a suspended subscriber that has an address. */
export function suspendedEntries(
  suspended: readonly SuspendedSubscriber[],
  sessions: readonly PppSessionSeen[],
): ListEntryWant[] {
  const byName = new Map(suspended.map((s) => [s.username, s]));
  const out = new Map<string, ListEntryWant>();
  for (const session of sessions) {
    const s = byName.get(session.name);
    if (!s || !session.address || out.has(session.address)) continue;
    out.set(session.address, { address: session.address, comment: suspendedComment(s.accountNo) });
  }
  return [...out.values()];
}

/**
 * What to write so the list holds exactly the wanted addresses among our entries: ours for other addresses go
 * (a resumed subscriber's, the address a CPE left when it dialled again), a second entry of ours for an address
 * goes, one whose timeout was set by hand goes and is made again, one disabled or recommented is put back. An
 * enabled entry of someone else's for a wanted address already lists it.
 */
export function diffSuspendedList(want: readonly ListEntryWant[], have: readonly ListEntryHave[]): ListDiff {
  const out: ListDiff = { add: [], set: [], remove: [], conflicts: [] };
  const wanted = new Map(want.map((w) => [w.address, w]));
  const covered = new Set<string>();
  for (const h of have.filter((e) => !e.ours)) {
    if (!wanted.has(h.address)) continue;
    if (h.disabled) out.conflicts.push(h.address);
    covered.add(h.address);
  }
  for (const h of have.filter((e) => e.ours)) {
    const w = wanted.get(h.address);
    if (!w || covered.has(h.address) || h.dynamic) {
      out.remove.push(h);
      continue;
    }
    covered.add(h.address);
    const attrs: Record<string, string> = {};
    if (h.disabled) attrs.disabled = 'no';
    if (h.comment !== w.comment) attrs.comment = w.comment;
    if (Object.keys(attrs).length) out.set.push({ have: h, attrs });
  }
  for (const w of want) if (!covered.has(w.address)) out.add.push(w);
  return out;
}
