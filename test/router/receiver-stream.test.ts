/**
 * The patched node-routeros Receiver (patches/node-routeros+1.6.9.patch, dist/connector/Receiver.js) fed the
 * API's byte stream directly: no socket, no timers. Each stream is fed whole, cut in two at every byte, byte by
 * byte, and in three at seeded random places; the readers must get the same sentences every time, and the ones
 * written out here. The first describe holds what any reader of the wire must do; the last one the patch's speed
 * parts (lent rows, the reused read buffer, remembered prints), so it can be deleted together with them.
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { isDeepStrictEqual } from 'node:util';
import { Receiver } from 'node-routeros/dist/connector/Receiver';

type Attrs = Record<string, string | undefined>;
type ReadCallback = (packet: string[], attrs?: Attrs) => void;

/** The patched Receiver as the patched Connector calls it (the package's own typings predate the patch). */
interface PatchedReceiver {
  read(
    tag: string,
    callback: ReadCallback,
    onAbort?: () => void,
    memoKey?: string,
    lendsRows?: boolean,
  ): void;
  stop(tag: string): void;
  processRawData(data: Buffer): void;
  fatalReason?: string;
}
const newReceiver = (socket: EventEmitter): PatchedReceiver =>
  new (Receiver as unknown as new (socket: EventEmitter) => PatchedReceiver)(socket);

// ---- The wire format, written out independently of the library ----

/** API text is win1252: these characters are its bytes 0x80-0x9F; any other character here is its latin1 byte. */
const WIN1252_HIGH: Record<string, number> = { '€': 0x80, '’': 0x92, '—': 0x97, '™': 0x99 };

function bytesOf(text: string): Buffer {
  const out = Buffer.from(text, 'latin1');
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) <= 0xff) continue;
    const b = WIN1252_HIGH[text[i]];
    if (b === undefined) throw new Error(`no win1252 byte for ${text[i]} in this test`);
    out[i] = b;
  }
  return out;
}

/** A word's length prefix: 1 byte below 0x80, 2 below 0x4000, 3 below 0x200000, 4 below 0x10000000. */
function lengthPrefix(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x4000) return [0x80 | (n >> 8), n & 0xff];
  if (n < 0x200000) return [0xc0 | (n >> 16), (n >> 8) & 0xff, n & 0xff];
  if (n < 0x10000000) return [0xe0 | (n >>> 24), (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  throw new Error('word too long for this test');
}

/** Sentences on the wire, and where each word (the closing empty one too) starts. */
function wire(sentences: string[][]): { stream: Buffer; wordStarts: number[] } {
  const parts: Buffer[] = [];
  const wordStarts: number[] = [];
  let at = 0;
  const push = (b: Buffer): void => {
    parts.push(b);
    at += b.length;
  };
  for (const sentence of sentences) {
    for (const word of [...sentence, '']) {
      wordStarts.push(at);
      const bytes = bytesOf(word);
      push(Buffer.from(lengthPrefix(bytes.length)));
      push(bytes);
    }
  }
  return { stream: Buffer.concat(parts), wordStarts };
}

// ---- Feeding a Receiver and recording what its readers get ----

type Delivery =
  | { tag: string; reply: string; attrs: Record<string, string>; words: string[] }
  | { fatal: string | undefined };

/** A reader registered at the start, or (`after`) once that tag's `!done` has come, as the next command would be. */
interface Reader {
  tag: string;
  after?: string;
  /** The print it reads for (with FeedOptions.memo); `print <tag>` if not given. */
  memoKey?: string;
}
interface Scenario {
  readers: Reader[];
  sentences: string[][];
}
interface FeedOptions {
  lendsRows?: boolean;
  /** Each reader reads as a remembered print (Reader.memoKey). */
  memo?: boolean;
  /** Each chunk is copied into one 64 KiB buffer, in reads of up to its size, scribbled over after each read. */
  reuseReadBuffer?: boolean;
}

/**
 * A sentence as the readers see it, however the Receiver splits it between the packet and its attributes
 * object: every `=name=value` word (later ones winning) as attributes, the other words beside them. Copied at
 * the callback, as a lent row is emptied after it; a lent row's emptied leftovers (undefined) are not attributes.
 */
function delivered(tag: string, packet: string[], attrs: Attrs | undefined): Delivery {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) if (v !== undefined) all[k] = v;
  const words: string[] = [];
  for (const w of packet.slice(1)) {
    const eq = w.indexOf('=', 1);
    if (w[0] !== '=') words.push(w);
    else if (eq === -1) all[w.slice(1)] = '';
    else all[w.slice(1, eq)] = w.slice(eq + 1);
  }
  return { tag, reply: packet[0], attrs: all, words };
}

