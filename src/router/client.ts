import { RouterConnection, type ConnectionConfig } from './connection';
import { Semaphore } from './limits';
import type { PrintOptions, RosAttrs, RosRow, RouterClient, RouterIdentity, RouterStatus } from './types';
import { RouterError } from '../domain/errors';

export type { RouterLogger } from './connection';
export type { RouterTlsOptions } from './connect-failure';

/**
 * What the caller gives: the connection's own settings (see ConnectionConfig), with the tuning knobs
 * optional and defaulted here.
 */
export interface RouterClientOptions extends Omit<
  ConnectionConfig,
  'reconnect' | 'random' | 'now' | 'keepalive'
> {
  /** Commands in flight at once on the one socket (pipelined with tags). Default DEFAULT_MAX_IN_FLIGHT. */
  maxInFlight?: number;
  reconnect?: { minMs?: number; maxMs?: number };
  /** Jitter source, injectable for tests. Default Math.random. */
  random?: () => number;
  /** Clock for `connectedSince`. Default Date.now. */
  now?: () => number;
  /** `#` keepalive probes (node-routeros keepalive). Default true. */
  keepalive?: boolean;
}

/** RouterClient plus what benchmarks and tests observe about pipelining. */
export interface HardenedRouterClient extends RouterClient {
  /** Highest number of commands seen in flight at once since start. */
  readonly maxInFlightObserved: number;
}

const ATTR_NAME = /^[A-Za-z0-9.][A-Za-z0-9._-]*$/;

/**
 * `=name=value` words; booleans become `true`/`false` (docs/routeros.md "Reply details"), undefined values
 * are left out.
 */
export function attrWords(attrs: RosAttrs = {}): string[] {
  const words: string[] = [];
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined) continue;
    if (!ATTR_NAME.test(name))
      throw new TypeError(`Invalid RouterOS attribute name: ${JSON.stringify(name)}`);
    words.push(`=${name}=${typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value)}`);
  }
  return words;
}

function queryWords(query: string[] = []): string[] {
  return query.map((q) => `?${q}`);
}

function printWords(menu: string, p: PrintOptions): string[] {
  const words = [`${menu}/print`];
  if (p.proplist) words.push(`=.proplist=${p.proplist.join(',')}`);
  words.push(...attrWords(p.args), ...queryWords(p.query));
  return words;
}

/**
 * The `ret` value from `!done =ret=...`, which node-routeros appends as the last row
 * (docs/routeros.md "Library API").
 */
function doneRet(rows: RosRow[]): string | undefined {
  for (let i = rows.length - 1; i >= 0; i--) {
    const ret = rows[i]?.ret;
    if (ret !== undefined) return ret;
  }
  return undefined;
}

/**
 * Commands outstanding on the one socket at once. RouterOS documents no limit (docs/routeros.md "Tags"); 64
 * keeps a busy portal (20 redemptions at once, two parallel commands per step) from waiting a whole extra
 * round trip for a slot, while still bounding what a burst of 10,000 voucher adds puts on the router.
 */
export const DEFAULT_MAX_IN_FLIGHT = 64;

/** The one socket and what paces and counts the commands on it. */
interface Wire {
  connection: RouterConnection;
  semaphore: Semaphore;
  stats: { commands: number };
  logger: RouterClientOptions['logger'];
}

export function createRouterClient(opts: RouterClientOptions): HardenedRouterClient {
  const stats = { commands: 0 };
  const connection = openConnection(opts, stats);
  const w: Wire = {
    connection,
    semaphore: new Semaphore(opts.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT),
    stats,
    logger: opts.logger,
  };
  return {
    get status(): RouterStatus {
      return connection.status;
    },
    get stats() {
      return { ...stats };
    },
    get maxInFlightObserved() {
      return w.semaphore.maxObserved;
    },
    onStatus: (listener) => connection.onStatus(listener),
    async start() {
      opts.logger.info(
        { host: opts.host, port: opts.port, user: opts.user, tls: opts.tls },
        'router client starting',
      );
      connection.start();
    },
    waitConnected: (timeoutMs) => waitConnected(connection, timeoutMs),
    stop: () => connection.stop(),
    print: (menu: string, p: PrintOptions = {}) => exec(w, printWords(menu, p)),
    async printEach(menu: string, p: PrintOptions, onRow: (row: RosRow) => void) {
      await exec(w, printWords(menu, p), onRow);
    },
    follow(menu, p, onRow, onEnd) {
      // A stream holds no slot of the semaphore: it runs until stopped and would starve the other commands.
      w.stats.commands++;
      return connection.stream([...printWords(menu, p), '=follow-only='], `${menu}/print`, onRow, onEnd);
    },
    count: (menu: string, query?: string[]) => countOf(w, menu, query),
    add: (menu: string, attrs: RosAttrs) => addOne(w, menu, attrs),
    async set(menu: string, id: string, attrs: RosAttrs) {
      await exec(w, [`${menu}/set`, `=.id=${id}`, ...attrWords(attrs)]);
    },
    remove: (menu, ids) => byIds(w, menu, 'remove', ids),
    enable: (menu, ids) => byIds(w, menu, 'enable', ids),
    disable: (menu, ids) => byIds(w, menu, 'disable', ids),
    resetCounters: (menu, ids) => byIds(w, menu, 'reset-counters', ids),
    move: (menu, ids, destination) =>
      byIds(w, menu, 'move', ids, destination === undefined ? [] : [`=destination=${destination}`]),
    command: (path, attrs, query) => exec(w, [path, ...attrWords(attrs), ...queryWords(query)]),
    async hotspotLogin(a) {
      await exec(w, [
        '/ip/hotspot/active/login',
        ...attrWords({ user: a.user, password: a.password, 'mac-address': a.mac, ip: a.ip }),
      ]);
    },
    hotspotLogout: (activeIds) => byIds(w, '/ip/hotspot/active', 'remove', activeIds),
    identity: () => readIdentity(w),
  };
}

