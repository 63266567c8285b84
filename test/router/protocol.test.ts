/**
 * The node-routeros patch, seen through the client, against a scripted peer (fake-router.ts). jest fails
 * the running test on any uncaught exception from a socket callback, so each test passing also shows that
 * the reply in question no longer kills the process (crash.test.ts proves it in a plain Node process).
 */
import { createHash } from 'node:crypto';
import { RouterError } from '../../src/domain/errors';
import { createRouterClient, type HardenedRouterClient } from '../../src/router';
import { encode, FakeRouter } from './fake-router';
import { captureLogger, eventually, rejection, sleep } from './helpers';

let router: FakeRouter;
let client: HardenedRouterClient;
let log: ReturnType<typeof captureLogger>;

async function connect(extra: Partial<Parameters<typeof createRouterClient>[0]> = {}): Promise<void> {
  const port = await router.start();
  log = captureLogger();
  client = createRouterClient({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: 's3cret-pw',
    tls: false,
    timeoutSeconds: 2,
    logger: log,
    reconnect: { minMs: 20, maxMs: 100 },
    ...extra,
  });
  await client.start();
  expect(await client.waitConnected(3000)).toBe(true);
}

beforeEach(() => {
  router = new FakeRouter();
});

afterEach(async () => {
  await client?.stop();
  await router.stop();
});

const tagOf = (tag: string | undefined): string[] => (tag === undefined ? [] : [`.tag=${tag}`]);

test('!empty before !done resolves an empty print to []', async () => {
  await connect();
  router.handlers.set('/queue/simple/print', (_w, tag) => [
    ['!empty', ...tagOf(tag)],
    ['!done', ...tagOf(tag)],
  ]);
  await expect(client.print('/queue/simple', { proplist: ['name'] })).resolves.toEqual([]);
  // and the connection is still good for the next command
  router.handlers.set('/queue/simple/print', (_w, tag) => [
    ['!re', ...tagOf(tag), '=name=a'],
    ['!done', ...tagOf(tag)],
  ]);
  await expect(client.print('/queue/simple')).resolves.toEqual([{ name: 'a' }]);
});

test('a trap keeps message and category; several traps report the first', async () => {
  await connect();
  router.handlers.set('/foo/bar', (_w, tag) => [
    ['!trap', ...tagOf(tag), '=category=0', '=message=no such command or directory (bar)'],
    ['!trap', ...tagOf(tag), '=message=no such command prefix'],
    ['!done', ...tagOf(tag)],
  ]);
  const err = (await rejection(client.command('/foo/bar'))) as RouterError;
  expect(err).toBeInstanceOf(RouterError);
  expect(err.code).toBe('ROUTER_TRAP');
  expect(err.routerMessage).toBe('no such command or directory (bar)');
  expect(err.category).toBe(0);
  expect(err.command).toBe('/foo/bar');
  expect(client.status.connected).toBe(true);
});

test('a tagged reply after !done is dropped and the next command works', async () => {
  await connect();
  router.handlers.set('/system/clock/print', (_w, tag) => [
    ['!done', ...tagOf(tag)],
    ['!re', ...tagOf(tag), '=late=yes'],
    ['!done', ...tagOf(tag)],
  ]);
  await expect(client.command('/system/clock/print')).resolves.toEqual([]);
  router.send([
    ['!re', '.tag=nobody-asked', '=x=1'],
    ['!done', '.tag=nobody-asked'],
  ]);
  await sleep(50);
  await expect(client.command('/system/identity/print')).resolves.toEqual([]);
  expect(client.status.connected).toBe(true);
});

test('an unknown reply word rejects that command only', async () => {
  await connect();
  router.handlers.set('/weird', (_w, tag) => [
    ['!surprise', ...tagOf(tag), '=a=1'],
    ['!done', ...tagOf(tag)],
  ]);
  const err = (await rejection(client.command('/weird'))) as RouterError;
  expect(err.code).toBe('ROUTER_TRAP');
  expect(err.message).toContain('!surprise');
  await expect(client.command('/system/identity/print')).resolves.toEqual([]);
});

