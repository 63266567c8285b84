/**
 * The router client against the project's RouterOS simulator: typed operations, RouterOS refusals mapped to
 * RouterError codes, and the fault scenarios (drops, hangs, silence, reboots, wrong password).
 */
import {
  createRouterClient,
  DEFAULT_MAX_IN_FLIGHT,
  type HardenedRouterClient,
  type RouterClientOptions,
} from '../../src/router';
import { RouterError } from '../../src/domain/errors';
import { RouterSimulator } from '../../src/simulator';
import { captureLogger, eventually, rejection } from './helpers';

type SimOptions = ConstructorParameters<typeof RouterSimulator>[0];

let sim: RouterSimulator | undefined;
let client: HardenedRouterClient | undefined;
let statuses: string[];

async function setup(
  simOpts: SimOptions = {},
  clientOpts: Partial<RouterClientOptions> = {},
  beforeStart?: (s: RouterSimulator) => void,
): Promise<{ sim: RouterSimulator; client: HardenedRouterClient }> {
  const s = new RouterSimulator({ port: 0, emptyReplies: true, ...simOpts });
  sim = s;
  const { port } = await s.start();
  beforeStart?.(s);
  const c = createRouterClient({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: 2,
    logger: captureLogger(),
    reconnect: { minMs: 20, maxMs: 200 },
    ...clientOpts,
  });
  client = c;
  statuses = [];
  c.onStatus((st) => statuses.push(st.state));
  await c.start();
  return { sim: s, client: c };
}

async function connected(): Promise<{ sim: RouterSimulator; client: HardenedRouterClient }> {
  const env = await setup();
  expect(await env.client.waitConnected(3000)).toBe(true);
  return env;
}

/** A lent row's properties as they are during the call (printEach rows are reused afterwards). */
const copyOf = (row: object): object =>
  Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));

afterEach(async () => {
  await client?.stop();
  await sim?.stop();
  client = undefined;
  sim = undefined;
});

const QUEUE = '/queue/simple';

