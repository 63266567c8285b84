/**
 * One router connection per site other than `default` (whose connection is the main one, src/core.ts), kept by
 * the server: started at start-up and when a site is added or its connection changes, stopped when it is removed
 * and on close. Each router is read at connect and then every minute: its identity and the number of devices on
 * its hotspot (`/ip/hotspot/active` with `.proplist=.id`). Reads run concurrently and in isolation: every site has
 * its own socket, timeouts and in-flight read, and nobody awaits one site's read on another's path; the admin
 * and the API only look at the last result kept here. That result is also stored on the site's row, so the
 * terminal menu (which connects to no other router) shows what the server last saw.
 */
import type { AppConfig } from '../../../config/env';
import type { Db } from '../../../db/knex';
import { AppError } from '../../../domain/errors';
import type { Clock } from '../../../lib/clock';
import type { Logger } from '../../../lib/logger';
import { createRouterClient, toRouterError, type RouterClient } from '../../../router';
import { SITE_SETTING_NAMES } from '../../../router/errors';
import { readGlance } from '../../../router/system';
import { connectsToRouter } from '../site-stack/mode';
import type { CredentialsBox } from '../../business/sites/credentials';
import { DEFAULT_SITE_ID, type SiteError, type SiteRow, type SiteStatus } from '../../business/sites/types';

const SITE_READ_SECONDS = 60;

export interface SiteMonitor {
  /** Connects every stored site (server start). */
  start(): Promise<void>;
  /** After an add or an edit: (re)connects the site when its connection settings changed. */
  siteChanged(id: number): Promise<void>;
  /** After a remove: disconnects it. */
  siteRemoved(id: number): Promise<void>;
  /** The last read of a site, or undefined for one this monitor does not hold. */
  status(id: number): SiteStatus | undefined;
  /** Reads the site now (or joins the read in flight); never throws. */
  refresh(id: number): Promise<void>;
  /** Reads every site now, each on its own; resolves when all are done (tests, "refresh" in the admin). */
  refreshAll(): Promise<void>;
  close(): Promise<void>;
}

/** Whatever drives a site's router on the monitor's connection (src/services/network/site-stack). */
interface Attached {
  /** Before the connection starts. */
  start?(): Promise<void>;
  close(): Promise<void>;
  /** Why the site's stack writes nothing to this router (safe mode), or null: shown as the site's error. */
  safeMode?(): SiteError | null;
}

interface SiteMonitorOptions {
  config: AppConfig;
  db: Db;
  clock: Clock;
  log: Logger;
  box: CredentialsBox;
  /** Default SITE_READ_SECONDS. */
  readSeconds?: number;
  /** Reconnect backoff (tests shorten it). */
  reconnect?: { minMs?: number; maxMs?: number };
  /**
   * Builds what drives the site on its connection, before the connection starts; closed before it stops. No
   * connection: a site whose router this controller does not reach (a RADIUS site without API access).
   */
  attach?: (row: SiteRow, client: RouterClient | undefined) => Attached;
}

interface Entry {
  id: number;
  name: string;
  /** host|port|user|password_enc|tls: a change means a new connection. */
  fingerprint: string;
  client?: RouterClient;
  attached?: Attached;
  unsubscribe?: () => void;
  /** Why there is no client (the stored password cannot be decrypted). */
  setupError?: SiteError;
  identity: string | null;
  online: number | null;
  lastPollAt: number | null;
  readError: SiteError | null;
  reading?: Promise<void>;
  closed: boolean;
}

const fingerprintOf = (r: SiteRow) =>
  JSON.stringify([
    r.host,
    r.port,
    r.username,
    r.password_enc,
    Boolean(r.tls),
    r.mode ?? 'api',
    r.nas_address,
  ]);

function asError(err: unknown): SiteError {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  const e = toRouterError(err);
  return { code: e.code, message: e.message };
}

/** The monitor's state, shared by its steps. */
interface Monitor {
  opts: SiteMonitorOptions;
  log: Logger;
  entries: Map<number, Entry>;
  timer?: NodeJS.Timeout;
  closed: boolean;
  /** Changes to the set of connections, one at a time: two quick edits never leave two clients for one site. */
  changes: Promise<void>;
}