/** A new Receiver fed these chunks: each reader's sentences and each `!fatal`, in the order they came. */
function feed(scenario: Scenario, chunks: Buffer[], opts: FeedOptions = {}): Delivery[] {
  const socket = new EventEmitter();
  const receiver = newReceiver(socket);
  const log: Delivery[] = [];
  socket.on('fatal', () => log.push({ fatal: receiver.fatalReason }));
  const register = ({ tag, memoKey }: Reader): void => {
    const callback: ReadCallback = (packet, attrs) => {
      log.push(delivered(tag, packet, attrs));
      if (packet[0] !== '!done') return;
      receiver.stop(tag); // as the library's Channel does at !done
      for (const next of scenario.readers) if (next.after === tag) register(next);
    };
    receiver.read(
      tag,
      callback,
      undefined,
      opts.memo ? (memoKey ?? `print ${tag}`) : undefined,
      opts.lendsRows,
    );
  };
  for (const reader of scenario.readers) if (reader.after === undefined) register(reader);
  const readBuffer = opts.reuseReadBuffer ? Buffer.alloc(65536) : undefined;
  for (const chunk of chunks) {
    if (readBuffer === undefined) {
      receiver.processRawData(chunk);
      continue;
    }
    for (let from = 0; from < chunk.length; from += readBuffer.length) {
      const n = chunk.copy(readBuffer, 0, from, from + readBuffer.length);
      receiver.processRawData(readBuffer.subarray(0, n));
      readBuffer.fill(0xff, 0, n); // a Receiver that kept a view of the read now finds 0xFF bytes in it
    }
  }
  return log;
}

// ---- Ways to cut a stream ----

interface Cut {
  name: string;
  chunks: Buffer[];
}

function* halves(stream: Buffer, offsets: Iterable<number>): Generator<Cut> {
  for (const at of offsets) {
    if (at > 0 && at < stream.length)
      yield { name: `cut at ${at}`, chunks: [stream.subarray(0, at), stream.subarray(at)] };
  }
}

function everyOffset(stream: Buffer): number[] {
  return Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
}

/** Every offset within `radius` of a word's start: inside and around each length prefix, at each word's end. */
function nearWordStarts(wordStarts: number[], radius: number): number[] {
  const at = new Set<number>();
  for (const s of wordStarts) for (let d = -radius; d <= radius; d++) at.add(s + d);
  return [...at].sort((a, b) => a - b);
}

function byteByByte(stream: Buffer): Cut {
  return {
    name: 'byte by byte',
    chunks: Array.from({ length: stream.length }, (_, i) => stream.subarray(i, i + 1)),
  };
}

function inReadsOf(stream: Buffer, size: number): Cut {
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size));
  return { name: `reads of ${size}`, chunks };
}

/** Three chunks at `count` pairs of offsets from a fixed seed (mulberry32), the same on every run. */
function* thirds(stream: Buffer, count: number, seed: number): Generator<Cut> {
  let state = seed >>> 0;
  const random = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < count; i++) {
    const [a, b] = [
      1 + Math.floor(random() * (stream.length - 1)),
      1 + Math.floor(random() * (stream.length - 1)),
    ].sort((x, y) => x - y);
    yield {
      name: `cut at ${a} and ${b}`,
      chunks: [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)],
    };
  }
}

/** Long texts shortened to their ends, length and hash, so a failure report stays readable. */
function brief(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 60) {
    const hash = createHash('sha1').update(value).digest('hex').slice(0, 8);
    return `${value.slice(0, 16)}…${value.slice(-16)} (${value.length} chars, sha1 ${hash})`;
  }
  if (Array.isArray(value)) return value.map(brief);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, brief(v)]));
  }
  return value;
}

/** Where two delivery lists part, the rest left out. */
function firstDifference(got: Delivery[] | { threw: string }, want: Delivery[]): object {
  if (!Array.isArray(got)) return brief(got) as object;
  let i = 0;
  while (i < got.length && i < want.length && isDeepStrictEqual(got[i], want[i])) i++;
  return { delivery: i, got: brief(got[i] ?? 'nothing'), want: brief(want[i] ?? 'nothing') };
}

/** What the readers get from these chunks, or what the Receiver threw. */
function deliveries(scenario: Scenario, chunks: Buffer[], opts: FeedOptions): Delivery[] | { threw: string } {
  try {
    return feed(scenario, chunks, opts);
  } catch (err) {
    // In the client this is thrown inside the socket's data callback: the process would end.
    return { threw: String(err) };
  }
}

