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
import { AppError } from '../../../domain/errors';
import { onReconnect } from '../../../jobs/check-runner';
import type { ManagedHotspot } from '../../../router/hotspot';
import { readRouterId } from '../../../router/system';
import { DEFAULT_SITE, siteOf, type SiteDeps } from '../../deps';
import type { RouterWarning } from '../router-checks';
import type { Actor } from '../../business/audit/actor';
import type { BindingState, RouterBinding } from './types';
export type { RouterBinding } from './types';

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

/** A site's binding as its steps share it. */
interface Binding {
  deps: SiteDeps & { hotspot: ManagedHotspot };
  site: { id: number; name: string };
  keys: { id: string; identity: string };
  log: SiteDeps['log'];
  fix: { adopt: string; otherwise: string };
  current: BindingState;
  checking?: Promise<BindingState>;
  /** When the last check ran (clock time): safe mode looks again after SAFE_RECHECK_MS. */
  checkedAt: number;
}

export function createRouterBinding(deps: SiteDeps & { hotspot: ManagedHotspot }): RouterBinding {
  const site = siteOf(deps);
  const b: Binding = {
    deps,
    site,
    keys: bindingKeys(site.id),
    log: deps.log.child({ module: 'router-binding' }),
    fix: remedies(site),
    current: { mode: 'unknown' },
    checkedAt: Number.NEGATIVE_INFINITY,
  };
  recheckOnReconnect(b);
  return {
    state: () => b.current,
    writable: () => b.current.mode === 'bound',
    check: () => runCheck(b),
    ready: () => ready(b),
    adopt: (actor) => adopt(b, actor),
  };
}

/** A reconnect may reach another machine at the same address: check again before anything is written. */
function recheckOnReconnect(b: Binding): void {
  onReconnect(b.deps.router, () => {
    b.current = { ...b.current, mode: 'unknown' };
    void runCheck(b).catch((err: Error) =>
      b.log.warn({ err: err.message }, 'router check failed; retried before the next write'),
    );
  });
}

function runCheck(b: Binding): Promise<BindingState> {
  b.checking ??= check(b).finally(() => (b.checking = undefined));
  return b.checking;
}

async function ready(b: Binding): Promise<boolean> {
  if (!b.deps.router.status.connected) return b.current.mode !== 'safe';
  if (b.current.mode === 'unknown') await runCheck(b);
  // Adopted elsewhere meanwhile (the terminal, another server)? Looked at again once a minute at most.
  else if (b.current.mode === 'safe' && b.deps.clock.now() - b.checkedAt >= SAFE_RECHECK_MS)
    await runCheck(b).catch(() => undefined);
  return b.current.mode !== 'safe';
}

async function stored(b: Binding): Promise<{ id?: string; identity?: string }> {
  const rows = (await b.deps.db('router_state').whereIn('key', [b.keys.id, b.keys.identity])) as Array<{
    key: string;
    value: string;
  }>;
  return {
    id: rows.find((r) => r.key === b.keys.id)?.value,
    identity: rows.find((r) => r.key === b.keys.identity)?.value,
  };
}

async function bind(b: Binding, id: string, identity: string): Promise<void> {
  const now = b.deps.clock.now();
  await b.deps
    .db('router_state')
    .insert([
      { key: b.keys.id, value: id, updated_at: now },
      { key: b.keys.identity, value: identity, updated_at: now },
    ])
    .onConflict('key')
    .merge();
}

/** Whether the router holds anything of a PisoNet controller: our queues or voucher users. */
async function routerInUse(b: Binding): Promise<{ queues: number; users: number }> {
  const [queues, users] = await Promise.all([b.deps.hotspot.queues(), b.deps.hotspot.users()]);
  return { queues: queues.length, users: users.filter((u) => u.ours).length };
}

async function databaseEmpty(b: Binding): Promise<boolean> {
  const row = (await b.deps.db('vouchers').where('site_id', b.site.id).first('id')) as
    { id: number } | undefined;
  return row === undefined;
}

