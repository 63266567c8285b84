import {
  decodeLength,
  encodeLength,
  encodeLengthBuffer,
  encodeSentence,
  SentenceDecoder,
  WireError,
} from '../../src/simulator/wire';

describe('length prefixes (docs/routeros.md "Word lengths")', () => {
  const cases: [number, number[]][] = [
    [0, [0x00]],
    [0x7f, [0x7f]],
    [0x80, [0x80, 0x80]],
    [0x3fff, [0xbf, 0xff]],
    [0x4000, [0xc0, 0x40, 0x00]],
    [0x1fffff, [0xdf, 0xff, 0xff]],
    [0x200000, [0xe0, 0x20, 0x00, 0x00]],
    [0xfffffff, [0xef, 0xff, 0xff, 0xff]],
    [0x10000000, [0xf0, 0x10, 0x00, 0x00, 0x00]],
    [0xffffffff, [0xf0, 0xff, 0xff, 0xff, 0xff]],
  ];
  it.each(cases)('encodes and decodes %i', (len, bytes) => {
    const buf = encodeLengthBuffer(len);
    expect([...buf]).toEqual(bytes);
    expect(decodeLength(buf, 0)).toEqual({ length: len, size: bytes.length });
    expect(encodeLength(len).length).toBe(bytes.length);
  });

  it('reports an incomplete prefix as null and rejects control bytes', () => {
    expect(decodeLength(Buffer.from([0xc0, 0x40]), 0)).toBeNull();
    expect(() => decodeLength(Buffer.from([0xf8]), 0)).toThrow(WireError);
  });
});

describe('SentenceDecoder', () => {
  const long = 'x'.repeat(0x4000 + 5); // needs the 3-byte prefix
  const mid = 'y'.repeat(200); // 2-byte prefix
  const sentences = [
    ['/login', '=name=admin', '=password=é'],
    ['/queue/simple/print', `=comment=${mid}`, '.tag=7'],
    ['!re', `=comment=${long}`],
  ];
  const wire = Buffer.concat([...sentences.map((s) => encodeSentence(s)), Buffer.from([0])]); // + empty sentence

  it('decodes a stream split at every single byte', () => {
    const d = new SentenceDecoder();
    const got: string[][] = [];
    for (let i = 0; i < wire.length; i++) got.push(...d.push(wire.subarray(i, i + 1)));
    expect(got).toEqual(sentences);
    expect(d.pending).toBe(false);
  });

  it('decodes a stream split into two parts at every position', () => {
    const small = Buffer.concat(sentences.slice(0, 2).map((s) => encodeSentence(s)));
    for (let cut = 0; cut <= small.length; cut++) {
      const d = new SentenceDecoder();
      const got = [...d.push(small.subarray(0, cut)), ...d.push(small.subarray(cut))];
      expect(got).toEqual(sentences.slice(0, 2));
    }
  });

  it('treats words as latin1 bytes: é is one byte', () => {
    const buf = encodeSentence(['=x=é']);
    expect(buf.length).toBe(1 + 4 + 1);
    expect(buf[4]).toBe(0xe9);
  });

  it('ignores empty sentences', () => {
    expect(new SentenceDecoder().push(Buffer.from([0, 0, 0]))).toEqual([]);
  });
});