test('a socket dropped mid-command rejects at once (not after the timeout) and reconnects', async () => {
  await connect({ timeoutSeconds: 30 });
  const statuses: string[] = [];
  client.onStatus((s) => statuses.push(s.state));
  router.handlers.set('/slow', (_w, _tag, socket) => {
    setTimeout(() => socket.destroy(), 20);
    return undefined;
  });
  const err = (await rejection(client.command('/slow'))) as RouterError;
  expect(err.code).toBe('ROUTER_UNREACHABLE');
  await eventually(() => client.status.connected, 3000, 'reconnect');
  expect(statuses).toEqual(['disconnected', 'connecting', 'connected']);
  expect(router.logins).toBe(2);
});

test('!fatal rejects pending commands with ROUTER_FATAL and its reason', async () => {
  await connect();
  router.handlers.set('/hang', () => undefined);
  const pending = rejection(client.command('/hang'));
  await sleep(20);
  router.send([['!fatal', 'session terminated on request']]);
  router.dropAll();
  const err = (await pending) as RouterError;
  expect(err.code).toBe('ROUTER_FATAL');
  expect(err.routerMessage).toBe('session terminated on request');
  await eventually(() => client.status.connected, 3000, 'reconnect');
});

test('commands are pipelined up to maxInFlight on one socket', async () => {
  await connect({ maxInFlight: 8 });
  let open = 0;
  let maxOpen = 0;
  router.handlers.set('/queue/simple/add', (_w, tag, socket) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    setTimeout(() => {
      open--;
      socket.write(encode([['!done', ...tagOf(tag), '=ret=*1']]));
    }, 10);
    return undefined;
  });
  const ids = await Promise.all(
    Array.from({ length: 40 }, (_, i) => client.add('/queue/simple', { name: `q${i}` })),
  );
  expect(ids).toHaveLength(40);
  expect(ids.every((id) => id === '*1')).toBe(true);
  expect(maxOpen).toBe(8); // the router saw 8 commands outstanding at once, never more
  expect(client.maxInFlightObserved).toBe(8);
  expect(router.logins).toBe(1);
});

test('the password never appears in logs', async () => {
  await connect();
  await client.stop();
  expect(log.lines.length).toBeGreaterThan(0);
  expect(log.text()).not.toContain('s3cret-pw');
});

test('idle timeout with nothing in flight (keepalive off): no crash, reconnects, still usable', async () => {
  await connect({ timeoutSeconds: 1, keepalive: false });
  const statuses: string[] = [];
  client.onStatus((s) => statuses.push(s.state));
  await eventually(() => statuses.includes('disconnected'), 3000, 'idle timeout');
  expect(client.status.lastError).toMatch(/Timed out after 1 seconds/);
  await eventually(() => client.status.connected, 3000, 'reconnect');
  await expect(client.command('/system/identity/print')).resolves.toEqual([]);
  expect(router.logins).toBeGreaterThanOrEqual(2);
});

test('keepalive probes (`#`) keep an idle connection open', async () => {
  await connect({ timeoutSeconds: 1 });
  const statuses: string[] = [];
  client.onStatus((s) => statuses.push(s.state));
  await sleep(1800);
  expect(statuses).toEqual([]);
  expect(router.logins).toBe(1);
  expect(router.received.filter((w) => w[0] === '#').length).toBeGreaterThanOrEqual(2);
});

test('rows that repeat names and values in changing orders, and near-misses, are read word for word', async () => {
  await connect();
  const rows: Array<Array<[string, string]>> = [
    [
      ['.id', '*1'],
      ['name', 'q1'],
      ['rate', '100'],
      ['disabled', 'false'],
    ],
    [
      ['.id', '*2'],
      ['name', 'q1'],
      ['rate', '10'],
      ['disabled', 'false'],
    ], // a shorter value
    [
      ['.id', '*3'],
      ['name', 'q12'],
      ['rate', '1000'],
      ['disabled', 'true'],
    ], // longer values
    [
      ['.id', '*4'],
      ['name-x', 'q1'],
      ['rate', ''],
      ['disabled', 'false'],
    ], // a name that extends one
    [
      ['name', 'first'],
      ['.id', '*5'],
      ['dis', 'abled=x=y'],
    ], // another order, `=` inside a value
    [
      ['nam', 'e=q1'],
      ['.id', '*6'],
    ], // a shorter name whose value starts like the hint's
  ];
  router.handlers.set('/queue/simple/print', (_w, tag) => [
    ...rows.map((r) => ['!re', ...tagOf(tag), ...r.map(([k, v]) => `=${k}=${v}`)]),
    ['!done', ...tagOf(tag)],
  ]);
  await expect(client.print('/queue/simple')).resolves.toEqual(rows.map((r) => Object.fromEntries(r)));
});

