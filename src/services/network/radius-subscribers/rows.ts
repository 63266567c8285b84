/**
 * The subscribers of a RADIUS site as FreeRADIUS users: for each active or suspended subscriber (a scheduled one has none), its rows in
 * `radcheck` and `radreply` (domain/radius-subscriber.ts), written only where they differ from what the tables
 * hold. An ended subscriber's rows are removed (FreeRADIUS refuses a user it does not know). Rows that are not a
 * subscriber's of this site (the vouchers' codes, a shop's own FreeRADIUS users) are never touched.
 */
import { IN_SERVICE, inService } from '../../../domain/subscriber-status';
import type { Knex } from 'knex';
import { subscriberRows, type SubscriberRows } from '../../../domain/radius-subscriber';
import { sameRows, storedRows, type Stored } from '../radius/accounts';
import { RADIUS_CLIENTS } from '../../../domain/site-mode';
import type { CredentialsBox } from '../../business/sites/credentials';
import { loadRows } from '../../subscriptions/subscribers/store';
import { profileFromRow } from '../../../domain/profile-row';
import { subscriberSpeedsNow } from '../usage/subscriber-speeds';
import type { SubscriberSpeeds } from '../../../domain/subscriber-policy';

export interface SubscriberRowsDeps {
  db: Knex;
  box: Pick<CredentialsBox, 'open'>;
  now(): number;
  /** The site's own time zone, else the shop's (a subscriber's cycle is counted in its site's dates). */
  tz(): string;
}

/** What FreeRADIUS should hold for a site's subscribers: rows by username, and the ended subscribers' usernames. */
export interface WantedSubscribers {
  rows: Map<string, SubscriberRows>;
  ended: Set<string>;
  /** Only these subscribers' rows: the others' (and strays) are not this sync's. */
  scoped?: boolean;
}

/** What FreeRADIUS should hold; `decided`: only these subscribers, at these speeds (the poll's: no policy asked). */
export async function wantedSubscribers(
  d: SubscriberRowsDeps,
  siteId: number,
  decided?: ReadonlyMap<number, SubscriberSpeeds>,
): Promise<WantedSubscribers> {
  const rows = new Map<string, SubscriberRows>();
  const ended = new Set<string>();
  const loaded = await loadRows(d.db, (q) => {
    q.where('s.site_id', siteId).andWhere('site.mode', RADIUS_CLIENTS.mode);
    if (decided) q.whereIn('s.id', [...decided.keys()]);
  });
  const served = loaded.filter((r) => inService(r.status));
  const speeds = decided ?? (await subscriberSpeedsNow(d.db, served, d.now(), d.tz()));
  for (const r of loaded) {
    // Scheduled: not started yet, so no rows (nor a session of its name ended).
    if (r.status === 'scheduled') continue;
    const policy = speeds.get(Number(r.id));
    if (r.status === 'ended' || !policy) {
      ended.add(r.username);
      continue;
    }
    rows.set(
      r.username,
      subscriberRows({
        password: d.box.open(r.password_enc, r.site_name),
        plan: profileFromRow(r.profile_row),
        suspended: r.status === 'suspended',
        staticIp: r.static_ip,
        ...(policy.service
          ? { speeds: policy.limits }
          : { blocked: `Data cap reached: back on ${policy.blockedUntil ?? 'the next cycle'}` }),
      }),
    );
  }
  // A username ended here and used again (a new account with the old name) keeps its rows.
  for (const u of rows.keys()) ended.delete(u);
  return { rows, ended, scoped: decided !== undefined };
}

interface SubscriberRowsResult {
  written: number;
  removed: number;
  /** What the tables held for the site's subscribers before this sync (what their sessions were answered). */
  before: Map<string, Stored>;
}

/** The site's subscribers' usernames FreeRADIUS holds, but those a voucher code or another RADIUS site's subscriber has. */
async function heldRows(db: Knex, siteId: number): Promise<string[]> {
  const rows = (await db('radcheck as c')
    .join('subscribers as s', 's.username', 'c.username')
    .where('s.site_id', siteId)
    .whereNotExists((q) => q.select(db.raw('1')).from('vouchers as v').whereRaw('v.code = c.username'))
    .whereNotExists((q) =>
      q
        .select(db.raw('1'))
        .from('subscribers as o')
        .join('sites as os', 'os.id', 'o.site_id')
        .whereRaw('o.username = c.username')
        .andWhere('os.mode', RADIUS_CLIENTS.mode)
        .andWhere('o.site_id', '<>', siteId)
        .whereIn('o.status', IN_SERVICE),
    )
    .distinct('c.username')) as Array<{ username: string }>;
  return rows.map((r) => r.username);
}

/** Brings FreeRADIUS's rows of the site's subscribers to `want` (scoped: only its own), in one transaction. */
export async function syncSubscriberRows(
  db: Knex,
  siteId: number,
  want: WantedSubscribers,
): Promise<SubscriberRowsResult> {
  // Ours that FreeRADIUS holds and nobody wants (none when the sync is of some subscribers only).
  const held = want.scoped ? [] : await heldRows(db, siteId);
  const stray = held.filter((u) => !want.rows.has(u));
  const before = await storedRows(db, [...new Set([...want.rows.keys(), ...held])]);
  const changes = [...want.rows].filter(([u, rows]) => !sameRows(before.get(u), rows));
  if (changes.length === 0 && stray.length === 0) return { written: 0, removed: 0, before };
  await db.transaction(async (trx) => {
    for (const [username, rows] of changes) {
      await trx('radcheck').where({ username }).delete();
      await trx('radreply').where({ username }).delete();
      await trx('radcheck').insert(rows.check.map((i) => ({ username, ...i })));
      await trx('radreply').insert(rows.reply.map((i) => ({ username, ...i })));
    }
    for (let i = 0; i < stray.length; i += 1000) {
      const part = stray.slice(i, i + 1000);
      await trx('radcheck').whereIn('username', part).delete();
      await trx('radreply').whereIn('username', part).delete();
    }
  });
  return { written: changes.length, removed: stray.length, before };
}
