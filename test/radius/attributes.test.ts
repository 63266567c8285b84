/**
 * Attributes through whole packets: every dictionary attribute round-trips in every request and reply, value
 * names, gigaword-sized counters, Vendor-Specific with several sub-attributes, unknown and invalid attributes
 * kept raw, and bad values refused with BAD_VALUE.
 */
import { ATTRIBUTES, type AttrDef } from '../../src/radius/dictionary';
import {
  attr,
  attrs,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  fromGigawords,
  toGigawords,
  type Attribute,
  type RadiusPacket,
} from '../../src/radius/packet';
import { expectRadiusError, md5, SECRET } from './assertions';

function sampleValue(def: AttrDef): Attribute[1] {
  switch (def.type) {
    case 'string':
      return `${def.name}-ü`;
    case 'octets':
      return Buffer.from([def.code, 0, 255, 7]);
    case 'integer':
      return def.values ? Object.keys(def.values)[1] : 4_000_000_000;
    case 'ipaddr':
      return '10.5.50.11';
    case 'date':
      return 1_700_000_000;
  }
}

const EVERY_ATTRIBUTE: Attribute[] = ATTRIBUTES.filter(
  (d) => d.name !== 'User-Password' && d.name !== 'Message-Authenticator',
).map((d) => [d.name, sampleValue(d)]);

const withoutMA = (p: RadiusPacket): Attribute[] =>
  p.attributes.filter(([n]) => n !== 'Message-Authenticator');

describe('round trips', () => {
  it('every dictionary attribute, in every request that may carry it, comes back as it went', () => {
    for (const code of [
      'Accounting-Request',
      'CoA-Request',
      'Disconnect-Request',
      'Access-Request',
    ] as const) {
      const bytes = encodeRequest(code, 200, EVERY_ATTRIBUTE, SECRET);
      const p = decodeRequest(bytes, SECRET);
      expect({ code: p.code, identifier: p.identifier }).toEqual({ code, identifier: 200 });
      expect(withoutMA(p)).toEqual(EVERY_ATTRIBUTE);
    }
  });

  it('every reply code, with every attribute', () => {
    for (const [reqCode, replies] of [
      ['Access-Request', ['Access-Accept', 'Access-Reject']],
      ['Accounting-Request', ['Accounting-Response']],
      ['CoA-Request', ['CoA-ACK', 'CoA-NAK']],
      ['Disconnect-Request', ['Disconnect-ACK', 'Disconnect-NAK']],
    ] as const) {
      const req = decodeRequest(encodeRequest(reqCode, 17, [['User-Name', 'v']], SECRET), SECRET);
      for (const code of replies) {
        const reply = decodeResponse(encodeResponse(code, req, EVERY_ATTRIBUTE, SECRET), req, SECRET);
        expect(reply.code).toBe(code);
        expect(reply.identifier).toBe(17);
        expect(withoutMA(reply)).toEqual(EVERY_ATTRIBUTE);
      }
    }
  });

  it('integers: value names in any case go in, names come out, unnamed numbers stay numbers', () => {
    const p = decodeRequest(
      encodeRequest(
        'Accounting-Request',
        1,
        [
          ['Acct-Status-Type', 'interim-update'],
          ['Acct-Terminate-Cause', 10],
          ['Error-Cause', 'Session-Context-Not-Found'],
          ['Acct-Status-Type', 99],
        ],
        SECRET,
      ),
      SECRET,
    );
    expect(p.attributes).toEqual([
      ['Acct-Status-Type', 'Interim-Update'],
      ['Acct-Terminate-Cause', 'NAS-Request'],
      ['Error-Cause', 'Session-Context-Not-Found'],
      ['Acct-Status-Type', 99],
    ]);
    expect(attrs(p, 'acct-status-type')).toEqual(['Interim-Update', 99]);
    expect(attr(p, 'Class')).toBeUndefined();
    expect(attrs(p, 'Class')).toEqual([]);
  });

  it('gigaword-sized counters: the 32-bit maximum and its gigawords', () => {
    const total = 5 * 2 ** 32 + 4_294_967_295;
    const { octets, gigawords } = toGigawords(total);
    expect({ octets, gigawords }).toEqual({ octets: 4_294_967_295, gigawords: 5 });
    const p = decodeRequest(
      encodeRequest(
        'Accounting-Request',
        1,
        [
          ['Acct-Input-Octets', octets],
          ['Acct-Input-Gigawords', gigawords],
          ['Mikrotik-Total-Limit', 0],
          ['Mikrotik-Total-Limit-Gigawords', 4_294_967_295],
        ],
        SECRET,
      ),
      SECRET,
    );
    expect(
      fromGigawords(attr(p, 'Acct-Input-Octets') as number, attr(p, 'Acct-Input-Gigawords') as number),
    ).toBe(total);
    expect(attr(p, 'Mikrotik-Total-Limit-Gigawords')).toBe(4_294_967_295);
    expect(fromGigawords(12)).toBe(12);
    expectRadiusError(
      () => encodeRequest('Accounting-Request', 1, [['Acct-Input-Octets', 2 ** 32]], SECRET),
      'BAD_VALUE',
    );
    expectRadiusError(() => toGigawords(-1), 'BAD_VALUE');
    expectRadiusError(() => toGigawords(2 ** 53), 'BAD_VALUE');
  });

  it('MikroTik attributes go out one Vendor-Specific each', () => {
    const bytes = encodeRequest(
      'CoA-Request',
      1,
      [
        ['Mikrotik-Rate-Limit', '1M/2M'],
        ['Mikrotik-Group', 'pisonet'],
      ],
      SECRET,
    );
    // 26, len, vendor 14988 (00 00 3a 8c), type 8, len, "1M/2M"
    expect(bytes.subarray(20, 33).toString('hex')).toBe(
      `1a0d00003a8c0807${Buffer.from('1M/2M').toString('hex')}`,
    );
    expect(bytes[33]).toBe(26);
  });
});