/** The cuts whose deliveries differ from `want` (the first few, where they part), for one expect. */
function differingCuts(
  scenario: Scenario,
  cuts: Iterable<Cut>,
  want: Delivery[],
  opts: FeedOptions,
): unknown[] {
  const differ: unknown[] = [];
  let count = 0;
  for (const cut of cuts) {
    const got = deliveries(scenario, cut.chunks, opts);
    if (isDeepStrictEqual(got, want)) continue;
    if (++count <= 3) differ.push({ cut: cut.name, ...firstDifference(got, want) });
  }
  if (count > 3) differ.push(`…and ${count - 3} more cuts`);
  return differ;
}

/** Whole, then at every cut that `cuts` gives: the same as `want` each time. */
function expectAtEveryCut(
  scenario: Scenario,
  want: Delivery[],
  cuts: (stream: Buffer, wordStarts: number[]) => Iterable<Cut>,
  opts: FeedOptions = {},
): void {
  const { stream, wordStarts } = wire(scenario.sentences);
  expect(brief(deliveries(scenario, [stream], opts))).toEqual(brief(want));
  expect(differingCuts(scenario, cuts(stream, wordStarts), want, opts)).toEqual([]);
}

/** Every two-chunk cut, byte by byte, and 200 three-chunk cuts. */
function* allCuts(stream: Buffer): Generator<Cut> {
  yield* halves(stream, everyOffset(stream));
  yield byteByByte(stream);
  yield* thirds(stream, 200, 0x5eed);
}

// ---- The streams ----

const row = (tag: string, attrs: Record<string, string>): Delivery => ({
  tag,
  reply: '!re',
  attrs,
  words: [],
});
const reply = (tag: string, word: string, attrs: Record<string, string> = {}): Delivery => ({
  tag,
  reply: word,
  attrs,
  words: [],
});

/** A 200-byte value: its word has a 2-byte length prefix, which the cuts split too. */
const LONG_NOTE = 'Ñoño’s €20 promo — '.repeat(11).slice(0, 200);

/** Replies of four commands interleaved, `.tag` first, in the middle and last, and replies nobody waits for. */
const REPLIES: Scenario = {
  readers: [{ tag: 'a' }, { tag: 'b' }, { tag: 'c' }, { tag: 'd' }],
  sentences: [
    [
      '!re',
      '.tag=a',
      '=.id=*1',
      '=name=pisonet-0C:9D:92:11:22:33',
      '=comment=Café Niño €5 — Juan’s ™',
      '=rule=a=b',
      '=flag',
      '=empty=',
    ],
    ['!re', '=.id=*2', '.tag=b', '=name=pisonet-0C:9D:92:11:22:34', '=comment=Café', `=note=${LONG_NOTE}`],
    ['!re', '=.id=*3', '=name=pisonet-0C:9D:92:11:22:33', '=comment=Café Niño €5 — Juan’s ™!', '.tag=a'],
    ['!empty', '.tag=c'],
    ['!re', '.tag=b', '=.id=*4', '=names=x', '=nam=y', '=name=first', '=name=last'],
    ['!done', '.tag=c'],
    ['!trap', '=category=2', '.tag=b', '=message=interrupted'],
    ['!trap', '=message=no such command or directory (x)', '.tag=d'],
    ['!re', '.tag=a'],
    ['!done', '.tag=b'],
    ['!trap', '.tag=d', '=message=no such command prefix'],
    ['!re', '.tag=c', '=late=true'],
    ['!re', '=untagged=yes'],
    ['!done', '=ret=*1A', '.tag=a'],
    ['!done', '.tag=nobody'],
    ['!done', '.tag=d'],
  ],
};
const REPLIES_DELIVERED: Delivery[] = [
  row('a', {
    '.id': '*1',
    name: 'pisonet-0C:9D:92:11:22:33',
    comment: 'Café Niño €5 — Juan’s ™',
    rule: 'a=b',
    flag: '',
    empty: '',
  }),
  row('b', { '.id': '*2', name: 'pisonet-0C:9D:92:11:22:34', comment: 'Café', note: LONG_NOTE }),
  row('a', { '.id': '*3', name: 'pisonet-0C:9D:92:11:22:33', comment: 'Café Niño €5 — Juan’s ™!' }),
  reply('c', '!empty'),
  row('b', { '.id': '*4', names: 'x', nam: 'y', name: 'last' }),
  reply('c', '!done'),
  reply('b', '!trap', { category: '2', message: 'interrupted' }),
  reply('d', '!trap', { message: 'no such command or directory (x)' }),
  row('a', {}),
  reply('b', '!done'),
  reply('d', '!trap', { message: 'no such command prefix' }),
  reply('a', '!done', { ret: '*1A' }),
  reply('d', '!done'),
];

