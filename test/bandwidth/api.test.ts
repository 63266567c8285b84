/** The admin bandwidth API against the whole server: JSON shapes, and the router's queue changing at once. */
import { deviceCookieValue } from '../../src/web/portal/device-proof';
import {
  advance,
  Harness,
  loginOnRouter,
  queueOf,
  routerBack,
  routerWrites,
  seedVoucher,
  usageHarness,
  voucher,
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
        site: 1, // the default site's router
        mac: MAC1,
        ip: '10.5.50.11',
        bytes_in: 1_500,
        bytes_out: 2_500_000,
        bytes_in_formatted: '1.5 kB',
        bytes_out_formatted: '2.5 MB',
        rate_in: 1_200,
        rate_out: 2_000_000,
        max_limit: '2000000/4000000',
        plan_max_limit: '2000000/4000000',
        profile: 'FUP',
        fup_state: 'normal',
        limit_source: 'profile',
        remaining_seconds: 86_370,
        connected: true,
      },
    ],
    // Live figures: the router answers (while it does not, connected is false and stale_since says since when).
    router: { connected: true, stale_since: null, last_seen: null },
  });
});

test('POST /set-bandwidth changes the queue at once; the next cycles keep it; /reset-bandwidth restores the policy at once', async () => {
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

  const reset = await api('POST', '/reset-bandwidth', { mac: MAC1 });
  expect(reset).toEqual({ status: 200, json: { success: true } });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('256000/512000'); // over the FUP threshold now
  const audit = await h.core!.services.audit.list({});
  expect(audit.entries.map((e) => e.action)).toEqual(
    expect.arrayContaining(['bandwidth.set', 'bandwidth.reset']),
  );
  // Scripts written for the original PisoNet send `up`/`down`: taken the same way.
  const original = await api('POST', '/set-bandwidth', { mac: MAC1, up: '2M', down: '4M' });
  expect(original).toEqual({ status: 200, json: { success: true } });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  expect(JSON.stringify(audit.entries)).not.toContain(code);
});

/** One poll cycle after `seconds` in which the device tried to move `down` bytes. */
async function cycleWithTraffic(down: number, seconds = 10): Promise<void> {
  h.sim.addTraffic(MAC1, { up: 10_000, down }, seconds);
  advance(h, seconds);
  await h.core!.services.usage.runCycle();
}