describe('operations', () => {
  test('add returns the new .id; print sends .proplist and ?query; count reads ret', async () => {
    const { client: c, sim: s } = await connected();
    const id = await c.add(QUEUE, {
      name: 'pisonet-a',
      target: '10.5.50.11/32',
      'max-limit': '1M/2M',
      disabled: false,
    });
    expect(id).toMatch(/^\*[0-9A-F]+$/);
    await c.add(QUEUE, { name: 'pisonet-b', target: '10.5.50.12/32' });
    const rows = await c.print(QUEUE, { proplist: ['.id', 'name', 'max-limit'], query: ['name=pisonet-a'] });
    expect(rows).toEqual([{ '.id': id, name: 'pisonet-a', 'max-limit': '1000000/2000000' }]);
    expect(await c.count(QUEUE)).toBe(2);
    expect(await c.count(QUEUE, ['name=pisonet-b'])).toBe(1);
    await c.set(QUEUE, id, { 'max-limit': '5M/5M' });
    await c.disable(QUEUE, id);
    expect(s.rows(QUEUE).find((r) => r['.id'] === id)).toMatchObject({
      'max-limit': '5000000/5000000',
      disabled: 'true',
    });
    await c.remove(QUEUE, [id]);
    expect(s.rows(QUEUE).map((r) => r.name)).toEqual(['pisonet-b']);
    expect(c.stats.commands).toBe(9); // 8 above + the identity read after login
  });

  test('replies with `.tag` as the last word are read the same way (docs/routeros.md "Reply details": accept it anywhere)', async () => {
    const { client: c } = await setup({ tagPosition: 'last' });
    expect(await c.waitConnected(3000)).toBe(true);
    const id = await c.add(QUEUE, { name: 'tag-last', target: '10.5.50.60/32' });
    expect(await c.print(QUEUE, { proplist: ['.id', 'name'] })).toEqual([{ '.id': id, name: 'tag-last' }]);
    expect(await c.count(QUEUE)).toBe(1);
    await expect(c.print(QUEUE, { query: ['name=none'] })).resolves.toEqual([]);
  });

  test('!empty reply on an empty print resolves []', async () => {
    const { client: c } = await connected();
    await expect(c.print(QUEUE, { proplist: ['name'] })).resolves.toEqual([]);
    await expect(c.print(QUEUE, { query: ['name=nobody'] })).resolves.toEqual([]);
    expect(await c.count(QUEUE)).toBe(0);
  });

  test('items lacking every .proplist property still come back as (empty) rows', async () => {
    const { client: c } = await connected();
    await c.add(QUEUE, { name: 'nc-1', target: '10.5.50.51/32' });
    await c.add(QUEUE, { name: 'nc-2', target: '10.5.50.52/32', comment: 'hello' });
    expect(await c.print(QUEUE, { proplist: ['comment'] })).toEqual([{}, { comment: 'hello' }]);
  });

  test('printEach hands over the same rows as print, one by one; a row it throws on fails that command only', async () => {
    const { client: c } = await connected();
    for (let i = 1; i <= 5; i++) await c.add(QUEUE, { name: `each-${i}`, target: `10.5.50.${i}/32` });
    const opts = { proplist: ['.id', 'name', 'target'] };
    const seen: unknown[] = [];
    await c.printEach!(QUEUE, opts, (row) => seen.push(copyOf(row)));
    expect(seen).toEqual(await c.print(QUEUE, opts));
    expect(seen).toHaveLength(5);
    let calls = 0;
    const failing = c.printEach!(QUEUE, opts, () => {
      calls++;
      throw new Error('bad row');
    });
    await expect(failing).rejects.toThrow('bad row');
    expect(calls).toBe(1); // the rows after it are not handed over
    await c.printEach!(QUEUE, { query: ['name=nobody'] }, (row) => seen.push(row)); // !empty: no row
    expect(seen).toHaveLength(5);
    expect(await c.count(QUEUE)).toBe(5); // the connection is still good
    expect(c.status.state).toBe('connected');
  });

  test.each(['first', 'last'] as const)(
    'printEach lends each row (tag %s): one object, emptied between rows; print and traps never share it',
    async (tagPosition) => {
      const { client: c, sim: s } = await setup({ tagPosition });
      expect(await c.waitConnected(3000)).toBe(true);
      await c.add(QUEUE, { name: 'lend-1', target: '10.5.50.61/32', comment: 'first' });
      await c.add(QUEUE, { name: 'lend-2', target: '10.5.50.62/32' });
      await c.add(QUEUE, { name: 'lend-3', target: '10.5.50.63/32', comment: 'third' });
      const opts = { proplist: ['name', 'comment'] };
      const rows: object[] = [];
      const comments: Array<string | undefined> = [];
      await c.printEach!(QUEUE, opts, (row) => {
        rows.push(row);
        comments.push(row.comment);
      });
      // The row without a comment does not read the one before it.
      expect(comments).toEqual(['first', undefined, 'third']);
      // With the tag right after the reply word (as RouterOS sends it) the rows share one object; with the tag
      // last the Receiver cannot tell whose row it is until its end, and makes a new one.
      expect(new Set(rows).size).toBe(tagPosition === 'first' ? 1 : 3);
      // print's rows are the caller's to keep: distinct, with only the properties the router sent.
      const printed = await c.print(QUEUE, opts);
      expect(new Set(printed).size).toBe(3);
      expect(printed.map((r) => Object.keys(r))).toEqual([
        ['name', 'comment'],
        ['name'],
        ['name', 'comment'],
      ]);
      // A trap on a lent command carries its own attributes only.
      s.faults.trapOn('/queue/simple/print', 'failure: something odd', 4);
      const err = (await rejection(c.printEach!(QUEUE, opts, () => undefined))) as RouterError;
      expect(err).toMatchObject({
        code: 'ROUTER_TRAP',
        routerMessage: 'failure: something odd',
        category: 4,
      });
    },
  );

  test('the `#` keepalive answer from the simulator keeps an idle link up', async () => {
    const { client: c, sim: s } = await setup({}, { timeoutSeconds: 1 });
    await c.waitConnected(3000);
    await new Promise((r) => setTimeout(r, 1700));
    expect(statuses).toEqual(['connecting', 'connected']);
    expect(s.stats.connections).toBe(1);
    expect(s.stats.commandsByPath['#']).toBeGreaterThanOrEqual(2);
  });

  test('identity() reads the identity and the resource summary', async () => {
    const { client: c } = await connected();
    const id = await c.identity();
    expect(id.identity).not.toBe('');
    expect(id.version).toMatch(/^\d+\.\d+/);
    expect(typeof id.boardName).toBe('string');
    expect(c.status.identity).toBe(id.identity);
  });

  test('hotspotLogin logs a device in; hotspotLogout removes the session', async () => {
    const { client: c, sim: s } = await connected();
    s.addDevice({ mac: '02:50:00:00:00:01', ip: '10.5.50.11' });
    await c.add('/ip/hotspot/user', { name: 'V1234', password: 'V1234' });
    await c.hotspotLogin({ user: 'V1234', password: 'V1234', mac: '02:50:00:00:00:01', ip: '10.5.50.11' });
    const active = await c.print('/ip/hotspot/active', { proplist: ['.id', 'user', 'address'] });
    expect(active).toEqual([expect.objectContaining({ user: 'V1234', address: '10.5.50.11' })]);
    await c.hotspotLogout(active[0]!['.id']!);
    expect(await c.print('/ip/hotspot/active')).toEqual([]);
  });
});

