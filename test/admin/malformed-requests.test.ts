/**
 * Malformed requests are the client's fault: a 4xx with a one-line message, in the shape the caller reads
 * (JSON for the APIs, the error page otherwise), and nothing in the error log. Anyone can send them, so an
 * error line (with a stack) for each would let a stranger flood the log.
 */
import type { Request, Response as ExpressResponse } from 'express';
import { createLogger } from '../../src/lib/logger';
import { errorHandler } from '../../src/web/middleware/errors';
import { createHarness, Harness } from '../helpers/harness';
import { AdminClient, bearer } from './client';

type Line = { level: number; msg: string; stack?: string };
const lines: Line[] = [];
const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
/** Error lines (pino level 50 and up) written since the test began. */
const errorLines = () => lines.filter((l) => l.level >= 50);

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, log });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  lines.length = 0;
});
afterEach(() => {
  expect(errorLines()).toEqual([]);
  expect(lines.filter((l) => l.stack !== undefined)).toEqual([]);
});

const url = (path: string) => `${h.app!.url}${path}`;

function manyFields(n: number): URLSearchParams {
  const form = new URLSearchParams();
  for (let i = 0; i < n; i++) form.append(`f${i}`, 'x');
  return form;
}

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };

async function expectJson(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as { success: boolean; error: string; code: string };
  expect(body).toMatchObject({ success: false, code });
  expect(body.error).not.toMatch(/at .*\.(?:js|ts):\d+/); // no stack
  // One line, except input errors, which list every bad field (docs/api.md "Errors").
  if (code !== 'INVALID_INPUT') expect(body.error).not.toContain('\n');
  return body;
}

async function expectPage(res: Response, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/text\/html/);
  const html = await res.text();
  expect(html).toContain(`<title>Error ${status} · PisoNet Manager</title>`);
  expect(html).toMatch(message);
  expect(html).not.toMatch(/at .*\.(?:js|ts):\d+/);
}

describe('too many form fields (more than 1,000)', () => {
  test('an unauthenticated admin login post: 413 page, not a 500 with a stack', async () => {
    const res = await fetch(url('/admin/login'), { method: 'POST', body: manyFields(1001), headers: form });
    await expectPage(res, 413, /too many fields \(at most 1,000\)/);
  });

  test('the portal form: 413 page', async () => {
    const res = await fetch(url('/portal/redeem'), { method: 'POST', body: manyFields(5000), headers: form });
    await expectPage(res, 413, /too many fields/);
  });

  test('an admin API call: 413 JSON', async () => {
    const res = await fetch(url('/admin/api/set-bandwidth'), {
      method: 'POST',
      body: manyFields(1001),
      headers: { ...bearer, ...form },
    });
    const body = await expectJson(res, 413, 'TOO_MANY_FIELDS');
    expect(body.error).toBe('The form has too many fields (at most 1,000)');
  });

  test('1,000 fields are still read', async () => {
    const res = await fetch(url('/admin/login'), { method: 'POST', body: manyFields(1000), headers: form });
    expect(res.status).toBe(403); // parsed, then refused for its missing CSRF token
  });
});