export function createSiteMonitor(opts: SiteMonitorOptions): SiteMonitor {
  const m: Monitor = {
    opts,
    log: opts.log.child({ module: 'sites' }),
    entries: new Map(),
    closed: false,
    changes: Promise.resolve(),
  };
  return {
    start: () => startMonitor(m),
    siteChanged: (id) => serial(m, () => reconcile(m, id)),
    siteRemoved: (id) =>
      serial(m, async () => {
        const held = m.entries.get(id);
        if (held) await shut(m, held);
      }),
    status(id) {
      const e = m.entries.get(id);
      return e ? statusOf(e) : undefined;
    },
    refresh(id) {
      const e = m.entries.get(id);
      return e ? read(m, e) : Promise.resolve();
    },
    async refreshAll() {
      await Promise.all([...m.entries.values()].map((e) => read(m, e)));
    },
    async close() {
      m.closed = true;
      if (m.timer) clearInterval(m.timer);
      await m.changes;
      await Promise.all([...m.entries.values()].map((e) => shut(m, e)));
    },
  };
}

/** Every stored site connected, then each read every minute; other processes' changes picked up meanwhile. */
async function startMonitor(m: Monitor): Promise<void> {
  const rows = (await m.opts.db('sites').whereNot({ id: DEFAULT_SITE_ID }).orderBy('id')) as SiteRow[];
  await Promise.all(rows.map((r) => open(m, r)));
  const ms = (m.opts.readSeconds ?? SITE_READ_SECONDS) * 1000;
  m.timer = setInterval(() => {
    // Sites added, edited or removed by another process (the terminal's `pisonet sites`) are picked up
    // here; the reads do not wait for that.
    void serial(m, () => syncWithDatabase(m)).catch((err: Error) =>
      m.log.warn({ err: err.message }, 'could not reload the sites'),
    );
    for (const e of m.entries.values()) void read(m, e);
  }, ms);
  m.timer.unref();
}

function serial(m: Monitor, fn: () => Promise<void>): Promise<void> {
  const next = m.changes.then(fn);
  m.changes = next.catch(() => undefined);
  return next;
}

function statusOf(e: Entry): SiteStatus {
  const s = e.client?.status;
  const connected = Boolean(s?.connected);
  let error: SiteError | null = e.setupError ?? null;
  if (!error && !connected)
    error = {
      code: s?.lastErrorCode ?? 'ROUTER_UNREACHABLE',
      message: s?.lastError || 'Not connected yet: the first connection attempt is still under way.',
    };
  if (!error && connected) error = e.readError ?? e.attached?.safeMode?.() ?? null;
  return {
    connected,
    identity: e.identity ?? s?.identity ?? null,
    online: e.online,
    lastPollAt: e.lastPollAt,
    error,
    live: true,
  };
}

/** What the terminal menu shows; a failed write (database closing) only loses this copy. */
async function persist(m: Monitor, e: Entry): Promise<void> {
  if (e.closed || m.closed) return;
  const s = statusOf(e);
  await m.opts
    .db('sites')
    .where({ id: e.id })
    .update({
      identity: s.identity,
      online: s.online,
      last_poll_at: s.lastPollAt,
      last_error_code: s.error?.code ?? null,
      last_error: s.error?.message.slice(0, 500) ?? null,
    })
    .catch((err: Error) => m.log.warn({ site: e.name, err: err.message }, 'could not store the site status'));
}

/** Reads the site's identity and devices online (or joins the read in flight), then stores what it saw. */
function read(m: Monitor, e: Entry): Promise<void> {
  if (e.reading) return e.reading;
  const client = e.client;
  if (!client || e.closed) return Promise.resolve();
  e.reading = (async () => {
    if (!client.status.connected) return; // statusOf() shows the connection's own error
    try {
      const glance = await readGlance(client);
      e.identity = glance.identity ?? e.identity;
      e.online = glance.online;
      e.lastPollAt = m.opts.clock.now();
      e.readError = null;
    } catch (err) {
      e.readError = asError(err);
      m.log.warn({ site: e.name, code: e.readError.code }, `site ${e.name}: ${e.readError.message}`);
    }
  })()
    .then(() => persist(m, e))
    .finally(() => {
      e.reading = undefined;
    });
  return e.reading;
}