/** The connection with the tuning knobs defaulted; its login check reads the identity (one command counted). */
function openConnection(opts: RouterClientOptions, stats: { commands: number }): RouterConnection {
  return new RouterConnection(
    {
      ...opts,
      reconnect: { minMs: opts.reconnect?.minMs ?? 500, maxMs: opts.reconnect?.maxMs ?? 30_000 },
      random: opts.random ?? Math.random,
      keepalive: opts.keepalive ?? true,
      now: opts.now ?? Date.now,
    },
    async (run) => {
      stats.commands++;
      return (await run(['/system/identity/print']))[0]?.name;
    },
  );
}

async function exec(w: Wire, words: string[], onRow?: (row: RosRow) => void): Promise<RosRow[]> {
  const command = words[0] ?? '';
  // Fail fast while disconnected instead of queueing behind the semaphore.
  if (!w.connection.connected)
    throw new RouterError('ROUTER_UNREACHABLE', `Router not connected (${command})`, { command });
  await w.semaphore.acquire();
  try {
    w.stats.commands++;
    return await w.connection.run(words, command, onRow);
  } catch (err) {
    const e =
      err instanceof RouterError
        ? err
        : new RouterError('ROUTER_UNREACHABLE', String(err), { command, cause: err });
    w.logger.debug({ command, code: e.code, routerMessage: e.routerMessage }, 'router command failed');
    throw e;
  } finally {
    w.semaphore.release();
  }
}

async function byIds(
  w: Wire,
  menu: string,
  verb: string,
  ids: string | string[],
  extra: string[] = [],
): Promise<void> {
  const list = Array.isArray(ids) ? ids.join(',') : ids;
  if (list === '') return; // nothing to do; RouterOS would trap on an empty `numbers`
  await exec(w, [`${menu}/${verb}`, `=numbers=${list}`, ...extra]);
}

async function countOf(w: Wire, menu: string, query?: string[]): Promise<number> {
  const rows = await exec(w, [`${menu}/print`, '=count-only=', ...queryWords(query)]);
  // ✖ docs/routeros.md "Reply words": whether a zero count comes as `!empty` + bare `!done`; treat a
  // missing ret as 0.
  const ret = doneRet(rows);
  const n = ret === undefined ? 0 : Number(ret);
  if (!Number.isFinite(n))
    throw new RouterError('ROUTER_TRAP', `count-only returned ${JSON.stringify(ret)}`, {
      command: `${menu}/print`,
    });
  return n;
}

async function addOne(w: Wire, menu: string, attrs: RosAttrs): Promise<string> {
  const command = `${menu}/add`;
  const ret = doneRet(await exec(w, [command, ...attrWords(attrs)]));
  if (ret === undefined) throw new RouterError('ROUTER_TRAP', `${command} returned no id`, { command });
  return ret;
}

async function readIdentity(w: Wire): Promise<RouterIdentity> {
  const [ident, resource] = await Promise.all([
    exec(w, ['/system/identity/print']),
    exec(w, ['/system/resource/print', '=.proplist=version,board-name']),
  ]);
  return {
    identity: ident[0]?.name ?? '',
    version: resource[0]?.version,
    boardName: resource[0]?.['board-name'],
  };
}

function waitConnected(connection: RouterConnection, timeoutMs: number): Promise<boolean> {
  if (connection.connected) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const done = (value: boolean): void => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    const timer = setTimeout(() => done(connection.connected), timeoutMs);
    const unsubscribe = connection.onStatus((s) => {
      if (s.connected) done(true);
    });
  });
}
