/**
 * Broken packets: wrong lengths, truncated attributes, duplicate or short Message-Authenticators, packets cut at
 * every byte and fuzzed bytes. The decoder must throw RadiusError (MALFORMED where the bytes are broken) and
 * never anything else.
 */
import {
  attr,
  CODES,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  RadiusError,
} from '../../src/radius/packet';
import { expectOnlyRadiusErrors, expectRadiusError, md5, prng, SECRET } from './assertions';

describe('malformed packets', () => {
  const good = encodeRequest(
    'Accounting-Request',
    1,
    [
      ['User-Name', 'v1'],
      ['Mikrotik-Rate-Limit', '1M/2M'],
      ['Acct-Status-Type', 'Stop'],
    ],
    SECRET,
    { messageAuthenticator: true },
  );
  const withLength = (b: Buffer, n: number): Buffer => {
    const copy = Buffer.from(b);
    copy.writeUInt16BE(n, 2);
    return copy;
  };

  it.each<[string, Buffer, RegExp]>([
    ['shorter than a header', good.subarray(0, 19), /shorter than a RADIUS header/],
    ['a Length under 20', withLength(good, 19), /Length field 19/],
    ['a Length over 4096', withLength(Buffer.concat([good, Buffer.alloc(4100)]), 4097), /Length field 4097/],
    ['a Length past the bytes that arrived', withLength(good, good.length + 1), /only \d+ arrived/],
    ['an unknown code', Buffer.concat([Buffer.from([12]), good.subarray(1)]), /code 12/],
    ['an attribute of length 0', Buffer.concat([good.subarray(0, 38), Buffer.from([1, 0])]), /length 0/],
    ['an attribute of length 1', Buffer.concat([good.subarray(0, 38), Buffer.from([1, 1])]), /length 1/],
    [
      'an attribute cut after its type',
      withLength(Buffer.concat([good, Buffer.from([1])]), good.length + 1),
      /cut off/,
    ],
  ])('%s', (_, bytes, message) => {
    const fixed =
      bytes.length >= 4 && bytes.readUInt16BE(2) === good.length ? withLength(bytes, bytes.length) : bytes;
    expectRadiusError(() => decodeRequest(fixed, SECRET), 'MALFORMED', message);
  });

  it('two Message-Authenticators, or one of the wrong size', () => {
    const two = Buffer.concat([good, good.subarray(20, 38)]);
    expectRadiusError(
      () => decodeRequest(resign(withLength(two, two.length)), SECRET),
      'MALFORMED',
      /2 Message-Auth/,
    );
    const short = Buffer.concat([good.subarray(0, 20), Buffer.from([80, 6, 1, 2, 3, 4])]);
    expectRadiusError(
      () => decodeRequest(resign(withLength(short, short.length)), SECRET),
      'MALFORMED',
      /4 bytes/,
    );
  });

  it('bytes past the Length field are padding and ignored (RFC 2865 3)', () => {
    const padded = Buffer.concat([good, Buffer.from([1, 2, 3])]);
    expect(attr(decodeRequest(padded, SECRET), 'User-Name')).toBe('v1');
  });

  it('cut at every byte, with and without the Length field fixed: only RadiusError, never a crash', () => {
    const access = encodeRequest(
      'Access-Request',
      2,
      [
        ['User-Name', 'v1'],
        ['User-Password', 'pw'],
        ['Mikrotik-Group', 'g'],
      ],
      SECRET,
    );
    for (const whole of [good, access]) {
      for (let n = 0; n < whole.length; n++) {
        const cut = whole.subarray(0, n);
        expect(() => decodeRequest(cut, SECRET)).toThrow(RadiusError);
        if (n >= 4) expectOnlyRadiusErrors(() => decodeRequest(withLength(cut, n), SECRET));
      }
    }
    const req = decodeRequest(access, SECRET);
    const accept = encodeResponse(
      'Access-Accept',
      req,
      [
        ['Mikrotik-Rate-Limit', '1M/2M'],
        ['Class', Buffer.from('c')],
      ],
      SECRET,
    );
    for (let n = 0; n < accept.length; n++) {
      expect(() => decodeResponse(accept.subarray(0, n), req, SECRET)).toThrow(RadiusError);
      if (n >= 4)
        expectOnlyRadiusErrors(() => decodeResponse(withLength(accept.subarray(0, n), n), req, SECRET));
    }
  });

  it('fuzzed bytes: random changes and random garbage only ever throw RadiusError', () => {
    const next = prng(2865);
    const codes = Object.values(CODES);
    for (let round = 0; round < 5000; round++) {
      const bytes = Buffer.from(good);
      for (let k = 1 + (next() % 4); k > 0; k--) bytes[next() % bytes.length] = next() & 0xff;
      expectOnlyRadiusErrors(() => decodeRequest(bytes, SECRET));
      const garbage = Buffer.from(Array.from({ length: 20 + (next() % 60) }, () => next() & 0xff));
      garbage[0] = codes[next() % codes.length];
      garbage.writeUInt16BE(garbage.length, 2);
      expectOnlyRadiusErrors(() => decodeRequest(garbage, SECRET));
      expectOnlyRadiusErrors(() =>
        decodeResponse(garbage, { ...decodeRequest(good, SECRET), identifier: garbage[1] }, SECRET),
      );
    }
  });

  /** Recomputes the accounting authenticator so only the Message-Authenticator rules are tested. */
  function resign(bytes: Buffer): Buffer {
    const copy = Buffer.from(bytes);
    copy.fill(0, 4, 20);
    md5(copy, Buffer.from(SECRET)).copy(copy, 4);
    return copy;
  }
});