describe('a malformed % escape in the address', () => {
  test('an admin page: 400 page', async () => {
    const res = await fetch(url('/admin/vouchers/%E0%A4%A'), { headers: bearer });
    await expectPage(res, 400, /malformed % escape/);
  });

  test('the admin API: 400 JSON, for reads and changes', async () => {
    await expectJson(await fetch(url('/admin/api/vouchers/%E0%A4%A'), { headers: bearer }), 400, 'BAD_URL');
    for (const path of ['/admin/api/users/%E0%A4%A/kick', '/admin/api/vouchers/%ZZ/revoke']) {
      await expectJson(await fetch(url(path), { method: 'POST', headers: bearer }), 400, 'BAD_URL');
    }
  });

  test('a logged-in admin session gets the page too', async () => {
    const c = new AdminClient(h.app!.url);
    expect((await c.login()).status).toBe(303);
    await expectPage(await c.get('/admin/profiles/%E0%A4%A/edit'), 400, /malformed % escape/);
  });

  test('a static file: a 4xx', async () => {
    const res = await fetch(url('/public/css/%E0%A4%A.css'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('bodies that are not what they claim', () => {
  test('bad JSON: 400 INVALID_JSON', async () => {
    for (const body of ['{bad', '{"count": 1,}', '"a string"', 'null']) {
      const res = await fetch(url('/admin/api/vouchers'), {
        method: 'POST',
        body,
        headers: { ...bearer, ...json },
      });
      await expectJson(res, 400, 'INVALID_JSON');
    }
  });

  test('bad JSON to the portal API: 400 INVALID_JSON', async () => {
    const res = await fetch(url('/api/portal/redeem'), { method: 'POST', body: '{"code":', headers: json });
    await expectJson(res, 400, 'INVALID_JSON');
  });

  test('a portal API body of a type no parser reads: 415 UNSUPPORTED_BODY, not an unknown device', async () => {
    const body = JSON.stringify({ code: 'ABCD2345', mac: '02:50:00:00:00:01', ip: '10.5.50.11' });
    const res = await fetch(url('/api/portal/redeem'), {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'text/plain' },
    });
    await expectJson(res, 415, 'UNSUPPORTED_BODY');
  });

  test('a body over 256 kB: 413 TOO_LARGE', async () => {
    const res = await fetch(url('/admin/api/vouchers'), {
      method: 'POST',
      body: JSON.stringify({ note: 'x'.repeat(300_000) }),
      headers: { ...bearer, ...json },
    });
    expect((await expectJson(res, 413, 'TOO_LARGE')).error).toBe(
      'The request body is too large (at most 256 kB)',
    );
  });

  test('a charset or a compression we do not read: 415', async () => {
    const charset = await fetch(url('/admin/api/vouchers'), {
      method: 'POST',
      body: '{}',
      headers: { ...bearer, 'content-type': 'application/json; charset=koi8-r' },
    });
    await expectJson(charset, 415, 'UNSUPPORTED_BODY');
    const encoding = await fetch(url('/admin/api/vouchers'), {
      method: 'POST',
      body: '{}',
      headers: { ...bearer, ...json, 'content-encoding': 'bogus' },
    });
    await expectJson(encoding, 415, 'UNSUPPORTED_BODY');
  });

  test('an address over 8 kB: 414', async () => {
    const res = await fetch(url(`/portal?link-orig=${'a'.repeat(9000)}`));
    await expectPage(res, 414, /address is too long/);
    const api = await fetch(url(`/admin/api/vouchers?search=${'a'.repeat(9000)}`), { headers: bearer });
    await expectJson(api, 414, 'URL_TOO_LONG');
  });
});

describe('wrong types in API bodies', () => {
  const post = (path: string, body: unknown) =>
    fetch(url(path), { method: 'POST', body: JSON.stringify(body), headers: { ...bearer, ...json } });

  test.each([
    [{ profile: 'BASIC', count: {} }, 'count'],
    [{ profile: 'BASIC', count: [1] }, 'count'],
    [{ profile: 'BASIC', count: '1e400' }, 'count'],
    [{ profile: ['BASIC'], count: 1 }, 'profile'],
    [{ profile: { name: 'BASIC' }, count: 1 }, 'profile'],
    [{ profile: 'BASIC', count: 1, prefix: ['WIFI'] }, 'prefix'],
    [{ profile: 'BASIC', count: 1, note: { text: 'x' } }, 'note'],
    [{ profile: 'BASIC', count: 1, staff: { yes: true } }, 'staff'],
    [{ profile: 'BASIC', count: 1, price: [5] }, 'price'],
    [{ profile: 'BASIC', count: 1, rate_up: {} }, 'rate_up'],
    [{ profile: 'BASIC', count: 1, length: [8] }, 'length'],
  ])('POST /admin/api/vouchers %j: 400 on %s', async (body, field) => {
    const before = await h.core!.db('vouchers').count({ n: '*' });
    const res = await post('/admin/api/vouchers', body);
    const out = (await expectJson(res, 400, 'INVALID_INPUT')) as unknown as { fields: object };
    expect(out.fields).toHaveProperty([field]);
    expect(await h.core!.db('vouchers').count({ n: '*' })).toEqual(before);
  });

  test('other admin API bodies', async () => {
    const [{ code }] = (
      await h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1 }, { name: 'test', via: 'api' })
    ).vouchers;
    const cases: Array<[string, unknown, string]> = [
      [`/admin/api/vouchers/${code}/extend`, { duration: {} }, 'duration'],
      [`/admin/api/vouchers/${code}/extend`, { duration: ['1h'] }, 'duration'],
      [`/admin/api/vouchers/${code}/profile`, { profile: ['VIP'] }, 'profile'],
      ['/admin/api/set-bandwidth', { mac: '02:00:00:00:00:01', upload: {}, download: '1M' }, 'upload'],
      ['/admin/api/set-bandwidth', { mac: '02:00:00:00:00:01', upload: '1M', download: [1] }, 'download'],
      ['/admin/api/profiles', { name: 'X', price: [5], validity: '1h', users: 1 }, 'price'],
      ['/admin/api/profiles', { name: {}, price: 5, validity: '1h', users: 1 }, 'name'],
    ];
    for (const [path, body, field] of cases) {
      const out = (await expectJson(await post(path, body), 400, 'INVALID_INPUT')) as unknown as {
        fields: object;
      };
      expect(out.fields).toHaveProperty([field]);
    }
  });
});

describe('the error handler', () => {
  function fakeReqRes(originalUrl: string) {
    const sent: { status?: number; body?: unknown } = {};
    const res = {
      headersSent: false,
      status(s: number) {
        sent.status = s;
        return this;
      },
      json(b: unknown) {
        sent.body = b;
        return this;
      },
      render() {
        return this;
      },
    } as unknown as ExpressResponse;
    const req = { originalUrl, is: () => false } as unknown as Request;
    return { req, res, sent };
  }

  test('logs our own faults (500) with their stack, and only those', () => {
    const own: Line[] = [];
    const handler = errorHandler(
      createLogger('debug', { write: (s: string) => void own.push(JSON.parse(s) as Line) }),
    );
    const fault = fakeReqRes('/admin/api/vouchers?code=SECRETCODE1');
    handler(new TypeError('x is undefined'), fault.req, fault.res, () => undefined);
    expect(fault.sent).toEqual({
      status: 500,
      body: {
        success: false,
        error: 'Something went wrong on our side; the error was logged.',
        code: 'INTERNAL',
      },
    });
    const errors = own.filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0].stack).toContain('TypeError: x is undefined');
    expect(JSON.stringify(errors[0])).not.toContain('SECRETCODE1');

    own.length = 0;
    const bad = fakeReqRes('/admin/api/vouchers/%E0');
    handler(new URIError('URI malformed'), bad.req, bad.res, () => undefined);
    expect(bad.sent.status).toBe(400);
    expect(own.filter((l) => l.level >= 40)).toEqual([]);
  });
});