/** Holds a site: what drives it attached, and its connection started when this controller reaches its router. */
async function open(m: Monitor, row: SiteRow): Promise<void> {
  const e: Entry = {
    id: row.id,
    name: row.name,
    fingerprint: fingerprintOf(row),
    identity: row.identity,
    online: row.online,
    lastPollAt: row.last_poll_at === null ? null : Number(row.last_poll_at),
    readError: null,
    closed: false,
  };
  m.entries.set(row.id, e);
  // A RADIUS site without API access: FreeRADIUS talks to its router, this controller does not.
  if (connectsToRouter(row)) {
    const password = await openPassword(m, e, row);
    if (password === undefined) return;
    e.client = clientFor(m, row, password);
  }
  const client = e.client;
  e.attached = m.opts.attach?.(row, client);
  await e.attached?.start?.();
  if (!client) return;
  e.unsubscribe = watchStatus(m, e, client);
  await client.start();
}

/** The site's stored password, or undefined (kept as the site's error) when it cannot be decrypted. */
async function openPassword(m: Monitor, e: Entry, row: SiteRow): Promise<string | undefined> {
  try {
    return row.password_enc ? m.opts.box.open(row.password_enc, row.name) : '';
  } catch (err) {
    e.setupError = asError(err);
    // One line, no stack: the owner restores the key or types the password again.
    m.log.error({ site: row.name, code: e.setupError.code }, e.setupError.message);
    await persist(m, e);
    return undefined;
  }
}

function clientFor(m: Monitor, row: SiteRow, password: string): RouterClient {
  return createRouterClient({
    host: row.host ?? '',
    port: row.port ?? (row.tls ? 8729 : 8728),
    user: row.username ?? '',
    password,
    tls: Boolean(row.tls),
    timeoutSeconds: m.opts.config.router.timeoutSeconds,
    logger: m.log.child({ site: row.name }),
    reconnect: m.opts.reconnect,
    // Its messages (status, logs) name the site's fields, not the .env router's variables.
    settings: SITE_SETTING_NAMES,
    now: () => m.opts.clock.now(),
  });
}

/** A read at each (re)connect; the status stored when the connection's error changes. */
function watchStatus(m: Monitor, e: Entry, client: RouterClient): () => void {
  let wasConnected = false;
  let lastCode: string | undefined;
  return client.onStatus((s) => {
    if (s.connected && !wasConnected) void read(m, e);
    else if (!s.connected && s.lastErrorCode !== lastCode) void persist(m, e);
    wasConnected = s.connected;
    lastCode = s.connected ? undefined : s.lastErrorCode;
  });
}

async function shut(m: Monitor, e: Entry): Promise<void> {
  e.closed = true;
  m.entries.delete(e.id);
  e.unsubscribe?.();
  await e.attached
    ?.close()
    .catch((err: Error) => m.log.warn({ site: e.name, err: err.message }, 'closing the site failed'));
  await e.client?.stop();
}

/** Holds the site with its stored settings: a new connection only when they changed. */
async function hold(m: Monitor, row: SiteRow): Promise<void> {
  const held = m.entries.get(row.id);
  if (held && held.fingerprint === fingerprintOf(row)) {
    held.name = row.name;
    return;
  }
  if (held) await shut(m, held);
  await open(m, row);
}

async function reconcile(m: Monitor, id: number): Promise<void> {
  if (m.closed || id === DEFAULT_SITE_ID) return;
  const row = (await m.opts.db('sites').where({ id }).first()) as SiteRow | undefined;
  const held = m.entries.get(id);
  if (row) await hold(m, row);
  else if (held) await shut(m, held);
}

/** Every stored site held with its stored settings; sites gone from the database are let go. */
async function syncWithDatabase(m: Monitor): Promise<void> {
  if (m.closed) return;
  const rows = (await m.opts.db('sites').whereNot({ id: DEFAULT_SITE_ID }).orderBy('id')) as SiteRow[];
  const ids = new Set(rows.map((r) => r.id));
  for (const e of [...m.entries.values()]) if (!ids.has(e.id)) await shut(m, e);
  for (const row of rows) if (!m.closed) await hold(m, row);
}
