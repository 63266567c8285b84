/**
 * Every number a person sends is bounded by the service before it is stored or reaches the router: speeds
 * 8 kbit/s–10 Gbit/s, prices up to ₱100,000, validities up to a year, burst times up to an hour, extensions up
 * to a year, batches up to 10,000. `999999G` and `1e300` are the probe's values; each is refused with a
 * message under its field, and nothing is written to the router.
 */
import { desiredLimits } from '../../src/domain/policy';
import { parseProfile } from '../../src/domain/profiles';
import { MAX_LIMIT_RATE, MAX_PRICE_CENTAVOS, parsePrice } from '../../src/domain/units';
import { createHarness, Harness } from '../helpers/harness';
import { AUTH, makeVouchers } from '../portal/helpers';

type Answer = { status: number; json: { code?: string; fields?: Record<string, string>; error?: string } };

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true });
});
afterAll(async () => {
  await h.close();
});

/** The raw body is sent as written, so `1e300` arrives as the JSON number it is. */
async function send(method: string, path: string, rawBody: string): Promise<Answer> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: rawBody,
  });
  return { status: res.status, json: (await res.json()) as Answer['json'] };
}

function expectRefused(a: Answer, field: string, message: RegExp) {
  expect([a.status, a.json.code]).toEqual([400, 'INVALID_INPUT']);
  expect(a.json.fields?.[field]).toMatch(message);
}

const routerWrites = () => h.sim.rows('/ip/hotspot/user').length + h.sim.rows('/queue/simple').length;

const PROFILE = '"name":"BIG","validity":"1h","users":1';
const RATES = '"rate_up":"1M","rate_down":"2M"';

describe('a profile (POST and PUT /admin/api/profiles)', () => {
  test.each([
    [
      `{${PROFILE},"price":5,"rate_up":"999999G","rate_down":"2M"}`,
      'rate_up',
      /use a speed from 8K .* to 10G/,
    ],
    [`{${PROFILE},"price":5,"rate_up":"1M","rate_down":1e300}`, 'rate_down', /^1e\+300 is not a rate/],
    [`{${PROFILE},"price":"99999999999",${RATES}}`, 'price', /"99999999999" is not a price; .*₱100,000/],
    [`{${PROFILE},"price":1e300,${RATES}}`, 'price', /^1e\+300 is not an amount/],
    [`{${PROFILE},"price":100000.01,${RATES}}`, 'price', /is not a price; .*₱100,000/],
    [`{"name":"BIG","validity":"99999w","users":1,"price":5,${RATES}}`, 'validity', /at most 365 days/],
    [`{"name":"BIG","validity":1e300,"users":1,"price":5,${RATES}}`, 'validity', /is not a duration/],
    [`{"name":"BIG","validity":"1h","users":1e300,"price":5,${RATES}}`, 'users', /from 1 to 100/],
    [
      `{${PROFILE},"price":5,${RATES},"burst":{"rate_up":"2M","rate_down":"4M","threshold_up":"768K","threshold_down":"1M","time":"99999h"}}`,
      'burst.time',
      /at most 1h/,
    ],
    [
      `{${PROFILE},"price":5,${RATES},"fup":{"threshold":"1G","rate_up":"999999G","rate_down":"1M"}}`,
      'fup.rate_up',
      /to 10G/,
    ],
  ])('%s is refused on %s', async (body, field, message) => {
    expectRefused(await send('POST', '/profiles', body), field, message);
    const put = await send('PUT', '/profiles/BASIC', body.replace('"name":"BIG",', ''));
    expectRefused(put, field, message);
    expect(await h.core!.db('profiles').where({ name: 'BIG' }).first()).toBeUndefined();
  });

  test('₱100,000 itself and a free profile are accepted', async () => {
    const top = await send('POST', '/profiles', `{${PROFILE},"price":"₱100,000",${RATES}}`);
    expect(top.status).toBe(201);
    const free = await send(
      'POST',
      '/profiles',
      `{"name":"FREE","validity":"365d","users":1,"price":0,${RATES}}`,
    );
    expect(free.status).toBe(201);
  });
});

describe('a bandwidth limit (POST /admin/api/set-bandwidth)', () => {
  test.each([
    ['{"mac":"02:00:00:00:00:01","upload":"999999G","download":"1M"}', 'upload'],
    ['{"mac":"02:00:00:00:00:01","upload":"1M","download":1e300}', 'download'],
  ])('%s is refused on %s', async (body, field) => {
    expectRefused(await send('POST', '/set-bandwidth', body), field, /8K .*10G/);
  });
});

