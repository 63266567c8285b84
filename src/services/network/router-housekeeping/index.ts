/**
 * The router's housekeeping, for the admin's Router pages and `pisonet router …`: what its hotspot sees (hosts,
 * sessions, IP bindings, cookies), the DHCP leases, its log, its resources and sensors, the traffic through an
 * interface, and a reboot. Every site's router the same way, through the connection this process holds to it.
 * Reads change nothing. The reboot is the owner's alone (the admin's login or the terminal), for the router
 * they confirmed (its identity), and audited. A router that is down, slow or refusing is a clear AppError, never
 * a crash.
 */
import type { Clock } from '../../../lib/clock';
import { AppError, RouterError } from '../../../domain/errors';
import type { Logger } from '../../../lib/logger';
import {
  createRouterHousekeeping,
  type HealthSensor,
  type InterfaceTraffic,
  type LogLine,
  type RouterHousekeeping,
} from '../../../router/housekeeping';
import type { RouterClient } from '../../../router/types';
import { DEFAULT_SITE, type SiteRef } from '../../deps';
import type { Actor, AuditService } from '../../types';
import type { RouterRead, LogFilter, LogView, RouterPresence, HousekeepingService } from './types';
export type { RouterRead, LogView, RouterOverview, RouterPresence, HousekeepingService } from './types';

interface HousekeepingDeps {
  audit: AuditService;
  clock: Clock;
  log: Logger;
  /** The connection this process holds to a site's router, or undefined when it holds none. */
  routerOf(siteId: number): RouterClient | undefined;
}

const LOG_LIMIT = 200;
const LOG_LIMIT_MAX = 1000;

/** How a message names the router: "the router" for the .env one, else the site's. */
const whose = (site: SiteRef): string =>
  site.id === DEFAULT_SITE.id ? 'the router' : `the router of site "${site.name}"`;

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** A router error while reading `what`, for the owner: a refusal (502) or the router being away (503). */
function readFailure(err: unknown, site: SiteRef, what: string): AppError {
  if (!(err instanceof RouterError)) throw err;
  const detail = err.routerMessage ?? err.message;
  if (err.transient)
    return new AppError(
      err.code,
      `Could not read ${what} from ${whose(site)}: ${detail}. Try again shortly.`,
      503,
    );
  return new AppError(err.code, `${capital(whose(site))} refused to show ${what}: ${detail}`, 502);
}

/** The topics of a log filter, and its text: what the owner typed, bounded. */
function matcher(filter: LogFilter): (l: LogLine) => boolean {
  const topic = (filter.topic ?? '').trim().toLowerCase();
  const needle = (filter.text ?? '').trim().toLowerCase().slice(0, 100);
  return (l) =>
    (topic === '' || l.topics.includes(topic)) && (needle === '' || l.message.toLowerCase().includes(needle));
}

function logView(lines: LogLine[], filter: LogFilter = {}): LogView {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? LOG_LIMIT) || LOG_LIMIT, 1), LOG_LIMIT_MAX);
  const matching = lines.filter(matcher(filter)).reverse();
  const topics = [...new Set(lines.flatMap((l) => l.topics))].sort();
  return { lines: matching.slice(0, limit), matching: matching.length, total: lines.length, topics };
}

/** `temperature`, `cpu-temperature`, `board-temperature1`…: the first one in °C, as a number. */
function temperatureOf(health: HealthSensor[]): number | null {
  const t = health.find(
    (s) => s.unit === 'C' && /temperature/.test(s.name) && Number.isFinite(Number(s.value)),
  );
  return t ? Number(t.value) : null;
}

/** The site's connected router, or the reason there is none (an AppError in the owner's words). */
function connected(deps: HousekeepingDeps, site: SiteRef): RouterClient {
  const router = deps.routerOf(site.id);
  if (!router)
    throw new AppError(
      'SITE_UNREACHABLE',
      `This server has no connection to ${whose(site)} (its address or password may need fixing under Sites).`,
      503,
    );
  const s = router.status;
  if (!s.connected)
    throw new AppError(
      s.lastErrorCode ?? 'ROUTER_UNREACHABLE',
      `${capital(whose(site))} is not connected${s.lastError ? `: ${s.lastError}` : ' yet (still trying)'}.`,
      503,
    );
  return router;
}

/** One read of the site's router, with which router answered and when; `what` names it in a failure. */
async function read<T>(
  deps: HousekeepingDeps,
  site: SiteRef,
  what: string,
  fn: (h: RouterHousekeeping) => Promise<T>,
): Promise<RouterRead<T>> {
  const router = connected(deps, site);
  try {
    const data = await fn(createRouterHousekeeping(router));
    return { site, identity: router.status.identity ?? null, readAt: deps.clock.now(), data };
  } catch (err) {
    throw readFailure(err, site, what);
  }
}