describe('RouterOS refusals', () => {
  test('a trap keeps message and category', async () => {
    const { client: c, sim: s } = await connected();
    s.faults.trapOn('/queue/simple/print', 'failure: something odd', 4);
    const err = (await rejection(c.print(QUEUE))) as RouterError;
    expect(err).toBeInstanceOf(RouterError);
    expect(err).toMatchObject({
      code: 'ROUTER_TRAP',
      routerMessage: 'failure: something odd',
      category: 4,
      command: '/queue/simple/print',
    });
  });

  test('an unknown command is a trap naming it', async () => {
    const { client: c } = await connected();
    const err = (await rejection(c.command('/queue/simpel/print'))) as RouterError;
    expect(err.code).toBe('ROUTER_TRAP');
    expect(err.routerMessage).toMatch(/no such command/);
    await expect(c.count(QUEUE)).resolves.toBe(0);
  });

  test('duplicate names → ROUTER_DUPLICATE (queues and hotspot users)', async () => {
    const { client: c } = await connected();
    await c.add(QUEUE, { name: 'dup', target: '10.5.50.20/32' });
    const q = (await rejection(c.add(QUEUE, { name: 'dup', target: '10.5.50.21/32' }))) as RouterError;
    expect(q.code).toBe('ROUTER_DUPLICATE');
    expect(q.routerMessage).toBe('failure: already have such name');
    await c.add('/ip/hotspot/user', { name: 'u1', password: 'x' });
    const u = (await rejection(c.add('/ip/hotspot/user', { name: 'u1', password: 'y' }))) as RouterError;
    expect(u.code).toBe('ROUTER_DUPLICATE');
  });

  test('missing items → ROUTER_NO_SUCH_ITEM with the router message', async () => {
    const { client: c } = await connected();
    const bad = (await rejection(c.set(QUEUE, '*FFFF', { comment: 'x' }))) as RouterError;
    expect(bad.code).toBe('ROUTER_NO_SUCH_ITEM');
    expect(bad.routerMessage).toMatch(/no such item|input does not match/);
    const ref = (await rejection(
      c.add('/ip/hotspot/user', { name: 'u2', profile: 'no-such-profile' }),
    )) as RouterError;
    expect(ref.code).toBe('ROUTER_NO_SUCH_ITEM');
    expect(ref.routerMessage).toBe('input does not match any value of profile');
  });

  test('!fatal → ROUTER_FATAL with the reason, then a reconnect', async () => {
    const { client: c } = await connected();
    sim!.faults.fatalOn('/queue/simple/print', 'out of cheese');
    const err = (await rejection(c.print(QUEUE))) as RouterError;
    expect(err).toMatchObject({ code: 'ROUTER_FATAL', routerMessage: 'out of cheese' });
    await eventually(() => c.status.connected && statuses.includes('disconnected'), 3000, 'reconnect');
    await expect(c.count(QUEUE)).resolves.toBe(0);
  });
});