function enter(b: Binding, next: BindingState): BindingState {
  const changed = next.mode !== b.current.mode || next.reason?.code !== b.current.reason?.code;
  b.current = next;
  if (changed && next.mode === 'safe')
    b.log.warn({ code: next.reason?.code }, `SAFE MODE: ${next.reason?.message}`);
  if (changed && next.mode === 'bound')
    b.log.info({ routerId: next.routerId }, `router ${next.identity} is this database's router`);
  return b.current;
}

/** The router read against the stored binding: bound, bound now (a fresh database), or safe mode and why. */
async function check(b: Binding): Promise<BindingState> {
  b.checkedAt = b.deps.clock.now();
  const { id, identity } = await readRouterId(b.deps.router);
  const bound = await stored(b);
  const base = { routerId: id, identity, boundId: bound.id, boundIdentity: bound.identity };
  if (bound.id !== undefined) {
    if (bound.id === id) {
      if (bound.identity !== identity) await bind(b, id, identity); // renamed or reset: same machine
      return enter(b, { mode: 'bound', ...base });
    }
    return enter(b, {
      mode: 'safe',
      ...base,
      reason: {
        code: 'ROUTER_MISMATCH',
        message: `This database belongs to router "${bound.identity ?? '?'}" (id ${bound.id}), but the router at this address is "${identity}" (id ${id}). Nothing will be changed on it. If this router replaced the old one, adopt it (${b.fix.adopt}); otherwise check ${b.fix.otherwise}.`,
      },
    });
  }
  const taken = await heldElsewhere(b, identity);
  if (taken) return enter(b, { mode: 'safe', ...base, reason: taken });
  await bind(b, id, identity);
  return enter(b, { mode: 'bound', ...base, boundId: id, boundIdentity: identity });
}

/** Why an empty database may not bind this router: it already holds another database's queues or users. */
async function heldElsewhere(b: Binding, identity: string): Promise<BindingState['reason'] | undefined> {
  if (!(await databaseEmpty(b))) return undefined;
  const inUse = await routerInUse(b);
  if (inUse.queues === 0 && inUse.users === 0) return undefined;
  return {
    code: 'ROUTER_HAS_DATA',
    message: `This database is empty, but router "${identity}" already holds ${inUse.queues} PisoNet queue(s) and ${inUse.users} voucher user(s): another database (or a wrong DATABASE_URL) manages it. Nothing will be changed on it. Check DATABASE_URL; to start afresh with this router, adopt it (${b.fix.adopt}), which removes what this database does not know.`,
  };
}

async function adopt(b: Binding, actor: Actor): Promise<BindingState> {
  const { router, audit } = b.deps;
  if (!router.status.connected)
    throw new AppError(
      'ROUTER_UNREACHABLE',
      'Connect to the router first: adopting binds the router connected now.',
      503,
    );
  const { id, identity } = await readRouterId(router);
  const before = await stored(b);
  await bind(b, id, identity);
  await audit.record(actor, 'router.adopt', identity, {
    routerId: id,
    previous: before.id ?? null,
    site: b.site.name,
  });
  b.log.warn({ routerId: id, previous: before.id }, `router ${identity} adopted by ${actor.name}`);
  return enter(b, { mode: 'bound', routerId: id, identity, boundId: id, boundIdentity: identity });
}

/** Safe mode as a site's error (the Sites page, GET /admin/api/sites, `pisonet sites list`), or null. */
export function safeModeError(binding: RouterBinding): { code: 'SAFE_MODE'; message: string } | null {
  const st = binding.state();
  if (st.mode !== 'safe' || !st.reason) return null;
  return { code: 'SAFE_MODE', message: `Safe mode: ${st.reason.message}` };
}

/** Safe mode as a warning for /healthz, the admin banner and the CLI's router test. */
export function safeModeWarnings(binding: RouterBinding): RouterWarning[] {
  const error = safeModeError(binding);
  return error ? [{ ...error, fix: 'npm run cli -- router adopt   (or Settings → Adopt this router)' }] : [];
}
