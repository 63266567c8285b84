/**
 * What a site's mode decides, in this one place. A site is driven over the router's API, or through RADIUS (the
 * router asks FreeRADIUS at each login and reports its accounting there). Three things differ, and only these:
 *
 * - the usage **source**: the router's queue counters and hotspot sessions, or FreeRADIUS's accounting;
 * - the **enforcer**: simple queues, logouts and byte limits written over the API, or CoA and Disconnect packets;
 * - the **logins**: where a voucher lives as something a device logs in with, a hotspot user on the router or
 *   FreeRADIUS's `radcheck`/`radreply` rows, each brought in line with the vouchers after a change (and, for
 *   RADIUS, by the enforcer at every poll, from that poll's decision).
 *
 * The ledger, the policy, the reports, the portal and the stack's start()/stop() are every site's. A new mode (or a
 * second router vendor) adds its parts here and nowhere else.
 */
import type { Knex } from 'knex';
import { maskCode, type Logger } from '../../lib/logger';
import type { Clock } from '../../lib/clock';
import type { ProfileService } from '../profiles-types';
import { recordEvent } from '../events';
import { syncRadiusAccounts } from '../radius/accounts';
import { accountingSource } from '../radius/accounting-source';
import { coaEnforcer, type CoaTarget } from '../radius/coa-enforcer';
import { unknownAccounting } from '../radius/status';
import type { SiteRef } from '../deps';
import type { CredentialsBox } from '../sites/credentials';
import type { SiteMode, SiteRow } from '../sites/types';
import type { VoucherService } from '../types';
import type { Enforcer } from '../usage/enforcer';
import { readPollState } from '../usage/persist';
import type { UsageSource } from '../usage/source';

/** Where a site's vouchers live as logins, brought in line with the database. */
export interface Logins {
  /** Every code of the site brought in line, or only those named (right after a change to them). */
  sync(codes?: readonly string[]): Promise<void>;
  /** A check of every login soon, without waiting for it (after a change whose codes are not known). */
  requestCheck(reason: string): void;
}

/** The parts a mode chooses. */
export interface ModeParts {
  mode: SiteMode;
  /** Absent: the router's counters over the API (the usage service's own). */
  source?: UsageSource;
  /** Absent: the router's queues, sessions and byte limits over the API. */
  enforcer?: Enforcer;
  logins: Logins;
  /** After a cycle that ran, before the logins are brought in line; `from`: the previous cycle's time. */
  afterCycle?(from: number): Promise<void>;
}

/** The mode of a stored site. */
export const modeOf = (row: Pick<SiteRow, 'mode'> | undefined): SiteMode =>
  row?.mode === 'radius' ? 'radius' : 'api';

/**
 * Whether a site's codes live as logins outside the router its stack writes over the API (FreeRADIUS rows): the
 * voucher services then write a change there instead of on a router.
 */
export async function loginsOutsideRouter(db: Knex, siteId: number): Promise<boolean> {
  const row = (await db('sites').where({ id: siteId }).first('mode')) as Pick<SiteRow, 'mode'> | undefined;
  return modeOf(row) === 'radius';
}

/** An API site: hotspot users on its router, pushed and checked by its voucher service. */
export function apiParts(vouchers: VoucherService, log: Logger): ModeParts {
  return {
    mode: 'api',
    logins: {
      async sync() {
        // Vouchers created while the router was away are pushed as soon as it is back (resumable batches).
        const sync = await vouchers.syncRouterUsers();
        if (sync.created) log.info({ module: 'vouchers', ...sync }, 'router users synced');
      },
      requestCheck: (reason) => vouchers.requestUsersCheck(reason),
    },
  };
}

export interface RadiusPartsDeps {
  db: Knex;
  clock: Clock;
  profiles: ProfileService;
  log: Logger;
  box: CredentialsBox;
  /** The site's own time zone, else the shop's. */
  tz: string;
  onPacket?(p: { type: 'coa' | 'disconnect'; result: 'ack' | 'nak' | 'timeout' | 'error' }): void;
  /**
   * With the router's API: a code's devices logged out and in again (by MAC and IP), so that a running session
   * takes the byte allowance just written (a top-up); absent without API access.
   */
  relogin?(code: string, password: string): Promise<number>;
}

/** A RADIUS site: FreeRADIUS's accounting, CoA and Disconnect, and its codes as FreeRADIUS users. */
export function radiusParts(d: RadiusPartsDeps, site: SiteRef, row: SiteRow): ModeParts {
  const { db, clock, log } = d;
  const radiusLog = log.child({ module: 'radius' });
  // The site's address, port and secret are read at each use: an edit on the Sites page applies at the next send.
  const target = async (): Promise<CoaTarget> => {
    const r = (await db('sites').where({ id: site.id }).first()) as SiteRow | undefined;
    if (!r?.nas_address || !r.radius_secret_enc)
      throw new Error(`site ${site.name} has no RADIUS router set`);
    return { host: r.nas_address, port: r.coa_port ?? 3799, secret: d.box.open(r.radius_secret_enc, r.name) };
  };
  const sync = async (codes?: readonly string[]) => {
    const r = await syncRadiusAccounts(
      { db, profiles: d.profiles, now: clock.now(), tz: d.tz },
      { siteId: site.id, codes },
    );
    if (r.written + r.removed > 0) radiusLog.debug({ ...r }, 'FreeRADIUS users brought in line');
  };
  /** User names already told about (an event each, once per run of the controller). */
  const strangers = new Set<string>();
  return {
    mode: 'radius',
    source: accountingSource({
      db,
      nasAddress: row.nas_address ?? '',
      lastBooked: async () => (await readPollState(db, site.id)).lastPollAt,
    }),
    enforcer: coaEnforcer({
      db,
      target,
      log: radiusLog,
      now: () => clock.now(),
      onPacket: d.onPacket,
      relogin: d.relogin,
      // Every poll writes the logins from its own decision: the policy is not asked again after it.
      writeLogins: async (decided) =>
        (
          await syncRadiusAccounts(
            { db, profiles: d.profiles, now: clock.now(), tz: d.tz },
            { siteId: site.id },
            decided,
          )
        ).written,
    }),
    logins: {
      sync,
      requestCheck: (reason) =>
        void sync().catch((err: Error) =>
          radiusLog.error({ reason, err: err.message }, 'could not write the FreeRADIUS users'),
        ),
    },
    async afterCycle(from) {
      const names = await unknownAccounting(db, row.nas_address ?? '', { since: from - 300_000, limit: 20 });
      for (const name of names.filter((n) => !strangers.has(n)).slice(0, 10)) {
        strangers.add(name);
        await recordEvent(db, clock, {
          kind: 'radius-unknown-code',
          level: 'warn',
          message: `Router of site ${site.name}: accounting for "${maskCode(name)}", which is no code of this shop; kept in radacct, booked to nobody`,
          data: { site: site.name },
        });
      }
    },
  };
}
