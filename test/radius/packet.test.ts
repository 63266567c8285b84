/**
 * Packets and their authenticators on raw bytes: the RFC 2865 7.1 vector, User-Password hiding, Request and
 * Response Authenticators and Message-Authenticators computed here independently from the RFC formulas, and
 * replies that do not answer their request.
 */
import { createHmac } from 'node:crypto';
import {
  attr,
  CODES,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type RadiusCode,
} from '../../src/radius/packet';
import { expectRadiusError, md5, SECRET } from './assertions';

describe('RFC 2865 section 7.1 (secret "xyzzy5461")', () => {
  const requestHex =
    '010000380f403f9473978057bd83d5cb98f4227a01066e656d6f02120dbe708d93d413ce3196e43f782a0aee0406c0a80110050600000003';
  const acceptHex = '0200002686fe220e7624ba2a1005f6bf9b55e0b20606000000010f06000000000e06c0a80103';
  const authenticator = Buffer.from('0f403f9473978057bd83d5cb98f4227a', 'hex');

  it('hides "arctangent" as in the RFC and encodes the whole Access-Request byte for byte', () => {
    const bytes = encodeRequest(
      'Access-Request',
      0,
      [
        ['User-Name', 'nemo'],
        ['User-Password', 'arctangent'],
        ['NAS-IP-Address', '192.168.1.16'],
        ['NAS-Port', 3],
      ],
      'xyzzy5461',
      { authenticator, messageAuthenticator: false },
    );
    expect(bytes.subarray(28, 44).toString('hex')).toBe('0dbe708d93d413ce3196e43f782a0aee');
    expect(bytes.toString('hex')).toBe(requestHex);
  });

  it('decodes the RFC request, the password unhidden', () => {
    const req = decodeRequest(Buffer.from(requestHex, 'hex'), 'xyzzy5461');
    expect(req).toEqual({
      code: 'Access-Request',
      identifier: 0,
      authenticator,
      attributes: [
        ['User-Name', 'nemo'],
        ['User-Password', 'arctangent'],
        ['NAS-IP-Address', '192.168.1.16'],
        ['NAS-Port', 3],
      ],
    });
  });

  it("verifies the RFC's Access-Accept and builds the same bytes (Login-Service, Login-IP-Host kept raw)", () => {
    const req = decodeRequest(Buffer.from(requestHex, 'hex'), 'xyzzy5461');
    const accept = decodeResponse(Buffer.from(acceptHex, 'hex'), req, 'xyzzy5461');
    expect(accept.code).toBe('Access-Accept');
    expect(accept.attributes).toEqual([
      ['Service-Type', 'Login-User'],
      ['Attr-15', Buffer.from('00000000', 'hex')],
      ['Attr-14', Buffer.from('c0a80103', 'hex')],
    ]);
    expect(encodeResponse('Access-Accept', req, accept.attributes, 'xyzzy5461').toString('hex')).toBe(
      acceptHex,
    );
  });
});

describe('User-Password (RFC 2865 5.2)', () => {
  it.each([0, 1, 15, 16, 17, 31, 32, 100, 128])('a %i-byte password round-trips, padded to 16s', (n) => {
    const password = 'p'.repeat(n);
    const bytes = encodeRequest('Access-Request', 1, [['User-Password', password]], SECRET, {
      messageAuthenticator: false,
    });
    expect(bytes[21]).toBe(2 + Math.max(16, Math.ceil(n / 16) * 16));
    expect(attr(decodeRequest(bytes, SECRET), 'User-Password')).toBe(password);
  });

  it('refuses a password over 128 bytes, and one in any packet but an Access-Request', () => {
    expectRadiusError(
      () => encodeRequest('Access-Request', 1, [['User-Password', 'x'.repeat(129)]], SECRET),
      'BAD_VALUE',
      /128/,
    );
    expectRadiusError(
      () => encodeRequest('Accounting-Request', 1, [['User-Password', 'x']], SECRET),
      'BAD_VALUE',
      /only sent in an Access-Request/,
    );
  });

  it('a hidden password that is not 16..128 bytes by 16s is kept raw as Attr-2', () => {
    const bytes = encodeRequest('Access-Request', 1, [['Attr-2', Buffer.alloc(15, 1)]], SECRET);
    expect(attr(decodeRequest(bytes, SECRET), 'Attr-2')).toEqual(Buffer.alloc(15, 1));
  });
});