/** One reading of one interface; a name the router does not have is a 404. */
async function readTraffic(
  deps: HousekeepingDeps,
  site: SiteRef,
  iface: string,
): Promise<RouterRead<InterfaceTraffic>> {
  const name = iface.trim();
  if (name === '' || name.length > 64 || name.includes(','))
    throw new AppError('INVALID_INPUT', 'Choose one interface of the router', 400, 'interface', {
      interface: 'choose one interface',
    });
  try {
    return await read(deps, site, `the traffic of ${name}`, async (h) => {
      const [sample] = await h.traffic([name]);
      return sample ?? { name, rxBps: 0, txBps: 0, rxPps: 0, txPps: 0 };
    });
  } catch (err) {
    if (err instanceof AppError && err.code === 'ROUTER_NO_SUCH_ITEM')
      throw new AppError('NOT_FOUND', `${capital(whose(site))} has no interface "${name}"`, 404, 'interface');
    throw err;
  }
}

/** Whether the site's router is there and since when; never throws. */
async function readPresence(deps: HousekeepingDeps, site: SiteRef): Promise<RouterPresence> {
  const router = deps.routerOf(site.id);
  const s = router?.status;
  const base = { site, identity: s?.identity ?? null, uptimeSeconds: null };
  if (!router || !s?.connected)
    return { ...base, connected: false, error: s?.lastError ?? (router ? null : 'no connection') };
  try {
    const r = await createRouterHousekeeping(router).resources();
    return { ...base, connected: true, uptimeSeconds: r.uptimeSeconds, error: null };
  } catch (err) {
    return { ...base, connected: router.status.connected, error: (err as Error).message };
  }
}

/**
 * The reboot: the owner's only (an admin logged in, or the terminal), for the router they confirmed by its
 * identity (another router at that site now: nothing is sent), audited once the router took it.
 */
async function rebootRouter(
  deps: HousekeepingDeps,
  site: SiteRef,
  actor: Actor,
  confirm: { identity: string },
): Promise<{ identity: string | null }> {
  if (actor.via !== 'admin' && actor.via !== 'cli')
    throw new AppError(
      'FORBIDDEN',
      'Only the shop owner can reboot a router: from the admin pages (logged in) or the terminal.',
      403,
    );
  const router = connected(deps, site);
  const identity = router.status.identity ?? null;
  if ((identity ?? '') !== confirm.identity)
    throw new AppError(
      'ROUTER_CHANGED',
      `${capital(whose(site))} is now "${identity ?? '?'}", not "${confirm.identity}" as confirmed. Nothing was sent; look again before rebooting.`,
      409,
    );
  try {
    await createRouterHousekeeping(router).reboot();
  } catch (err) {
    if (!(err instanceof RouterError)) throw err;
    throw new AppError(
      err.code,
      `${capital(whose(site))} did not take the reboot: ${err.routerMessage ?? err.message}`,
      err.transient ? 503 : 502,
    );
  }
  deps.log.warn({ site: site.name, identity, actor: actor.name }, 'router reboot sent');
  // The router is going down whatever happens here: a lost audit line is logged, not the owner's error.
  await deps.audit
    .record(actor, 'router.reboot', site.name, { site: site.id, identity })
    .catch((err: Error) => deps.log.error({ err: err.message }, 'router reboot not audited'));
  return { identity };
}

export function createHousekeepingService(deps: HousekeepingDeps): HousekeepingService {
  return {
    hosts: (site) => read(deps, site, 'the hotspot hosts', (h) => h.hosts()),
    sessions: (site) => read(deps, site, 'the hotspot sessions', (h) => h.sessions()),
    bindings: (site) => read(deps, site, 'the IP bindings', (h) => h.bindings()),
    cookies: (site) => read(deps, site, 'the hotspot cookies', (h) => h.cookies()),
    leases: (site) => read(deps, site, 'the DHCP leases', (h) => h.leases()),
    log: (site, filter = {}) => read(deps, site, 'the log', async (h) => logView(await h.log(), filter)),
    overview: (site) =>
      read(deps, site, 'the resources', async (h) => {
        const [resources, health] = await Promise.all([h.resources(), h.health()]);
        return { resources, health, temperatureC: temperatureOf(health) };
      }),
    interfaces: (site) => read(deps, site, 'the interfaces', (h) => h.interfaces()),
    traffic: (site, iface) => readTraffic(deps, site, iface),
    presence: (site) => readPresence(deps, site),
    reboot: (site, actor, confirm) => rebootRouter(deps, site, actor, confirm),
  };
}