test('texts reused from the last reply of a print are exact: changed, shifted, look-alike, long, win1252, latin1', async () => {
  await connect();
  type Row = Array<[string, string]>;
  const row = (id: number, comment: string, name: string, bytes: string): Row => [
    ['.id', `*${id}`],
    ['comment', comment],
    ['name', name],
    ['bytes', bytes],
  ];
  // Each reply is compared with the last one word by word at the same position: every kind of change.
  const replies: Row[][] = [
    [
      row(1, 'aXXXX-12345678', 'pisonet-02:06:00:00:0D:9E', '10/20'),
      row(2, 'x'.repeat(200), 'caf\xe9', '11/21'), // longer than the texts kept; latin1 é
      row(3, 'price \x80 5', 'odd', ''), // win1252 €
    ],
    [
      row(1, 'aYXXX-12345678', 'pisonet-02:06:00:00:0D:9E', '10/20'), // one byte changed, same length
      row(2, 'x'.repeat(200), 'caf\xe9', '11/22'),
      row(3, 'price \x80 5', 'odd', '1/1'),
    ],
    [
      row(9, 'new first row', 'pisonet-02:06:00:00:00:01', '0/0'), // everything below moves by a row
      row(1, 'aYXXX-12345678', 'pisonet-02:06:00:00:0D:9E', '10/20'),
      row(2, 'x'.repeat(199) + 'y', 'caf\xe9', '11/22'),
      row(3, 'price \x81 5', 'odd\x80', '1/1'), // the same bytes but one, in the win1252 range
    ],
    [row(2, 'x'.repeat(199) + 'y', 'caf', '11/22')], // rows gone, a shorter value
    [],
    [row(2, 'x'.repeat(199) + 'y', 'cafe', '11/22')],
  ];
  // What the words decode to: latin1, except win1252's € for 0x80 and U+FFFD for 0x81, which it lacks.
  const decoded = (r: Row): Record<string, string> =>
    Object.fromEntries(r.map(([k, v]) => [k, v.replace('\x80', '€').replace('\x81', '\ufffd')]));
  let reply: Row[] = [];
  router.handlers.set('/queue/simple/print', (_w, tag) => [
    ...reply.map((r) => ['!re', ...tagOf(tag), ...r.map(([k, v]) => `=${k}=${v}`)]),
    ['!done', ...tagOf(tag)],
  ]);
  for (const r of replies) {
    reply = r;
    for (let i = 0; i < 2; i++) await expect(client.print('/queue/simple')).resolves.toEqual(r.map(decoded));
  }
  // A print with a query, and the same print twice at once with different replies, read their own rows.
  let n = 0;
  router.handlers.set('/queue/simple/print', (w, tag) => {
    const rows = w.some((x) => x.startsWith('?'))
      ? [row(5, 'queried', 'q', '5/5')]
      : [row(++n, `c${n}`, 'same', '1/2')];
    return [
      ...rows.map((r) => ['!re', ...tagOf(tag), ...r.map(([k, v]) => `=${k}=${v}`)]),
      ['!done', ...tagOf(tag)],
    ];
  });
  const [a, b, q] = await Promise.all([
    client.print('/queue/simple'),
    client.print('/queue/simple'),
    client.print('/queue/simple', { query: ['name=q'] }),
  ]);
  expect([a[0]?.comment, b[0]?.comment].sort()).toEqual(['c1', 'c2']);
  expect(q).toEqual([decoded(row(5, 'queried', 'q', '5/5'))]);
  await expect(client.print('/queue/simple')).resolves.toEqual([decoded(row(3, 'c3', 'same', '1/2'))]);
});