test('POST /remove-bandwidth lifts the limit: the queue stays with max-limit 0/0 over later cycles, bytes still counted', async () => {
  const removed = await api('POST', '/remove-bandwidth', { mac: MAC1 });
  expect(removed).toEqual({ status: 200, json: { success: true } });
  const queueId = queueOf(h, MAC1)?.['.id'];
  expect(queueOf(h, MAC1)).toMatchObject({ 'max-limit': '0/0', 'burst-limit': '0/0' });
  const stored = await voucher(h, code);
  expect([stored.override_up, stored.override_down]).toEqual([0, 0]);

  // 20 MB in 10 s is 16 Mbit/s, four times the plan's 4M: all of it gets through, and all of it is counted.
  let before = Number((await voucher(h, code)).bytes_down);
  for (let i = 0; i < 3; i++) {
    const writes = routerWrites(h);
    await cycleWithTraffic(20_000_000);
    expect(routerWrites(h)).toBe(writes); // converged: the poll does not rewrite 0/0 every cycle
    expect(queueOf(h, MAC1)).toMatchObject({ '.id': queueId, 'max-limit': '0/0' });
    const after = Number((await voucher(h, code)).bytes_down);
    expect(after - before).toBe(20_000_000);
    before = after;
  }

  const users = (await api('GET', '/user-traffic')).json.users as Array<Record<string, unknown>>;
  expect(users[0]).toMatchObject({
    max_limit: '0/0',
    plan_max_limit: '2000000/4000000',
    limit_source: 'override',
  });
  const audit = await h.core!.services.audit.list({});
  expect(audit.entries[0]).toMatchObject({ action: 'bandwidth.remove', target: MAC1 });
  // The customer's status page says "Unlimited", not a speed of 0 bps.
  // The customer's own phone (it holds the device cookie its redemption set) sees its status.
  const cookie = `pisonet_device=${deviceCookieValue(h.config.admin.sessionSecret!, MAC1)}`;
  const portal = await (
    await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(MAC1)}`, { headers: { cookie } })
  ).text();
  expect(portal).toContain('Unlimited down / Unlimited up');

  // Back to plan: the plan's speed on the router at once, and the next cycles keep it.
  const reset = await api('POST', '/reset-bandwidth', { mac: MAC1.toLowerCase() });
  expect(reset).toEqual({ status: 200, json: { success: true } });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  await cycleWithTraffic(20_000_000);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  expect(Number((await voucher(h, code)).bytes_down) - before).toBe(5_000_000); // 4 Mbit/s for 10 s
  expect((await h.core!.services.audit.list({})).entries[0]).toMatchObject({
    action: 'bandwidth.reset',
    details: expect.objectContaining({ up: 2_000_000, down: 4_000_000 }),
  });
  const [user] = (await api('GET', '/user-traffic')).json.users as Array<Record<string, unknown>>;
  expect(user).toMatchObject({ max_limit: '2000000/4000000', limit_source: 'profile' });
});

test('POST /set-bandwidth takes "unlimited" and "2 Mbps" forms', async () => {
  const mixed = await api('POST', '/set-bandwidth', { mac: MAC1, upload: 'unlimited', download: '2 Mbps' });
  expect(mixed).toEqual({ status: 200, json: { success: true } });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('0/2000000');
  const writes = routerWrites(h);
  await cycleWithTraffic(1_000_000);
  expect(routerWrites(h)).toBe(writes);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('0/2000000');

  const both = await api('POST', '/set-bandwidth', { mac: MAC1, upload: 'Unlimited', download: 'unlimited' });
  expect(both.status).toBe(200);
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('0/0');
  expect((await h.core!.services.audit.list({})).entries[0].action).toBe('bandwidth.remove');

  expect((await api('POST', '/set-bandwidth', { mac: MAC1, upload: '512kbps', download: '2M' })).status).toBe(
    200,
  );
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('512000/2000000');
});

test('speeds outside 8 kbit/s–10 Gbit/s are refused with a field message, by the API and by the service', async () => {
  for (const [body, bad] of [
    [{ upload: '10', download: '1M' }, 'upload'],
    [{ upload: 10, download: '1M' }, 'upload'],
    [{ upload: '1M', download: '999999G' }, 'download'],
    [{ upload: '1M', download: '0' }, 'download'],
  ] as const) {
    const r = await api('POST', '/set-bandwidth', { mac: MAC1, ...body });
    expect([r.status, r.json.code]).toEqual([400, 'INVALID_INPUT']);
    expect((r.json.fields as Record<string, string>)[bad]).toMatch(/8K .*10G/);
  }
  // The bounds are the service's, whatever the caller parsed: the CLI and the forms hand it numbers.
  const bw = h.core!.services.bandwidth;
  const actor = { name: 't', via: 'api' as const };
  for (const [up, down, bad] of [
    [10, 1_000_000, 'upload'],
    [1_000_000, 999_999e9, 'download'],
    [1_000_000, 0, 'download'],
  ] as const) {
    await expect(bw.setLimit(MAC1, up, down, actor)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      status: 400,
      field: bad,
    });
  }
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  expect((await voucher(h, code)).override_up).toBeNull();
});

test('a change the router cannot take now is saved and answered 202; the next poll applies it', async () => {
  // The router refuses the `set` (a RouterOS trap, not a connection problem).
  h.sim.faults.trapOn('/queue/simple/set', 'failure: simulated refusal');
  const refused = await api('POST', '/remove-bandwidth', { mac: MAC1 });
  expect(refused).toEqual({
    status: 202,
    json: { success: true, applied: false, message: 'Saved; applied at the next poll.' },
  });
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
  expect((await voucher(h, code)).override_down).toBe(0);
  advance(h, 30);
  await h.core!.services.usage.runCycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('0/0');

  // The router is unreachable.
  h.sim.setReachable(false);
  try {
    const down = await api('POST', '/reset-bandwidth', { mac: MAC1 });
    expect(down.status).toBe(202);
    expect(down.json).toMatchObject({ success: true, message: 'Saved; applied at the next poll.' });
    expect((await voucher(h, code)).override_down).toBeNull();
  } finally {
    h.sim.setReachable(true);
  }
  await routerBack(h);
  advance(h, 30);
  await h.core!.services.usage.runCycle();
  expect(queueOf(h, MAC1)?.['max-limit']).toBe('2000000/4000000');
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
  for (const path of ['/remove-bandwidth', '/reset-bandwidth']) {
    expect((await api('POST', path, { mac: '02:00:00:00:00:99' })).status).toBe(404);
    expect((await api('POST', path, {})).status).toBe(400);
  }
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