describe('faults and reconnection', () => {
  test('a late tagged reply after !done is dropped; the next command works', async () => {
    const { client: c } = await connected();
    await c.add(QUEUE, { name: 'late', target: '10.5.50.30/32' });
    sim!.faults.lateTaggedReplyOn('/queue/simple/print');
    expect(await c.print(QUEUE, { proplist: ['name'] })).toEqual([{ name: 'late' }]);
    expect(await c.count(QUEUE)).toBe(1);
    expect(statuses).toEqual(['connecting', 'connected']);
  });

  test('socket dropped mid-command → rejects, and subscribers see the reconnect', async () => {
    const { client: c, sim: s } = await connected();
    s.faults.dropConnectionOn('/queue/simple/add');
    const err = (await rejection(c.add(QUEUE, { name: 'x', target: '10.5.50.40/32' }))) as RouterError;
    expect(['ROUTER_UNREACHABLE', 'ROUTER_TIMEOUT']).toContain(err.code);
    await eventually(() => c.status.connected, 3000, 'reconnect');
    expect(statuses).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    expect(s.stats.connections).toBe(2);
    await expect(c.add(QUEUE, { name: 'x', target: '10.5.50.40/32' })).resolves.toMatch(/^\*/);
  });

  test('a command that never gets a reply → ROUTER_TIMEOUT, and the suspect socket is replaced', async () => {
    const { client: c, sim: s } = await setup({}, { timeoutSeconds: 1 });
    await c.waitConnected(3000);
    s.faults.hangOn('/queue/simple/print');
    const err = (await rejection(c.print(QUEUE))) as RouterError;
    expect(err).toMatchObject({ code: 'ROUTER_TIMEOUT', command: '/queue/simple/print' });
    await eventually(() => c.status.connected && s.stats.connections === 2, 3000, 'reconnect');
    await expect(c.print(QUEUE)).resolves.toEqual([]);
  });

  test('router goes silent while idle → idle timeout is a disconnect, not a crash; usable afterwards', async () => {
    const { client: c, sim: s } = await setup({}, { timeoutSeconds: 1 });
    await c.waitConnected(3000);
    s.faults.silenceAfterLogin();
    await eventually(() => statuses.includes('disconnected'), 5000, 'idle timeout');
    await eventually(() => c.status.connected, 8000, 'reconnect');
    await expect(c.count(QUEUE)).resolves.toBe(0);
  });

  test('unreachable at start: disconnected, commands fail fast, then connects when the router comes up', async () => {
    const { client: c, sim: s } = await setup({}, {}, (s0) => s0.setReachable(false));
    await eventually(() => statuses.includes('disconnected'), 3000, 'first failed attempt');
    expect(c.status.connected).toBe(false);
    const err = (await rejection(c.print(QUEUE))) as RouterError;
    expect(err.code).toBe('ROUTER_UNREACHABLE');
    expect(s.stats.commands).toBe(0); // failed fast, nothing was sent
    s.setReachable(true);
    expect(await c.waitConnected(3000)).toBe(true);
    await expect(c.print(QUEUE)).resolves.toEqual([]);
  });

  test('router reboot → reconnects, and the reconnect is announced', async () => {
    const { client: c, sim: s } = await connected();
    await s.reboot({ downMs: 150 });
    await eventually(
      () => c.status.connected && statuses.filter((x) => x === 'connected').length === 2,
      5000,
      'reconnect',
    );
    expect(statuses).toContain('disconnected');
    await expect(c.count(QUEUE)).resolves.toBe(0);
  });

  test('wrong password → ROUTER_LOGIN_FAILED, retried with growing backoff (no storm)', async () => {
    const log = captureLogger();
    const { client: c } = await setup(
      { users: [{ name: 'admin', password: 'right' }] },
      { password: 'wrong', logger: log, random: () => 1, reconnect: { minMs: 10, maxMs: 80 } },
    );
    const delays = (): number[] =>
      log.lines
        .filter((l) => l.msg === 'router reconnect scheduled')
        .map((l) => (l.obj as { delayMs: number }).delayMs);
    await eventually(() => delays().length >= 6, 5000, 'several attempts');
    expect(c.status.lastErrorCode).toBe('ROUTER_LOGIN_FAILED');
    expect(c.status.connected).toBe(false);
    expect(delays().slice(0, 6)).toEqual([10, 20, 40, 80, 80, 80]);
    expect(log.text()).not.toContain('wrong');
  });

  test('challenge (pre-6.43) login works', async () => {
    const { client: c } = await setup(
      { loginMode: 'challenge', users: [{ name: 'admin', password: 'passTest' }] },
      { password: 'passTest' },
    );
    expect(await c.waitConnected(3000)).toBe(true);
    await expect(c.count(QUEUE)).resolves.toBe(0);
  });
});

test('pipelining: 500 adds at 20 ms latency share one socket, many in flight at once', async () => {
  const { client: c, sim: s } = await setup({ latencyMs: 20 });
  await c.waitConnected(3000);
  const ids = await Promise.all(
    Array.from({ length: 500 }, (_, i) =>
      c.add(QUEUE, { name: `pn-${i}`, target: `10.5.${50 + (i >> 8)}.${i & 255}/32` }),
    ),
  );
  expect(new Set(ids).size).toBe(500);
  expect(s.rows(QUEUE)).toHaveLength(500);
  expect(s.stats.commandsByPath['/queue/simple/add']).toBe(500);
  expect(s.stats.connections).toBe(1);
  // DEFAULT_MAX_IN_FLIGHT (64) commands outstanding at once → ~8 latency periods instead of 500, never more.
  expect(c.maxInFlightObserved).toBe(DEFAULT_MAX_IN_FLIGHT);
});