/** `!fatal` with its bare reason ends the session: what follows it is not read. */
const FATAL: Scenario = {
  readers: [{ tag: 'a' }],
  sentences: [
    ['!re', '.tag=a', '=name=q1'],
    ['!fatal', 'session terminated on request'],
    ['!done', '.tag=a'],
  ],
};
const FATAL_DELIVERED: Delivery[] = [row('a', { name: 'q1' }), { fatal: 'session terminated on request' }];

/** A text of `n` single-byte characters, win1252 ones among them, ending in a marker a shifted read would lose. */
function filler(n: number, withWin1252: boolean): string {
  const unit = withWin1252
    ? 'abcdefghijklmnopqrstuvwxyz0123456789-é€ñ—'
    : 'abcdefghijklmnopqrstuvwxyz0123456789-éñ';
  return (unit.repeat(Math.ceil(n / unit.length)).slice(0, n - 4) + '|end').slice(-n);
}
/** The attribute word `=v<n>=…` of exactly `n` bytes, and the value it decodes to. */
function sizedWord(n: number, withWin1252: boolean): [word: string, name: string, value: string] {
  const head = `=v${n}=`;
  const value = filler(n - head.length, withWin1252);
  return [head + value, `v${n}`, value];
}
function sizedRow(tag: string, sizes: number[], withWin1252: boolean): [Scenario, Delivery[]] {
  const words = sizes.map((n) => sizedWord(n, withWin1252));
  return [
    {
      readers: [{ tag }],
      sentences: [
        ['!re', `.tag=${tag}`, ...words.map((w) => w[0])],
        ['!done', `.tag=${tag}`],
      ],
    },
    [row(tag, Object.fromEntries(words.map(([, name, value]) => [name, value]))), reply(tag, '!done')],
  ];
}

// Each side of the 1-, 2- and 3-byte prefixes' limits, and the 200- and 20,000-byte words.
const [PREFIXES, PREFIXES_DELIVERED] = sizedRow('p', [0x7f, 0x80, 200, 0x3fff, 0x4000, 20000], true);
// The largest word with a 3-byte prefix and the smallest with a 4-byte one (2 MiB each).
const [LONGEST, LONGEST_DELIVERED] = sizedRow('q', [0x1fffff, 0x200000], false);

describe('Receiver: the API wire format, whole and cut anywhere', () => {
  test('interleaved replies (!re, !empty, !done, !trap) with .tag anywhere, win1252 values: the same at every cut', () => {
    expectAtEveryCut(REPLIES, REPLIES_DELIVERED, allCuts);
  });

  test('!fatal: its bare reason reported once, nothing after it read, at every cut', () => {
    expectAtEveryCut(FATAL, FATAL_DELIVERED, allCuts);
  });

  test('words with 1-, 2- and 3-byte length prefixes (127 to 20,000 bytes), win1252 among them', () => {
    // About 53 KB: every byte would make 53,000 Receivers read it, some seconds; every cut within 8 bytes of a
    // word's start (inside and around every length prefix, at every word's end) and every 97th byte elsewhere.
    expectAtEveryCut(PREFIXES, PREFIXES_DELIVERED, (stream, wordStarts) => [
      ...halves(stream, nearWordStarts(wordStarts, 8)),
      ...halves(
        stream,
        everyOffset(stream).filter((at) => at % 97 === 0),
      ),
      byteByByte(stream),
      ...thirds(stream, 100, 0x1f),
    ]);
  });

  test('a word with a 4-byte length prefix (2 MiB) and the longest with a 3-byte one', () => {
    // 4 MiB: cut only within 6 bytes of each word's start (through every prefix, at every word's end), not at
    // each of its 4 million bytes; also read in 64 KiB reads (as from the socket) and in odd-sized ones.
    expectAtEveryCut(LONGEST, LONGEST_DELIVERED, (stream, wordStarts) => [
      ...halves(stream, nearWordStarts(wordStarts, 6)),
      inReadsOf(stream, 65536),
      inReadsOf(stream, 65521),
      ...thirds(stream, 6, 0x4b),
    ]);
  });
});