describe('authenticators', () => {
  it.each(['Accounting-Request', 'CoA-Request', 'Disconnect-Request'] as const)(
    '%s: MD5(code+id+len+16 zeros+attrs+secret), computed here from the RFC',
    (code) => {
      const bytes = encodeRequest(code, 9, [['User-Name', 'v1']], SECRET);
      const zeroed = Buffer.from(bytes);
      zeroed.fill(0, 4, 20);
      expect(bytes.subarray(4, 20)).toEqual(md5(zeroed, Buffer.from(SECRET)));
      expect(decodeRequest(bytes, SECRET).authenticator).toEqual(bytes.subarray(4, 20));
    },
  );

  it('a reply: MD5(code+id+len+Request Authenticator+attrs+secret)', () => {
    const req = decodeRequest(
      encodeRequest('Accounting-Request', 7, [['Acct-Status-Type', 'Start']], SECRET),
      SECRET,
    );
    const bytes = encodeResponse('Accounting-Response', req, [], SECRET);
    const signed = Buffer.from(bytes);
    req.authenticator.copy(signed, 4);
    expect(bytes.subarray(4, 20)).toEqual(md5(signed, Buffer.from(SECRET)));
    expect(bytes[1]).toBe(7);
  });

  it('a wrong secret fails with BAD_AUTHENTICATOR (requests that can tell, and replies)', () => {
    for (const code of ['Accounting-Request', 'CoA-Request', 'Disconnect-Request'] as const) {
      expectRadiusError(
        () => decodeRequest(encodeRequest(code, 1, [], SECRET), 'other'),
        'BAD_AUTHENTICATOR',
      );
    }
    const req = decodeRequest(encodeRequest('CoA-Request', 3, [['User-Name', 'v1']], SECRET), SECRET);
    const ack = encodeResponse('CoA-ACK', req, [], 'other');
    expectRadiusError(() => decodeResponse(ack, req, SECRET), 'BAD_AUTHENTICATOR', /wrong secret/);
  });

  it('an Access-Request with a wrong secret fails on its Message-Authenticator', () => {
    const bytes = encodeRequest('Access-Request', 1, [['User-Name', 'v1']], SECRET);
    expectRadiusError(() => decodeRequest(bytes, 'other'), 'BAD_MESSAGE_AUTHENTICATOR');
  });

  it('a changed attribute byte fails the authenticator', () => {
    const bytes = encodeRequest('Accounting-Request', 1, [['User-Name', 'v1']], SECRET);
    bytes[bytes.length - 1] ^= 1;
    expectRadiusError(() => decodeRequest(bytes, SECRET), 'BAD_AUTHENTICATOR');
  });
});

