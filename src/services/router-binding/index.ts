/**
 * The database knows its router. It records the router it manages by an id that survives a configuration
 * reset (`/system/license`: `software-id` on a RouterBOARD, `system-id` on a CHR; the identity only as a
 * fallback and for display). A reset router keeps that id though its identity goes back to "MikroTik": it
 * is the same router, to be repaired. A database that meets a different router, or an empty database that
 * meets a router already holding our queues or voucher users, starts in SAFE MODE: nothing on the router is
 * removed or rewritten (the owner module refuses every write) until someone deliberately adopts the router
 * (`pisonet router adopt [--site NAME]`, the button in Settings for the .env router, or the Sites page for the
 * others). Never remove a paying customer's queue because the database is empty or belongs to another shop.
 *
 * In safe mode the check runs again at most once a minute when a write is asked for (SAFE_RECHECK_MS), so an
 * adopt made by another process (the terminal, another server on the same database) ends safe mode here too.
 */
import { AppError } from '../../domain/errors';
import type { ManagedHotspot } from '../../router/hotspot';
import { readRouterId } from '../../router/system';
import { DEFAULT_SITE, siteOf, type SiteDeps } from '../deps';
import type { RouterWarning } from '../router-checks';
import type { BindingState, RouterBinding } from './types';
export type { BindingMode, BindingState, RouterBinding } from './types';

/** Each site's keys: `default` keeps the names it had before sites existed, the others are prefixed with their id. */
function bindingKeys(siteId: number): { id: string; identity: string } {
  const prefix = siteId === DEFAULT_SITE.id ? '' : `site.${siteId}.`;
  return { id: `${prefix}router.bound_id`, identity: `${prefix}router.bound_identity` };
}

/** How often a binding in safe mode looks again whether the database now knows the router (one round trip). */
export const SAFE_RECHECK_MS = 60_000;

/** Where the owner adopts the router, and what to check instead, in a safe-mode message. */
function remedies(site: { id: number; name: string }): { adopt: string; otherwise: string } {
  if (site.id === DEFAULT_SITE.id)
    return { adopt: 'Settings, or: npm run cli -- router adopt', otherwise: 'ROUTER_HOST and DATABASE_URL' };
  return {
    adopt: `Sites → ${site.name} → Adopt this router, or: npm run cli -- router adopt --site ${site.name}`,
    otherwise: `the site's address (Sites → ${site.name} → Edit) and DATABASE_URL`,
  };
}

