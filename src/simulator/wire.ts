/**
 * RouterOS API wire format (docs/routeros.md "The API protocol"): a sentence is a list of words, each word is
 * a length prefix plus bytes, and a zero-length word ends the sentence. Pure functions, no sockets: also used
 * by other code to count bytes.
 *
 * Words are handled as latin1 strings (one char = one byte). node-routeros encodes words as win1252, which
 * agrees with latin1 except for 0x80–0x9F; treating the wire as bytes means whatever the client sent comes
 * back byte-for-byte, and a length always counts bytes (`é` = one byte).
 */

/**
 * Length prefix for a word of `len` bytes, as a latin1 string (all five forms of
 * docs/routeros.md "Word lengths").
 */
export function encodeLength(len: number): string {
  if (len < 0x80) return String.fromCharCode(len);
  if (len < 0x4000) return bytes((len | 0x8000) >>> 0, 2);
  if (len < 0x200000) return bytes((len | 0xc00000) >>> 0, 3);
  if (len < 0x10000000) return bytes((len | 0xe0000000) >>> 0, 4);
  // Five-byte form: the docs say only up to four bytes are used in practice, but node-routeros decodes it.
  return String.fromCharCode(0xf0) + bytes(len >>> 0, 4);
}

function bytes(value: number, count: number): string {
  let out = '';
  for (let i = count - 1; i >= 0; i--) out += String.fromCharCode(Math.floor(value / 2 ** (8 * i)) & 0xff);
  return out;
}

export function encodeLengthBuffer(len: number): Buffer {
  return Buffer.from(encodeLength(len), 'latin1');
}

/**
 * Decode a length prefix at `offset`. Returns null when the prefix is not complete yet.
 * Throws on a reserved control byte (≥0xF8).
 */
export function decodeLength(buf: Buffer, offset: number): { length: number; size: number } | null {
  if (offset >= buf.length) return null;
  const b = buf[offset];
  if (b < 0x80) return { length: b, size: 1 };
  if (b > 0xf0) throw new WireError(`reserved control byte 0x${b.toString(16)}`);
  // Leading 1-bits give the prefix size: 10xxxxxx = 2, 110xxxxx = 3, 1110xxxx = 4, 0xF0 = 5 bytes.
  const size = b < 0xc0 ? 2 : b < 0xe0 ? 3 : b < 0xf0 ? 4 : 5;
  let value = size === 5 ? 0 : b & (0xff >> size);
  if (offset + size > buf.length) return null;
  for (let i = 1; i < size; i++) value = value * 256 + buf[offset + i];
  return { length: value, size };
}

/** One sentence as a latin1 string: every word with its prefix, then the terminating empty word. */
export function encodeSentenceString(words: readonly string[]): string {
  let out = '';
  for (const w of words) out += encodeLength(w.length) + w;
  return out + '\0';
}

export function encodeSentence(words: readonly string[]): Buffer {
  return Buffer.from(encodeSentenceString(words), 'latin1');
}

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

/**
 * Streaming decoder: feed it TCP chunks of any size (prefixes may split across reads) and it returns the
 * complete sentences. Empty sentences (a lone zero-length word) are dropped, as RouterOS ignores them.
 */
export class SentenceDecoder {
  private buf: Buffer = Buffer.alloc(0);
  private words: string[] = [];

  /** @param maxWordBytes refuse absurd word lengths instead of buffering forever. */
  constructor(private readonly maxWordBytes = 64 * 1024 * 1024) {}

  push(chunk: Buffer): string[][] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: string[][] = [];
    let pos = 0;
    for (;;) {
      const len = decodeLength(this.buf, pos);
      if (!len) break;
      if (len.length > this.maxWordBytes) throw new WireError(`word too long: ${len.length} bytes`);
      if (pos + len.size + len.length > this.buf.length) break;
      const start = pos + len.size;
      pos = start + len.length;
      if (len.length === 0) {
        if (this.words.length > 0) out.push(this.words);
        this.words = [];
      } else {
        this.words.push(this.buf.toString('latin1', start, pos));
      }
    }
    this.buf = pos >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
    return out;
  }

  /** True when a partial sentence or word is buffered. */
  get pending(): boolean {
    return this.buf.length > 0 || this.words.length > 0;
  }
}