describe('Vendor-Specific decoding', () => {
  /** An Accounting-Request around hand-made attribute bytes, with a right authenticator. */
  function accountingWith(body: Buffer): Buffer {
    const packet = Buffer.concat([Buffer.from([4, 1, 0, 0]), Buffer.alloc(16), body]);
    packet.writeUInt16BE(packet.length, 2);
    md5(packet, Buffer.from(SECRET)).copy(packet, 4);
    return packet;
  }
  const sub = (type: number, value: Buffer): Buffer =>
    Buffer.concat([Buffer.from([type, value.length + 2]), value]);
  const vsa = (vendor: number, ...subs: Buffer[]): Buffer => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(vendor);
    const value = Buffer.concat([id, ...subs]);
    return Buffer.concat([Buffer.from([26, value.length + 2]), value]);
  };

  it('several sub-attributes in one VSA, known and unknown, in order', () => {
    const body = vsa(
      14988,
      sub(8, Buffer.from('512k/1M')),
      sub(3, Buffer.from('vip')),
      sub(20, Buffer.from('key')),
      sub(1, Buffer.from([0, 0, 4, 0])),
      sub(10, Buffer.from([10, 5, 50, 11])),
    );
    expect(decodeRequest(accountingWith(body), SECRET).attributes).toEqual([
      ['Mikrotik-Rate-Limit', '512k/1M'],
      ['Mikrotik-Group', 'vip'],
      ['Vendor-14988-Attr-20', Buffer.from('key')],
      ['Mikrotik-Recv-Limit', 1024],
      ['Mikrotik-Host-IP', '10.5.50.11'],
    ]);
  });

  it('another vendor: Vendor-<v>-Attr-<n>; a VSA whose sub-attributes do not add up: Attr-26; both re-encode', () => {
    const broken = Buffer.from([26, 9, 0, 0, 0, 9, 1, 7, 0x41]);
    const body = Buffer.concat([vsa(9, sub(1, Buffer.from('cisco'))), broken]);
    const p = decodeRequest(accountingWith(body), SECRET);
    expect(p.attributes).toEqual([
      ['Vendor-9-Attr-1', Buffer.from('cisco')],
      ['Attr-26', Buffer.from([0, 0, 0, 9, 1, 7, 0x41])],
    ]);
    const again = encodeRequest('Accounting-Request', 1, p.attributes, SECRET);
    expect(again.subarray(20)).toEqual(body);
  });

  it('a known attribute whose value does not fit its type is kept raw (RFC 6929 2.8)', () => {
    const body = Buffer.concat([
      sub(27, Buffer.from([1, 2, 3])), // Session-Timeout of 3 bytes
      sub(4, Buffer.from([10, 0, 0])), // NAS-IP-Address of 3 bytes
      sub(1, Buffer.alloc(0)), // empty User-Name
      sub(200, Buffer.from('?')),
      vsa(14988, sub(1, Buffer.from([1]))),
    ]);
    expect(decodeRequest(accountingWith(body), SECRET).attributes).toEqual([
      ['Attr-27', Buffer.from([1, 2, 3])],
      ['Attr-4', Buffer.from([10, 0, 0])],
      ['Attr-1', Buffer.alloc(0)],
      ['Attr-200', Buffer.from('?')],
      ['Vendor-14988-Attr-1', Buffer.from([1])],
    ]);
  });
});