test("the client's win1252 table gives what iconv-lite's win1252 codec gave, for every character and every byte", () => {
  const ours = require('node-routeros/dist/connector/win1252') as {
    encode(s: string): Buffer;
    decode(b: Uint8Array): string;
  };
  const iconv = require('iconv-lite') as {
    encode(s: string, e: string): Buffer;
    decode(b: Buffer, e: string): string;
  };
  const differ: string[] = [];
  for (let c = 0; c < 0x10000; c++) {
    const s = String.fromCharCode(c);
    if (!ours.encode(s).equals(iconv.encode(s, 'win1252'))) differ.push(`U+${c.toString(16)}`);
  }
  for (let b = 0; b < 256; b++) {
    const bytes = Buffer.from([b]);
    if (ours.decode(bytes) !== iconv.decode(bytes, 'win1252')) differ.push(`0x${b.toString(16)}`);
  }
  expect(differ).toEqual([]);
  const text = 'Café €5 — “Ñoño’s” \u{1F600} ok';
  expect(ours.encode(text)).toEqual(iconv.encode(text, 'win1252'));
  const all = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i % 256));
  expect(ours.decode(all)).toBe(iconv.decode(all, 'win1252'));
});

test('replies split anywhere between reads (inside a length prefix, inside a word, words longer than a read) are read whole', async () => {
  await connect();
  // Words of every length-prefix size the rows need: 1 byte (< 0x80), 2 bytes (< 0x4000) and 3 bytes,
  // one of them longer than the client's 64 KiB read buffer.
  const win1252 = require('node-routeros/dist/connector/win1252') as { encode(s: string): Buffer };
  const encodeWord = (w: string): Buffer => {
    const b = win1252.encode(w);
    const n = b.length;
    const prefix =
      n < 0x80
        ? [n]
        : n < 0x4000
          ? [0x80 | (n >> 8), n & 0xff]
          : [0xc0 | (n >> 16), (n >> 8) & 0xff, n & 0xff];
    return Buffer.concat([Buffer.from(prefix), b]);
  };
  const rows = [
    { '.id': '*1', name: 'short', comment: 'x'.repeat(0x90) },
    { '.id': '*2', name: 'long', comment: 'y'.repeat(0x4100) },
    { '.id': '*3', name: 'longer-than-a-read', comment: 'z'.repeat(70_000) + 'é€' },
    { '.id': '*4', name: 'last', comment: '' },
  ];
  let cutsAt: (words: Buffer[]) => number[] = () => [];
  router.handlers.set('/queue/simple/print', (_w, tag, socket) => {
    const sentences = [
      ...rows.map((r) => ['!re', ...tagOf(tag), ...Object.entries(r).map(([k, v]) => `=${k}=${v}`)]),
      ['!done', ...tagOf(tag)],
    ];
    const words: Buffer[] = [];
    for (const s of sentences) words.push(...s.map(encodeWord), Buffer.from([0]));
    const bytes = Buffer.concat(words);
    const cuts = [...new Set(cutsAt(words))].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b);
    // Each piece a read of its own; the keepalive's answer waits for the last (a slow machine sends one).
    router.stream(socket, bytes, cuts);
    return undefined;
  });
  // Long comments compared by length and digest, so that a failure prints something readable.
  const brief = (got: Array<Record<string, string>>): Array<Record<string, string>> =>
    got.map((r) => ({
      ...r,
      comment: `${r.comment.length}:${createHash('sha1').update(r.comment).digest('hex')}`,
    }));
  const expected = brief(rows);
  // Cut inside every length prefix (after its first byte) and in the middle of every word.
  cutsAt = (words) => {
    const cuts: number[] = [];
    let at = 0;
    for (const w of words) {
      cuts.push(at + 1, at + Math.floor(w.length / 2));
      at += w.length;
    }
    return cuts;
  };
  expect(brief(await client.print('/queue/simple'))).toEqual(expected);
  // Again (the second reply is read against the first one's remembered texts), cut at every word's end.
  cutsAt = (words) => {
    const cuts: number[] = [];
    let at = 0;
    for (const w of words) cuts.push((at += w.length));
    return cuts;
  };
  expect(brief(await client.print('/queue/simple'))).toEqual(expected);
  // And once in one write: the long word still arrives over several reads.
  cutsAt = () => [];
  expect(brief(await client.print('/queue/simple'))).toEqual(expected);
});
