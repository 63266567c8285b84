/**
 * What a power cycle and a configuration reset do to the simulated router's state (the simulator's reboot,
 * reset-configuration and replaced-router faults in index.ts).
 */
import type { Interfaces } from './interfaces';
import type { RouterLog } from './log';
import { syncDynamicFilters } from './menus/firewall';
import { resetQueueCounters } from './menus/queue';
import type { PppSessions } from './ppp/sessions';
import type { Hotspot } from './sessions';
import { FILTER_DEFAULTS, type FilterItem, type RouterState } from './state';

/**
 * The power goes: sessions end, dynamic queues go, queue, rule and interface counters restart at zero, and
 * the runtime state (cookies, the memory log) is lost. The configuration and its `.id`s stay.
 */
export function losePower(
  s: RouterState,
  parts: { hotspot: Hotspot; interfaces: Interfaces; log: RouterLog; ppp: PppSessions },
): void {
  // Sessions end the way a logout ends them, so their time and bytes count against the user's limits: a
  // reboot must not hand out free time. ✖ Whether RouterOS saves the interrupted session's usage.
  for (const a of [...s.active.list]) parts.hotspot.logout(a, 'router reboot');
  // PPP sessions end too; their CPEs dial again once the router answers (docs/routeros.md "PPPoE").
  parts.ppp.endAll('router reboot');
  s.queues.clear((q) => q.dynamic === true);
  for (const q of s.queues.list) resetQueueCounters(q);
  for (const f of s.filters.list) {
    f.bytes = 0;
    f.packets = 0;
  }
  // Runtime state goes with the power: cookies, interface counters, the memory log (✖ cookies).
  s.cookies.clear();
  parts.interfaces.resetAll();
  parts.log.clear();
}

/** The router starts: hosts are found again (new `.id`s), dynamic rules come back, the uptime restarts. */
export function powerOn(s: RouterState, hotspot: Hotspot, now: number): void {
  hotspot.rediscoverHosts();
  syncDynamicFilters(s);
  s.bootAt = now;
}

/** Back to the configuration a new simulator starts with; `.id` counters from 1. The licence is kept. */
export function wipeConfiguration(s: RouterState, identity: string): void {
  for (const table of [s.active, s.queues, ...Object.values(s.configTables())]) {
    table.clear();
    table.nextId = 1;
  }
  s.identity = identity;
  s.installDefaults();
}

/**
 * MikroTik's default FastTrack rule, first in the filter list as a home router's default configuration has it
 * (✔ `chain=forward action=fasttrack-connection connection-state=established,related`, comment
 * `defconf: fasttrack`); its dynamic companion rule follows.
 */
export function addDefaultFastTrack(s: RouterState): void {
  s.filters.insert(
    {
      id: s.filters.newId(),
      cfg: {
        ...FILTER_DEFAULTS,
        chain: 'forward',
        action: 'fasttrack-connection',
        'connection-state': 'established,related',
        comment: 'defconf: fasttrack',
      },
      bytes: 0,
      packets: 0,
    } as FilterItem,
    s.filters.list[0],
  );
  syncDynamicFilters(s);
}
