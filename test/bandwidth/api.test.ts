/** The admin bandwidth API against the whole server: JSON shapes, and the router's queue changing at once. */
import {
  advance,
  Harness,
  loginOnRouter,
  queueOf,
  routerWrites,
  seedVoucher,
  usageHarness,
} from '../usage/helpers';

const MAC1 = '02:00:00:00:00:01';
const AUTH = { Authorization: 'Bearer test-token-0123456789abcdef' };

let h: Harness;
let code: string;
beforeEach(async () => {
  h = await usageHarness({ http: true });
  await h.app!.usageJob.stop(); // the test drives the cycles itself
  code = await seedVoucher(h, 'FUP');
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  await h.core!.services.usage.runCycle();
});
afterEach(async () => {
  await h.close();
});

async function api(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

test('GET /user-traffic lists connected devices with cumulative voucher usage and the limit on the router', async () => {
  h.sim.addTraffic(MAC1, { up: 1_500, down: 2_500_000 }, 10);
  advance(h, 30);
  await h.core!.services.usage.runCycle();
  const { status, json } = await api('GET', '/user-traffic');
  expect(status).toBe(200);
  expect(json).toEqual({
    success: true,
    users: [
      {
        user: code,
        mac: MAC1,
        ip: '10.5.50.11',
        bytes_in: 1_500,
        bytes_out: 2_500_000,
        bytes_in_formatted: '1.5 kB',
        bytes_out_formatted: '2.5 MB',
        rate_in: 1_200,
        rate_out: 2_000_000,
        max_limit: '2000000/4000000',
        profile: 'FUP',
        fup_state: 'normal',
        limit_source: 'profile',
        remaining_seconds: 86_370,
        connected: true,
      },
    ],
  });
});

test('POST /set-bandwidth changes the queue at once; the next cycles keep it; /remove-bandwidth restores the policy at once', async () => {
  const set = await api('POST', '/set-bandwidth', {
    mac: MAC1.toLowerCase(),
    upload: '1M',
    download: 3_000_000,
  });
  expect(set).toEqual({ status: 200, json: { success: true } });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('1000000/3000000');
  const users = (await api('GET', '/user-traffic')).json.users as Array<Record<string, unknown>>;
  expect(users[0]).toMatchObject({ max_limit: '1000000/3000000', limit_source: 'override' });

  // The override also beats the FUP once it is crossed, and a cycle writes nothing for it.
  h.sim.addTraffic(MAC1, { up: 0, down: 150_000_000 }, 1_000);
  advance(h, 30);
  const writes = routerWrites(h);
  await h.core!.services.usage.runCycle();
  expect(routerWrites(h)).toBe(writes);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('1000000/3000000');

  const removed = await api('POST', '/remove-bandwidth', { mac: MAC1 });
  expect(removed).toEqual({ status: 200, json: { success: true } });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('256000/512000'); // over the FUP threshold now
  const audit = await h.core!.services.audit.list({});
  expect(audit.entries.map((e) => e.action)).toEqual(
    expect.arrayContaining(['bandwidth.set', 'bandwidth.remove']),
  );
  expect(JSON.stringify(audit.entries)).not.toContain(code);
});

test('bad input is refused with 400, an unknown device with 404', async () => {
  const unknown = await api('POST', '/set-bandwidth', {
    mac: '02:00:00:00:00:99',
    upload: '1M',
    download: '1M',
  });
  expect(unknown.status).toBe(404);
  expect(unknown.json).toMatchObject({ success: false, code: 'DEVICE_NOT_FOUND' });
  for (const body of [
    { mac: 'not-a-mac', upload: '1M', download: '1M' },
    { mac: MAC1, upload: 'fast', download: '1M' },
    { mac: MAC1, upload: '0', download: '1M' },
    { mac: MAC1, upload: '1M' },
    { upload: '1M', download: '1M' },
  ]) {
    const r = await api('POST', '/set-bandwidth', body);
    expect([r.status, r.json.success, r.json.code]).toEqual([400, false, 'INVALID_INPUT']);
    expect(typeof r.json.error).toBe('string');
  }
  expect((await api('POST', '/remove-bandwidth', { mac: '02:00:00:00:00:99' })).status).toBe(404);
  expect((await api('POST', '/remove-bandwidth', {})).status).toBe(400);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
});

test('GET /queues lists only pisonet queues', async () => {
  await h.router.add('/queue/simple', { name: 'shop-total', target: '10.5.50.0/24', 'max-limit': '10M/50M' });
  const { json } = await api('GET', '/queues');
  expect(json.success).toBe(true);
  expect(json.queues).toEqual([
    expect.objectContaining({
      name: `pisonet-${MAC1}`,
      target: '10.5.50.11/32',
      maxLimit: '2000000/4000000',
      comment: code,
      disabled: false,
      dynamic: false,
    }),
  ]);
});

test('POST /users/:mac/kick logs the device out; the voucher stays usable', async () => {
  const r = await api('POST', `/users/${encodeURIComponent(MAC1)}/kick`);
  expect(r).toEqual({ status: 200, json: { success: true } });
  expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
  expect((await api('GET', '/user-traffic')).json.users).toEqual([]);
  expect((await api('POST', `/users/${encodeURIComponent(MAC1)}/kick`)).status).toBe(404);
  await loginOnRouter(h, code, MAC1, '10.5.50.11');
  advance(h, 30);
  await h.core!.services.usage.runCycle();
  expect(queueOf(h, MAC1)).toBeDefined();
  expect((await h.core!.db('vouchers').where({ code }).first()).status).toBe('active');
});

test('the API needs the admin token', async () => {
  const res = await fetch(`${h.app!.url}/admin/api/user-traffic`);
  expect(res.status).toBe(401);
});
