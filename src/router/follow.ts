/**
 * Logins and logouts as they happen: `/ip/hotspot/active` and `/ppp/active` followed with `print =follow-only=`
 * and a tight `.proplist` (docs/routeros.md "Listen, follow and interval"). The router sends nothing until a
 * session comes or goes, then one row: the new session's `.id`, login and MAC, or `.id` with `.dead=true` for one
 * removed. A row for a session already known (RouterOS may send one when another of its properties changes, ✖) is
 * no new login, and a removal of one never seen (it logged in before the follow began) tells its `.id` only.
 */
import { macOf } from '../domain/units';
import type { RosRow, RouterClient, RouterFollow } from './types';

export type SessionKind = 'hotspot' | 'ppp';

/** A session that came (`login`) or went (`logout`); `user`: the hotspot user (the voucher's code) or PPP name. */
export interface SessionChange {
  kind: SessionKind;
  change: 'login' | 'logout';
  /** The session's `.id` on the router. */
  id: string;
  /** Absent on a logout of a session that logged in before the follow began. */
  user?: string;
  mac?: string;
  address?: string;
}

export type SessionFollow = NonNullable<ReturnType<typeof followSessions>>;

const FOLLOWED: Record<SessionKind, { menu: string; proplist: string[]; user: string }> = {
  hotspot: { menu: '/ip/hotspot/active', proplist: ['.id', 'user', 'mac-address', 'address'], user: 'user' },
  ppp: { menu: '/ppp/active', proplist: ['.id', 'name', 'address'], user: 'name' },
};

/** A session's login and MAC, as a logout names them. */
function sessionOf(row: RosRow, user: string): { user: string; mac?: string } {
  const mac = row['mac-address'] === undefined ? undefined : macOf(row['mac-address']);
  return { user, ...(mac && { mac }) };
}

/**
 * Follows one menu's sessions; undefined when the client cannot follow (the caller keeps to the poll). Throws the
 * client's RouterError when not connected; `onEnd` once when the router or the connection ends it.
 */
export function followSessions(
  router: RouterClient,
  kind: SessionKind,
  onChange: (c: SessionChange) => void,
  onEnd: (err: Error) => void,
) {
  if (!router.follow) return undefined;
  const spec = FOLLOWED[kind];
  const known = new Map<string, { user: string; mac?: string }>();
  let rows = 0;
  const onRow = (row: RosRow): void => {
    rows++;
    const id = row['.id'];
    if (id === undefined) return;
    if (row['.dead'] === 'true' || row['.dead'] === 'yes') {
      const was = known.get(id);
      known.delete(id);
      gone.add(id);
      onChange({ kind, change: 'logout', id, ...was });
      return;
    }
    const user = row[spec.user];
    if (user === undefined || known.has(id)) return;
    const session = sessionOf(row, user);
    known.set(id, session);
    onChange({ kind, change: 'login', id, ...session, ...(row.address && { address: row.address }) });
  };
  const follow: RouterFollow = router.follow(spec.menu, { proplist: spec.proplist }, onRow, onEnd);
  // The sessions already there, once, so their logouts name their login and MAC (the follow tells only `.id`).
  const gone = new Set<string>();
  const ready = router.print(spec.menu, { proplist: spec.proplist }).then(
    (got) => {
      for (const row of got) {
        const id = row['.id'];
        const user = row[spec.user];
        if (id === undefined || user === undefined || known.has(id) || gone.has(id)) continue;
        known.set(id, sessionOf(row, user));
      }
    },
    () => undefined, // logouts of those name their `.id` only
  );
  return {
    /**
     * Settles once the sessions already there are known (a print sent after the follow, on the same connection:
     * the router has the follow by then). Never rejects.
     */
    ready,
    stop: () => follow.stop(),
    /** Rows the router sent on this follow so far (its cost; the print of the sessions already there is a print's). */
    get rows() {
      return rows;
    },
  };
}
