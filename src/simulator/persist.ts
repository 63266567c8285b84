/**
 * Persists the router's CONFIGURATION (identity, hotspot servers/profiles/users, static queues without
 * counters, ip-bindings, `.id` counters) as JSON, like RouterOS keeps its config across reboots. Writes are
 * debounced and atomic (tmp file + rename) so a crash never leaves half a file.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { License } from './license';
import { Counters, newQueueRuntime, RADIUS_INCOMING_DEFAULTS, RouterState, zeroCounters } from './state';
import { PPP_AAA_DEFAULTS } from './ppp/tables';
import type { Item } from './table';

interface SavedItem {
  id: string;
  cfg: Record<string, string>;
  /** Hotspot users only: accumulated usage is what limit-uptime/limit-bytes are checked against. */
  uptime?: number;
  counters?: Counters;
}

interface StateFile {
  format: 1;
  identity: string;
  /** The machine's licence id: it belongs to the hardware, so it outlives restarts (absent in old files). */
  license?: License;
  nextIds: Record<string, number>;
  tables: Record<string, SavedItem[]>;
  /** `/radius/incoming` (absent in files saved before it was simulated: the defaults). */
  radiusIncoming?: Record<string, string>;
  /** `/ppp/aaa` (absent in files saved before PPP was simulated: the defaults). */
  pppAaa?: Record<string, string>;
}

export function snapshot(state: RouterState): StateFile {
  const tables: Record<string, SavedItem[]> = {};
  const nextIds: Record<string, number> = { hosts: state.hosts.nextId, active: state.active.nextId };
  for (const [key, table] of Object.entries(state.configTables())) {
    nextIds[key] = table.nextId;
    tables[key] = table.list
      .filter((i) => !i.dynamic)
      .map((i) => {
        const saved: SavedItem = { id: i.id, cfg: { ...i.cfg } };
        const u = i as Item & { uptime?: number; counters?: Counters };
        if (key === 'users') Object.assign(saved, { uptime: u.uptime, counters: { ...u.counters } });
        return saved;
      });
  }
  return {
    format: 1,
    identity: state.identity,
    license: { ...state.license },
    nextIds,
    tables,
    radiusIncoming: { ...state.radiusIncoming },
    pppAaa: { ...state.ppp.aaa },
  };
}

/**
 * A file saved before these tables were simulated: the router keeps the server profiles its setup made, and has
 * the services, files and PPP profiles as a new one does.
 */
const INSTALL_MISSING: Record<string, (state: RouterState) => void> = {
  serverProfiles: (s) => s.installServerProfiles(),
  services: (s) => s.installServices(),
  files: (s) => s.installHotspotFiles(),
  pppProfiles: (s) => s.ppp.installDefaults(),
};

/** Replace the state's configuration with a saved one. */
export function restore(state: RouterState, file: StateFile): void {
  state.identity = file.identity;
  if (file.license) state.license = { ...file.license };
  state.radiusIncoming = { ...RADIUS_INCOMING_DEFAULTS, ...file.radiusIncoming };
  for (const [key, table] of Object.entries(state.configTables())) {
    table.clear();
    const install = INSTALL_MISSING[key];
    if (install && !file.tables[key]) {
      install(state);
      continue;
    }
    for (const saved of file.tables[key] ?? []) {
      const item: Item & Record<string, unknown> = { id: saved.id, cfg: { ...saved.cfg } };
      if (key === 'queues') Object.assign(item, newQueueRuntime());
      if (key === 'filters' || key === 'nat') Object.assign(item, { bytes: 0, packets: 0 });
      if (key === 'addressLists') Object.assign(item, { createdAt: state.bootAt });
      if (key === 'users')
        Object.assign(item, { uptime: saved.uptime ?? 0, counters: saved.counters ?? zeroCounters() });
      table.insert(item);
    }
    table.nextId = Math.max(table.nextId, file.nextIds[key] ?? 1);
  }
  state.ppp.aaa = { ...PPP_AAA_DEFAULTS, ...file.pppAaa };
  state.hosts.nextId = Math.max(state.hosts.nextId, file.nextIds.hosts ?? 1);
  state.active.nextId = Math.max(state.active.nextId, file.nextIds.active ?? 1);
}

const DEBOUNCE_MS = 50;

export class StateStore {
  private timer?: NodeJS.Timeout;
  private dirty?: () => StateFile;

  constructor(readonly file: string) {}

  load(): StateFile | undefined {
    if (!existsSync(this.file)) return undefined;
    const data = JSON.parse(readFileSync(this.file, 'utf8')) as StateFile;
    if (data.format !== 1) throw new Error(`${this.file}: unknown simulator state format`);
    return data;
  }

  /** Save soon; several changes in a burst (10,000 pipelined adds) become one write. */
  schedule(take: () => StateFile): void {
    this.dirty = take;
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), DEBOUNCE_MS);
    this.timer.unref();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const take = this.dirty;
    this.dirty = undefined;
    if (!take) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(take()));
    renameSync(tmp, this.file);
  }
}