describe('Message-Authenticator (RFC 3579 3.2)', () => {
  const hmac = (b: Buffer): Buffer => createHmac('md5', SECRET).update(b).digest();

  it('an Access-Request carries one by default, first, computed over the packet with itself zeroed', () => {
    const bytes = encodeRequest('Access-Request', 4, [['User-Name', 'v1']], SECRET);
    expect([bytes[20], bytes[21]]).toEqual([80, 18]);
    const zeroed = Buffer.from(bytes);
    zeroed.fill(0, 22, 38);
    expect(bytes.subarray(22, 38)).toEqual(hmac(zeroed));
    expect(encodeRequest('Access-Request', 4, [], SECRET, { messageAuthenticator: false }).length).toBe(20);
  });

  it('CoA-Request: computed with 16 zero bytes as authenticator, which then covers it (RFC 5176 3.2)', () => {
    const bytes = encodeRequest('CoA-Request', 4, [['User-Name', 'v1']], SECRET, {
      messageAuthenticator: true,
    });
    const zeroed = Buffer.from(bytes);
    zeroed.fill(0, 4, 20);
    zeroed.fill(0, 22, 38);
    expect(bytes.subarray(22, 38)).toEqual(hmac(zeroed));
    expect(attr(decodeRequest(bytes, SECRET, { requireMessageAuthenticator: true }), 'User-Name')).toBe('v1');
  });

  it('a flipped byte of an Access-Request fails with BAD_MESSAGE_AUTHENTICATOR, wherever it is', () => {
    const bytes = encodeRequest(
      'Access-Request',
      4,
      [
        ['User-Name', 'v1'],
        ['NAS-Port', 7],
      ],
      SECRET,
    );
    // Not the code, the lengths, nor the Message-Authenticator's own type: those make other errors (or none).
    const elsewhere = new Set([0, 2, 3, 20, 21, 39, 43]);
    for (let i = 0; i < bytes.length; i++) {
      if (elsewhere.has(i)) continue;
      const flipped = Buffer.from(bytes);
      flipped[i] ^= 0x40;
      expectRadiusError(() => decodeRequest(flipped, SECRET), 'BAD_MESSAGE_AUTHENTICATOR');
    }
  });

  it('a reply whose authenticator is right but Message-Authenticator wrong fails with BAD_MESSAGE_AUTHENTICATOR', () => {
    const req = decodeRequest(encodeRequest('Access-Request', 4, [['User-Name', 'v1']], SECRET), SECRET);
    const accept = encodeResponse('Access-Accept', req, [['Session-Timeout', 60]], SECRET);
    expect([accept[20], accept[21]]).toEqual([80, 18]); // the request had one: so does the reply
    accept[30] ^= 1;
    const signed = Buffer.from(accept);
    req.authenticator.copy(signed, 4);
    md5(signed, Buffer.from(SECRET)).copy(accept, 4);
    expectRadiusError(() => decodeResponse(accept, req, SECRET), 'BAD_MESSAGE_AUTHENTICATOR');
  });

  it('the reply one is computed with the request authenticator in place', () => {
    const req = decodeRequest(encodeRequest('Disconnect-Request', 4, [['User-Name', 'v1']], SECRET), SECRET);
    const ack = encodeResponse('Disconnect-ACK', req, [], SECRET, { messageAuthenticator: true });
    const signed = Buffer.from(ack);
    req.authenticator.copy(signed, 4);
    signed.fill(0, 22, 38);
    expect(ack.subarray(22, 38)).toEqual(hmac(signed));
    expect(decodeResponse(ack, req, SECRET, { requireMessageAuthenticator: true }).code).toBe(
      'Disconnect-ACK',
    );
  });

  it('required but missing fails with BAD_MESSAGE_AUTHENTICATOR, in a request and in a reply', () => {
    const plain = encodeRequest('Access-Request', 4, [['User-Name', 'v1']], SECRET, {
      messageAuthenticator: false,
    });
    expectRadiusError(
      () => decodeRequest(plain, SECRET, { requireMessageAuthenticator: true }),
      'BAD_MESSAGE_AUTHENTICATOR',
      /required/,
    );
    const req = decodeRequest(plain, SECRET);
    const reject = encodeResponse('Access-Reject', req, [], SECRET);
    expect(reject.length).toBe(20); // the request had none: neither has the reply
    expectRadiusError(
      () => decodeResponse(reject, req, SECRET, { requireMessageAuthenticator: true }),
      'BAD_MESSAGE_AUTHENTICATOR',
    );
  });

  it('naming Message-Authenticator in the attributes asks for one, computed whatever value was given', () => {
    const bytes = encodeRequest(
      'Accounting-Request',
      1,
      [['Message-Authenticator', Buffer.alloc(16)]],
      SECRET,
    );
    expect(bytes.length).toBe(38);
    expect(decodeRequest(bytes, SECRET, { requireMessageAuthenticator: true }).attributes).toHaveLength(1);
  });
});

describe('replies that do not answer the request', () => {
  const req = decodeRequest(encodeRequest('Access-Request', 5, [['User-Name', 'v1']], SECRET), SECRET);

  it('another identifier, or a code that cannot answer it: UNEXPECTED_REPLY', () => {
    const accept = encodeResponse('Access-Accept', req, [], SECRET);
    expectRadiusError(
      () => decodeResponse(accept, { ...req, identifier: 6 }, SECRET),
      'UNEXPECTED_REPLY',
      /identifier 5/,
    );
    const coa = decodeRequest(encodeRequest('CoA-Request', 5, [], SECRET), SECRET);
    const nak = encodeResponse('CoA-NAK', coa, [['Error-Cause', 'Session-Context-Not-Found']], SECRET);
    expectRadiusError(
      () => decodeResponse(nak, req, SECRET),
      'UNEXPECTED_REPLY',
      /CoA-NAK does not answer Access-Request/,
    );
  });

  it('a request is not a reply, a reply is not a request', () => {
    const coa = encodeRequest('CoA-Request', 5, [], SECRET);
    expectRadiusError(() => decodeResponse(coa, req, SECRET), 'UNEXPECTED_REPLY');
    const accept = encodeResponse('Access-Accept', req, [], SECRET);
    expectRadiusError(() => decodeRequest(accept, SECRET), 'MALFORMED', /not a request/);
  });
});

it('every code the API names has its RFC number', () => {
  const expected: Record<RadiusCode, number> = {
    'Access-Request': 1,
    'Access-Accept': 2,
    'Access-Reject': 3,
    'Accounting-Request': 4,
    'Accounting-Response': 5,
    'Disconnect-Request': 40,
    'Disconnect-ACK': 41,
    'Disconnect-NAK': 42,
    'CoA-Request': 43,
    'CoA-ACK': 44,
    'CoA-NAK': 45,
  };
  expect(CODES).toEqual(expected);
});
