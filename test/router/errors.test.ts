import { connectFailure, toRouterError } from '../../src/router/errors';
import { attrWords } from '../../src/router/client';
import { RouterError } from '../../src/domain/errors';

/** Shapes the patched node-routeros rejects with (patches/node-routeros+1.6.9.patch). */
const trap = (message: string, category?: string): Error =>
  Object.assign(new Error(message), { errno: 'TRAP', category, trap: { message, category } });

test.each([
  ['failure: already have such name', 'ROUTER_DUPLICATE'],
  ['failure: already have user with this name for this server', 'ROUTER_DUPLICATE'],
  ['no such item', 'ROUTER_NO_SUCH_ITEM'],
  ['input does not match any value of profile', 'ROUTER_NO_SUCH_ITEM'],
  ['unknown parameter', 'ROUTER_TRAP'],
  ['invalid user name or password (6)', 'ROUTER_LOGIN_FAILED'],
])('trap %j → %s, keeping message and category', (message, code) => {
  const e = toRouterError(trap(message, '1'), '/queue/simple/add');
  expect(e).toBeInstanceOf(RouterError);
  expect(e.code).toBe(code);
  expect(e.routerMessage).toBe(message);
  expect(e.category).toBe(1);
  expect(e.command).toBe('/queue/simple/add');
});

test.each([
  [{ errno: 'CANTLOGIN', message: 'Username or password is invalid' }, 'ROUTER_LOGIN_FAILED'],
  [{ errno: 'ROSFATAL', reason: 'session terminated on request', message: 'x' }, 'ROUTER_FATAL'],
  [{ errno: 'SOCKTMOUT', message: 'Timed out after 5 seconds' }, 'ROUTER_TIMEOUT'],
  [{ errno: 'ECONNREFUSED', code: 'ECONNREFUSED', message: 'Connection refused.' }, 'ROUTER_UNREACHABLE'],
  [{ errno: 'ENOTFOUND', code: 'ENOTFOUND', message: '' }, 'ROUTER_UNREACHABLE'],
  [{ errno: 'CONNCLOSED', message: 'Connection closed before the reply arrived' }, 'ROUTER_UNREACHABLE'],
  ['ALRDYCONNECTING', 'ROUTER_UNREACHABLE'],
])('library error %j → %s', (err, code) => {
  expect(toRouterError(err).code).toBe(code);
});

test('a fatal keeps its reason as routerMessage', () => {
  const e = toRouterError({ errno: 'ROSFATAL', reason: 'out of memory' });
  expect(e.routerMessage).toBe('out of memory');
  expect(e.transient).toBe(true);
});

test('attribute words: booleans as true/false, undefined left out, bad names refused', () => {
  expect(attrWords({ name: 'a=b', disabled: false, 'limit-at': 5, comment: undefined })).toEqual([
    '=name=a=b',
    '=disabled=false',
    '=limit-at=5',
  ]);
  expect(() => attrWords({ 'bad=name': 'x' })).toThrow(TypeError);
});

describe('connectFailure: what the owner checks', () => {
  const target = { host: '192.168.88.1', port: 8729, user: 'pisonet', tls: true, timeoutSeconds: 10 };
  const tlsError = (code: string, message: string) =>
    Object.assign(new Error(''), { errno: code, code, cause: Object.assign(new Error(message), { code }) });

  test.each([
    [
      { errno: 'CANTLOGIN' },
      'ROUTER_LOGIN_FAILED',
      /^The router refused the API user or password \(user "pisonet"\)/,
    ],
    [
      tlsError(
        'ERR_SSL_WRONG_VERSION_NUMBER',
        '80AC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:x.c:350:',
      ),
      'ROUTER_TLS',
      /^TLS handshake with the router failed: 192\.168\.88\.1:8729 answered without TLS \(wrong version number\): is it the plain api port\?; check ROUTER_TLS/,
    ],
    [
      tlsError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'),
      'ROUTER_TLS',
      /the router's certificate was not accepted \(self-signed certificate\)/,
    ],
    [
      tlsError(
        'ECONNRESET',
        'Client network socket disconnected before secure TLS connection was established',
      ),
      'ROUTER_TLS',
      /closed the connection during the handshake/,
    ],
    [
      { errno: 'ECONNREFUSED', code: 'ECONNREFUSED' },
      'ROUTER_REFUSED',
      /^The router refused the connection on 192\.168\.88\.1:8729: is the API service enabled \(\/ip service\)/,
    ],
    [
      { errno: 'SOCKTMOUT', message: 'Timed out after 10 seconds' },
      'ROUTER_TIMEOUT',
      /^No answer from the router at 192\.168\.88\.1:8729 within 10 s: check the address, cabling/,
    ],
    [
      { errno: 'ENOTFOUND', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND' },
      'ROUTER_UNREACHABLE',
      /ENOTFOUND/,
    ],
  ])('%j → %s', (err, code, message) => {
    const e = connectFailure(err, target);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.connect).toBe(true);
  });

  test('a reset on a plain connection is not called a TLS problem', () => {
    const e = connectFailure(
      { errno: 'ECONNRESET', code: 'ECONNRESET', message: 'read ECONNRESET' },
      {
        ...target,
        tls: false,
      },
    );
    expect(e.code).toBe('ROUTER_UNREACHABLE');
  });
});