describe("a voucher batch's rates, price and size (POST /admin/api/vouchers)", () => {
  test.each([
    [
      '{"profile":"BASIC","count":1,"rate_up":"999999G"}',
      'rate_up',
      /"999999G" is not a usable speed limit; .*10G/,
    ],
    ['{"profile":"BASIC","count":1,"rate_down":1e300}', 'rate_down', /^1e\+300 is not a rate/],
    ['{"profile":"BASIC","count":1,"rate_down":"1K"}', 'rate_down', /8K .*10G/],
    ['{"profile":"BASIC","count":1,"price":"99999999999"}', 'price', /is not a price; .*₱100,000/],
    ['{"profile":"BASIC","count":1,"price":1e300}', 'price', /^1e\+300 is not an amount/],
    ['{"profile":"BASIC","count":1e300}', 'count', /1 to 10000/],
    ['{"profile":"BASIC","count":10001}', 'count', /1 to 10000/],
    ['{"profile":"BASIC","count":"1e4"}', 'count', /1 to 10000/],
    ['{"profile":"BASIC","count":"0x10"}', 'count', /1 to 10000/],
    [`{"profile":"BASIC","count":1,"note":"${'x'.repeat(201)}"}`, 'note', /at most 200 characters/],
  ])('%s is refused on %s', async (body, field, message) => {
    const before = await h.core!.db('vouchers').count({ n: '*' });
    const writes = routerWrites();
    expectRefused(await send('POST', '/vouchers', body), field, message);
    expect(await h.core!.db('vouchers').count({ n: '*' })).toEqual(before);
    expect(routerWrites()).toBe(writes);
  });

  test("the bounds are the service's: numbers from the terminal or a form are checked the same way", async () => {
    const actor = { name: 't', via: 'cli' as const };
    const gen = (input: Record<string, unknown>) =>
      h.core!.services.vouchers.generate({ profile: 'BASIC', count: 1, ...input }, actor);
    await expect(gen({ rateUp: 999_999e9 })).rejects.toMatchObject({ field: 'rate_up' });
    await expect(gen({ rateDown: 10 })).rejects.toMatchObject({ field: 'rate_down' });
    await expect(gen({ price: MAX_PRICE_CENTAVOS + 1 })).rejects.toMatchObject({
      field: 'price',
      message: expect.stringMatching(/"₱100,000\.01" is not a price/),
    });
    const ok = await gen({ rateUp: '2M', rateDown: 10_000_000_000, price: MAX_PRICE_CENTAVOS });
    expect(ok.vouchers[0]).toMatchObject({ rateUp: 2_000_000, rateDown: 10_000_000_000, price: 10_000_000 });
  });
});

describe('an extension (POST /admin/api/vouchers/:code/extend)', () => {
  test('999999G, 1e300 and 99999999d are refused on duration; nothing reaches the router', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const before = h.sim.rows('/ip/hotspot/user').find((u) => u.name === code)?.['limit-uptime'];
    for (const body of [
      '{"duration":"999999G"}',
      '{"duration":1e300}',
      '{"duration":"99999999d","confirm":true}',
    ]) {
      expectRefused(await send('POST', `/vouchers/${code}/extend`, body), 'duration', /duration|365 days/);
    }
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === code)?.['limit-uptime']).toBe(before);
  });
});

describe('derived speeds', () => {
  test('an off-peak multiplier never takes a speed past 10 Gbit/s', () => {
    const profile = parseProfile({
      name: 'FAST',
      price: 5,
      validity: '1d',
      users: 1,
      rate_up: '8G',
      rate_down: '10G',
      offpeak: { start: '00:00', end: '23:59', speed_multiplier: 100 },
    });
    const noon = Date.UTC(2026, 0, 15, 4);
    const l = desiredLimits(
      {
        code: 'ABCDEFGH',
        status: 'active',
        profile,
        rateUp: profile.rateUp,
        rateDown: profile.rateDown,
        activatedAt: noon,
        uptimeSeconds: 0,
        countedBytes: 0,
        totalBytes: 0,
      },
      noon,
      'Asia/Manila',
    );
    expect(l).toMatchObject({ offpeak: true, rateUp: MAX_LIMIT_RATE, rateDown: MAX_LIMIT_RATE });
  });

  test('parsePrice reads the money forms and bounds them', () => {
    expect(parsePrice('₱100,000', 'price')).toBe(10_000_000);
    expect(parsePrice(0, 'price')).toBe(0);
    expect(() => parsePrice('100,000.01', 'price')).toThrow(/price: "100,000.01" is not a price/);
  });
});
