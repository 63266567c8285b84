import { createManagedHotspot } from '../../src/router/hotspot';
import { Writable } from 'node:stream';
import { createHarness, Harness, HarnessOptions } from '../helpers/harness';
import { createLogger, Logger } from '../../src/lib/logger';
import type { SiteDeps } from '../../src/services/deps';
import { createUsageService } from '../../src/services/network/usage';
import { routerPair, type RouterPair } from '../../src/services/network/usage/router-pair';
import type { UsageService } from '../../src/services/types';
import type { VoucherRow } from '../../src/services/shop/vouchers/state';

export type { Harness };

/** Profiles used across the usage tests (human units, like profiles.json). */
export const TEST_PROFILES = [
  { name: 'BASIC', price: 5, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M' },
  { name: 'MULTI', price: 5, validity: '1h', users: 3, rate_up: '512K', rate_down: '1M' },
  {
    name: 'FUP',
    price: 20,
    validity: '1d',
    users: 1,
    rate_up: '2M',
    rate_down: '4M',
    fup: { threshold: '100M', rate_up: '256K', rate_down: '512K' },
    data_cap: '200M',
    cap_policy: 'block',
  },
  {
    name: 'THROTTLE',
    price: 20,
    validity: '1d',
    users: 1,
    rate_up: '2M',
    rate_down: '4M',
    data_cap: '100M',
    cap_policy: 'throttle',
    cap_rate_up: '128K',
    cap_rate_down: '256K',
  },
  {
    name: 'NIGHT',
    price: 20,
    validity: '3d',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    fup: { threshold: '100M', rate_up: '256K', rate_down: '512K' },
    offpeak: { start: '22:00', end: '06:00', unlimited: true, speed_multiplier: 2 },
  },
  {
    name: 'UPTIME',
    price: 10,
    validity: '10m',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    time_mode: 'uptime',
  },
  {
    name: 'BURST',
    price: 10,
    validity: '1h',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    burst: { rate_up: '2M', rate_down: '4M', threshold_up: '768K', threshold_down: '1536K', time: '10s' },
  },
];

export async function usageHarness(opts: HarnessOptions = {}): Promise<Harness> {
  return createHarness({ profiles: TEST_PROFILES, ...opts });
}

/** A logger whose lines the test can read. */
export function capturingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n'))
        if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { log: createLogger('info', stream), lines };
}

export function depsOf(h: Harness, log?: Logger): SiteDeps {
  const core = h.core!;
  return {
    config: core.config,
    db: core.db,
    clock: h.clock,
    router: h.router,
    hotspot: createManagedHotspot(h.router, {
      hotspotServer: core.config.hotspotServer,
      hotspotUserProfile: core.config.hotspotUserProfile,
    }),
    log: log ?? core.log,
    audit: core.services.audit,
    settings: core.services.settings,
  };
}

/** The router's counters and queues over the API, as an API site's parts build them (site-stack/parts.ts). */
export function apiPair(deps: SiteDeps): RouterPair {
  return routerPair(deps.hotspot, () => deps.clock.now());
}

/** A second usage service on the same database and router: a controller restarted with its memory gone. */
export function freshUsage(h: Harness, log?: Logger): UsageService {
  const deps = depsOf(h, log);
  return createUsageService(deps, { profiles: h.core!.services.profiles, ...apiPair(deps) });
}

let seq = 0;

/** An unused voucher inserted straight into the database, with its hotspot user on the router (name = password = code). */
export async function seedVoucher(
  h: Harness,
  profileName: string,
  code = `TEST${String(++seq).padStart(4, '0')}`,
): Promise<string> {
  const db = h.core!.db;
  const p = await h.core!.services.profiles.get(profileName);
  const now = h.clock.now();
  const userId = await h.router.add('/ip/hotspot/user', { name: code, password: code });
  await db('vouchers').insert({
    code,
    profile_id: p.id,
    price: p.price,
    rate_limit_up: p.profile.rateUp,
    rate_limit_down: p.profile.rateDown,
    status: 'unused',
    created_at: now,
    updated_at: now,
    router_user_id: userId,
  });
  return code;
}

/** A device joins the WiFi and logs in with the code on the router's own login page. */
export async function loginOnRouter(h: Harness, code: string, mac: string, ip: string): Promise<void> {
  h.sim.addDevice({ mac, ip });
  await h.router.hotspotLogin({ user: code, password: code, mac, ip });
}

export async function voucher(h: Harness, code: string): Promise<VoucherRow> {
  return (await h.core!.db('vouchers').where({ code }).first()) as VoucherRow;
}

export function ourQueues(h: Harness): Array<Record<string, string>> {
  return h.sim.rows('/queue/simple').filter((q) => String(q.name).startsWith('pisonet-')) as Array<
    Record<string, string>
  >;
}

export function queueOf(h: Harness, mac: string): Record<string, string> | undefined {
  return ourQueues(h).find((q) => q.name === `pisonet-${mac}`);
}

/**
 * Commands that change nothing on the router: the session's own (a login, the `#` keepalive the client sends on an
 * idle connection every ROUTER_TIMEOUT_SECONDS / 2 of real time, a cancel, a quit) and reads.
 */
const NOT_WRITES = new Set(['/login', '#', '/cancel', '/quit']);

/** Router writes (anything but a read or the session's own commands) the simulator has answered so far. */
export function routerWrites(h: Harness): number {
  return Object.entries(h.sim.stats.commandsByPath)
    .filter(([path]) => !path.endsWith('/print') && !path.endsWith('/listen') && !NOT_WRITES.has(path))
    .reduce((n, [, c]) => n + c, 0);
}

/** Advance the shared fake clock and let the simulator process the elapsed time. */
export function advance(h: Harness, seconds: number): void {
  h.clock.advance(seconds * 1000);
  h.sim.tick(seconds);
}

/** Waits until the router client has noticed a drop and is talking to the router again. */
export async function routerBack(h: Harness, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      await h.router.print('/system/identity');
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
