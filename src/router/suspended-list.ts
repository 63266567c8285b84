/**
 * The router's side of a suspension: the running PPP sessions' addresses (`/ppp/active`) and our entries of
 * the address list `pisonet-suspended` (`/ip/firewall/address-list`), as the PPP room asks for them. Entries
 * without `pisonet` in their comment are read (an address someone else listed is listed) and never written.
 */
import { RouterError } from '../domain/errors';
import {
  isOurEntry,
  SUSPENDED_LIST,
  type ListEntryHave,
  type ListEntryWant,
  type PppSessionSeen,
} from '../domain/suspended-list';
import type { RouterClient } from './types';

const ACTIVE_MENU = '/ppp/active';
const LIST_MENU = '/ip/firewall/address-list';

function notOurs(address: string): RouterError {
  return new RouterError(
    'ROUTER_DUPLICATE',
    `address-list entry ${SUSPENDED_LIST} ${address} has no "pisonet" in its comment: not ours, left alone`,
  );
}

const yes = (v: string | undefined): boolean => v === 'true' || v === 'yes';

export type RouterSuspendedList = ReturnType<typeof createRouterSuspendedList>;

export function createRouterSuspendedList(router: RouterClient) {
  return {
    /** Every running PPP session's name and address. */
    async sessions(): Promise<PppSessionSeen[]> {
      const rows = await router.print(ACTIVE_MENU, { proplist: ['name', 'address'] });
      return rows.map((r) => ({ name: r.name ?? '', address: r.address ?? '' }));
    },
    /** The entries of `pisonet-suspended`, ours and others'. */
    async entries(): Promise<ListEntryHave[]> {
      const rows = await router.print(LIST_MENU, {
        proplist: ['.id', 'address', 'comment', 'dynamic', 'disabled'],
        query: [`list=${SUSPENDED_LIST}`],
      });
      return rows.map((r) => ({
        id: r['.id'] ?? '',
        address: r.address ?? '',
        comment: r.comment ?? '',
        ours: isOurEntry(r.comment),
        dynamic: yes(r.dynamic),
        disabled: yes(r.disabled),
      }));
    },
    /** A static entry of ours (no timeout). */
    async add(w: ListEntryWant) {
      if (!isOurEntry(w.comment)) throw notOurs(w.address);
      return router.add(LIST_MENU, { list: SUSPENDED_LIST, address: w.address, comment: w.comment });
    },
    async set(have: ListEntryHave, attrs: Record<string, string>) {
      if (!have.ours || (attrs.comment !== undefined && !isOurEntry(attrs.comment)))
        throw notOurs(have.address);
      await router.set(LIST_MENU, have.id, attrs);
    },
    async remove(have: ListEntryHave) {
      if (!have.ours) throw notOurs(have.address);
      await router.remove(LIST_MENU, have.id);
    },
  };
}