// The patch's speed parts: delete this block with them (the Receiver's `lendsRows` and `memoKey` arguments,
// and the Connector's one reused read buffer).
describe('Receiver: the patch speed parts (lent rows, reused read buffer, remembered prints)', () => {
  const speedParts: FeedOptions = { lendsRows: true, memo: true, reuseReadBuffer: true };

  test.each([
    ['interleaved replies', REPLIES, REPLIES_DELIVERED],
    ['!fatal', FATAL, FATAL_DELIVERED],
  ] as const)(
    '%s: the same at every cut with rows lent, prints remembered and one reused read buffer',
    (_, s, want) => {
      expectAtEveryCut(s, [...want], allCuts, speedParts);
    },
  );

  test('long words read through one reused 64 KiB read buffer, cut around every prefix', () => {
    expectAtEveryCut(
      PREFIXES,
      PREFIXES_DELIVERED,
      (stream, wordStarts) => [...halves(stream, nearWordStarts(wordStarts, 8))],
      speedParts,
    );
    expectAtEveryCut(
      LONGEST,
      LONGEST_DELIVERED,
      (stream, wordStarts) => [...halves(stream, nearWordStarts(wordStarts, 3)), inReadsOf(stream, 65536)],
      speedParts,
    );
  });

  test('a lent row: one object per command for its rows with .tag first, emptied after each; never another reply', () => {
    const receiver = newReceiver(new EventEmitter());
    const seen: Array<{ tag: string; reply: string; attrs: Attrs | undefined; copy: Attrs }> = [];
    for (const tag of ['a', 'b']) {
      receiver.read(
        tag,
        (packet, attrs) => seen.push({ tag, reply: packet[0], attrs, copy: { ...attrs } }),
        undefined,
        undefined,
        true,
      );
    }
    receiver.processRawData(
      wire([
        ['!re', '.tag=a', '=name=a1', '=comment=first'],
        ['!re', '.tag=b', '=name=b1'],
        ['!re', '.tag=a', '=name=a2'],
        ['!re', '.tag=b', '=name=b2'],
        ['!re', '=name=a3', '.tag=a'],
        ['!trap', '.tag=b', '=message=odd'],
        ['!done', '.tag=a', '=ret=x'],
      ]).stream,
    );
    const [a1, b1, a2, b2, a3, trap, done] = seen;
    expect(seen.map((s) => s.copy)).toEqual([
      { name: 'a1', comment: 'first' },
      { name: 'b1' },
      { name: 'a2', comment: undefined },
      { name: 'b2' },
      { name: 'a3' },
      { message: 'odd' },
      { ret: 'x' },
    ]);
    expect(a2.attrs).toBe(a1.attrs);
    expect(b2.attrs).toBe(b1.attrs);
    expect(b1.attrs).not.toBe(a1.attrs);
    expect(a1.attrs).toEqual({ name: undefined, comment: undefined });
    // With .tag last the row's reader is unknown until its end: a new object. A trap's or !done's never lent.
    expect([a3.attrs, trap.attrs, done.attrs].filter((o) => o === a1.attrs || o === b1.attrs)).toEqual([]);
  });

  test("a remembered print's next reply gives its own values where the bytes changed, at every cut", () => {
    const scenario: Scenario = {
      readers: [
        { tag: 'p1', memoKey: '/queue/simple/print' },
        { tag: 'p2', after: 'p1', memoKey: '/queue/simple/print' },
      ],
      sentences: [
        ['!re', '.tag=p1', '=name=q1', '=bytes=100/200', '=comment=Café'],
        ['!re', '.tag=p1', '=name=q2', '=bytes=5/6', '=comment=x'],
        ['!done', '.tag=p1'],
        ['!re', '.tag=p2', '=name=q1', '=bytes=101/200', '=comment=Caf€'],
        ['!re', '.tag=p2', '=name=q3', '=bytes=5/6', '=comment=x!'],
        ['!done', '.tag=p2'],
      ],
    };
    const want = [
      row('p1', { name: 'q1', bytes: '100/200', comment: 'Café' }),
      row('p1', { name: 'q2', bytes: '5/6', comment: 'x' }),
      reply('p1', '!done'),
      row('p2', { name: 'q1', bytes: '101/200', comment: 'Caf€' }),
      row('p2', { name: 'q3', bytes: '5/6', comment: 'x!' }),
      reply('p2', '!done'),
    ];
    // Both replies are read as the one print, the second compared with the first by position.
    expectAtEveryCut(scenario, want, allCuts, speedParts);
  });
});