describe('bad values throw BAD_VALUE with the attribute named', () => {
  const cases: [string, Attribute, RegExp][] = [
    ['a 254-byte string', ['User-Name', 'x'.repeat(254)], /User-Name is 254 bytes long, more than the 253/],
    ['a 248-byte MikroTik string', ['Mikrotik-Rate-Limit', 'x'.repeat(248)], /more than the 247/],
    ['an empty string', ['Reply-Message', ''], /must not be empty/],
    [
      'a negative integer',
      ['Session-Timeout', -1],
      /Session-Timeout must be an integer from 0 to 4294967295, got -1/,
    ],
    ['a fraction', ['Session-Timeout', 1.5], /integer/],
    ['an integer past 32 bits', ['NAS-Port', 2 ** 32], /integer/],
    ['an unknown value name', ['Acct-Status-Type', 'Begin'], /no value named "Begin": one of Start, Stop/],
    ['a numeric string', ['Session-Timeout', '60'], /no value named "60"/],
    ['a malformed IP', ['NAS-IP-Address', '10.0.0'], /dotted IPv4/],
    ['an IP out of range', ['Framed-IP-Address', '256.1.1.1'], /dotted IPv4/],
    ['a Buffer for a string', ['User-Name', Buffer.from('x')], /must be a string, got a 1-byte Buffer/],
    ['a string for octets', ['Class', 'x'], /must be a Buffer/],
    ['a negative date', ['Event-Timestamp', -5], /Event-Timestamp must be an integer/],
  ];
  it.each(cases)('%s', (_, attribute, message) => {
    expectRadiusError(
      () => encodeRequest('Accounting-Request', 1, [attribute], SECRET),
      'BAD_VALUE',
      message,
    );
  });

  it('an unknown attribute name throws UNKNOWN_ATTRIBUTE', () => {
    expectRadiusError(
      () => encodeRequest('Accounting-Request', 1, [['Voucher-Code', 'x']], SECRET),
      'UNKNOWN_ATTRIBUTE',
    );
  });

  it('a packet over 4096 bytes, a bad identifier, secret or code', () => {
    const many: Attribute[] = Array.from({ length: 20 }, () => ['Reply-Message', 'x'.repeat(253)]);
    expectRadiusError(() => encodeRequest('CoA-Request', 1, many, SECRET), 'BAD_VALUE', /4096/);
    expectRadiusError(() => encodeRequest('CoA-Request', 256, [], SECRET), 'BAD_VALUE', /identifier/);
    expectRadiusError(() => encodeRequest('CoA-Request', 1, [], ''), 'BAD_VALUE', /secret/);
    expectRadiusError(() => encodeRequest('CoA-ACK', 1, [], SECRET), 'BAD_VALUE', /not a request/);
    expectRadiusError(
      () => encodeRequest('CoA-Request', 1, [], SECRET, { authenticator: Buffer.alloc(16) }),
      'BAD_VALUE',
      /Access-Request only/,
    );
    const req = decodeRequest(encodeRequest('CoA-Request', 1, [], SECRET), SECRET);
    expectRadiusError(() => encodeResponse('Access-Accept', req, [], SECRET), 'BAD_VALUE', /does not answer/);
  });
});