export function createRouterBinding(deps: SiteDeps & { hotspot: ManagedHotspot }): RouterBinding {
  const { db, router, hotspot, clock, audit } = deps;
  const site = siteOf(deps);
  const { id: BOUND_ID, identity: BOUND_IDENTITY } = bindingKeys(site.id);
  const log = deps.log.child({ module: 'router-binding' });
  let current: BindingState = { mode: 'unknown' };
  let checking: Promise<BindingState> | undefined;
  /** When the last check ran (clock time): safe mode looks again after SAFE_RECHECK_MS. */
  let checkedAt = Number.NEGATIVE_INFINITY;
  const fix = remedies(site);
  // A reconnect may reach another machine at the same address: check again before anything is written.
  let wasConnected = router.status.connected;
  router.onStatus((st) => {
    if (st.connected && !wasConnected) {
      current = { ...current, mode: 'unknown' };
      void runCheck().catch((err: Error) =>
        log.warn({ err: err.message }, 'router check failed; retried before the next write'),
      );
    }
    wasConnected = st.connected;
  });

  function runCheck(): Promise<BindingState> {
    checking ??= check().finally(() => (checking = undefined));
    return checking;
  }

  async function stored(): Promise<{ id?: string; identity?: string }> {
    const rows = (await db('router_state').whereIn('key', [BOUND_ID, BOUND_IDENTITY])) as Array<{
      key: string;
      value: string;
    }>;
    return {
      id: rows.find((r) => r.key === BOUND_ID)?.value,
      identity: rows.find((r) => r.key === BOUND_IDENTITY)?.value,
    };
  }

  async function bind(id: string, identity: string): Promise<void> {
    const now = clock.now();
    await db('router_state')
      .insert([
        { key: BOUND_ID, value: id, updated_at: now },
        { key: BOUND_IDENTITY, value: identity, updated_at: now },
      ])
      .onConflict('key')
      .merge();
  }

  /** Whether the router holds anything of a PisoNet controller: our queues or voucher users. */
  async function routerInUse(): Promise<{ queues: number; users: number }> {
    const [queues, users] = await Promise.all([hotspot.queues(), hotspot.users()]);
    return { queues: queues.length, users: users.filter((u) => u.ours).length };
  }

  async function databaseEmpty(): Promise<boolean> {
    const row = (await db('vouchers').where('site_id', site.id).first('id')) as { id: number } | undefined;
    return row === undefined;
  }

  function enter(next: BindingState): BindingState {
    const changed = next.mode !== current.mode || next.reason?.code !== current.reason?.code;
    current = next;
    if (changed && next.mode === 'safe')
      log.warn({ code: next.reason?.code }, `SAFE MODE: ${next.reason?.message}`);
    if (changed && next.mode === 'bound')
      log.info({ routerId: next.routerId }, `router ${next.identity} is this database's router`);
    return current;
  }

  async function check(): Promise<BindingState> {
    checkedAt = clock.now();
    const { id, identity } = await readRouterId(router);
    const bound = await stored();
    const base = { routerId: id, identity, boundId: bound.id, boundIdentity: bound.identity };
    if (bound.id !== undefined) {
      if (bound.id === id) {
        if (bound.identity !== identity) await bind(id, identity); // renamed or reset: same machine
        return enter({ mode: 'bound', ...base });
      }
      return enter({
        mode: 'safe',
        ...base,
        reason: {
          code: 'ROUTER_MISMATCH',
          message: `This database belongs to router "${bound.identity ?? '?'}" (id ${bound.id}), but the router at this address is "${identity}" (id ${id}). Nothing will be changed on it. If this router replaced the old one, adopt it (${fix.adopt}); otherwise check ${fix.otherwise}.`,
        },
      });
    }
    if (await databaseEmpty()) {
      const inUse = await routerInUse();
      if (inUse.queues > 0 || inUse.users > 0) {
        return enter({
          mode: 'safe',
          ...base,
          reason: {
            code: 'ROUTER_HAS_DATA',
            message: `This database is empty, but router "${identity}" already holds ${inUse.queues} PisoNet queue(s) and ${inUse.users} voucher user(s): another database (or a wrong DATABASE_URL) manages it. Nothing will be changed on it. Check DATABASE_URL; to start afresh with this router, adopt it (${fix.adopt}), which removes what this database does not know.`,
          },
        });
      }
    }
    await bind(id, identity);
    return enter({ mode: 'bound', ...base, boundId: id, boundIdentity: identity });
  }

  return {
    state: () => current,
    writable: () => current.mode === 'bound',
    check: runCheck,
    async ready() {
      if (!router.status.connected) return current.mode !== 'safe';
      if (current.mode === 'unknown') await runCheck();
      // Adopted elsewhere meanwhile (the terminal, another server)? Looked at again once a minute at most.
      else if (current.mode === 'safe' && clock.now() - checkedAt >= SAFE_RECHECK_MS)
        await runCheck().catch(() => undefined);
      return current.mode !== 'safe';
    },

    async adopt(actor) {
      if (!router.status.connected)
        throw new AppError(
          'ROUTER_UNREACHABLE',
          'Connect to the router first: adopting binds the router connected now.',
          503,
        );
      const { id, identity } = await readRouterId(router);
      const before = await stored();
      await bind(id, identity);
      await audit.record(actor, 'router.adopt', identity, {
        routerId: id,
        previous: before.id ?? null,
        site: site.name,
      });
      log.warn({ routerId: id, previous: before.id }, `router ${identity} adopted by ${actor.name}`);
      return enter({ mode: 'bound', routerId: id, identity, boundId: id, boundIdentity: identity });
    },
  };
}

/** Safe mode as a site's error (the Sites page, GET /admin/api/sites, `pisonet sites list`), or null. */
export function safeModeError(binding: RouterBinding): { code: 'SAFE_MODE'; message: string } | null {
  const st = binding.state();
  if (st.mode !== 'safe' || !st.reason) return null;
  return { code: 'SAFE_MODE', message: `Safe mode: ${st.reason.message}` };
}

/** Safe mode as a warning for /healthz, the admin banner and the CLI's router test. */
export function safeModeWarnings(binding: RouterBinding): RouterWarning[] {
  const st = binding.state();
  if (st.mode !== 'safe' || !st.reason) return [];
  return [
    {
      code: 'SAFE_MODE',
      message: `Safe mode: ${st.reason.message}`,
      fix: 'npm run cli -- router adopt   (or Settings → Adopt this router)',
    },
  ];
}
