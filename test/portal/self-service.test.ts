/**
 * Customer self-service through the portal API against the simulated router: a second code tops
 * up or queues, uptime vouchers pause and resume to the second, and a voucher follows its phone to a new
 * WiFi address with its usage.
 */
import { createHarness, Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { addDevice, makeVouchers, voucherRow, onlinePlan } from './helpers';

const PROFILES = [
  { name: 'HOUR', price: 10, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '100M' },
  { name: 'HALF', price: 5, validity: '30m', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '50M' },
  {
    name: 'NEXT',
    price: 5,
    validity: '30m',
    users: 1,
    rate_up: '512K',
    rate_down: '1M',
    data_cap: '50M',
    topup: 'queue',
  },
  { name: 'FAST', price: 20, validity: '1h', users: 1, rate_up: '2M', rate_down: '4M', data_cap: '100M' },
  onlinePlan({ pause_max: '2h', pauses_per_day: 2 }),
];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();
const sessions = () => h.sim.rows('/ip/hotspot/active');
const queueOf = (mac: string) => h.sim.rows('/queue/simple').find((q) => q.name === `pisonet-${mac}`);

async function post(
  path: string,
  body: Record<string, unknown>,
  cookie?: string,
): Promise<{ status: number; json: Record<string, unknown>; cookie: string | undefined }> {
  const res = await fetch(`${h.app!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  // The device cookie a redemption leaves (the proof of the device, for its status and its moves).
  const set = res.headers.getSetCookie().find((c) => c.startsWith('pisonet_device='));
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    cookie: set?.split(';')[0],
  };
}

const redeem = (body: Record<string, unknown>, cookie?: string) => post('/api/portal/redeem', body, cookie);

async function status(mac: string, cookie: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${h.app!.url}/api/portal/status?mac=${encodeURIComponent(mac)}`, {
    headers: { cookie },
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('top-up by a second code', () => {
  it('"add": time and data join the running voucher, the second is consumed and both sales count', async () => {
    const [first, second] = [...(await makeVouchers(h, 'HOUR', 1)), ...(await makeVouchers(h, 'HALF', 1))];
    const d = addDevice(h, 1);
    expect((await redeem({ code: first, ...d })).status).toBe(200);
    h.sim.addTraffic(d.mac, { up: 1_000_000, down: 9_000_000 }, 60);
    advance(h, 600);
    await cycle();

    const res = await redeem({ code: second, ...d });
    expect(res.status).toBe(200);
    expect(res.json.topped_up).toMatchObject({ mode: 'add', added_seconds: 1800, added_bytes: 50_000_000 });
    // 50 minutes were left of the hour; 30 more came.
    expect((res.json.topped_up as { remaining_seconds: number }).remaining_seconds).toBe(80 * 60);

    const a = await voucherRow(h, first);
    const b = await voucherRow(h, second);
    expect(a).toMatchObject({ status: 'active', extra_seconds: 1800, extra_bytes: 50_000_000 });
    expect(Number(a.expires_at)).toBe(Number(a.activated_at) + 90 * 60_000);
    expect(b).toMatchObject({
      status: 'expired',
      topped_up_into: a.id,
      end_reason: expect.stringMatching(/^added to/),
    });
    expect(Number(b.activated_at)).toBe(h.clock.now());
    // The router's own time limit follows; the second code's hotspot user goes with the next poll.
    expect(h.sim.rows('/ip/hotspot/user').find((u) => u.name === first)?.['limit-uptime']).toBe('1h30m');
    await cycle();
    expect(h.sim.rows('/ip/hotspot/user').some((u) => u.name === second)).toBe(false);
    // The device stays online on the first code.
    expect(sessions().map((s) => s.user)).toEqual([first]);

    const kinds = await h
      .core!.db('events')
      .whereIn('voucher_id', [Number(a.id), Number(b.id)])
      .where({ kind: 'topup' });
    expect(kinds).toHaveLength(2);
    const sales = await h.core!.services.reports.sales({
      from: h.clock.now() - 86400_000,
      to: h.clock.now() + 1,
      by: 'profile',
    });
    expect(sales.map((r) => [r.profile, r.count, r.amount]).sort()).toEqual([
      ['HALF', 1, 500],
      ['HOUR', 1, 1000],
    ]);

    // The cap grew with the top-up: 140 MB counted is past the first code's 100 MB but within 150 MB.
    h.sim.addTraffic(d.mac, { up: 0, down: 130_000_000 }, 60);
    advance(h, 60);
    await cycle();
    expect((await voucherRow(h, first)).status).toBe('active');
    const st = await status(d.mac, res.cookie ?? '');
    expect(st.cap_bytes).toBe(150_000_000);
  });

  it('plans too different to merge are queued instead, and a code can be consumed only once', async () => {
    const [first] = await makeVouchers(h, 'HOUR', 1);
    const [fast] = await makeVouchers(h, 'FAST', 1);
    const d = addDevice(h, 1);
    await redeem({ code: first, ...d });
    const res = await redeem({ code: fast, ...d });
    expect(res.json.topped_up).toMatchObject({
      mode: 'queue',
      queued_because: 'the plans have different speeds',
    });
    expect(await voucherRow(h, fast)).toMatchObject({ status: 'unused', queued_mac: d.mac });
    // Another device cannot take a code kept for someone.
    const other = addDevice(h, 2);
    const taken = await redeem({ code: fast, ...other });
    expect([taken.status, taken.json.code]).toEqual([409, 'DEVICE_LIMIT']);
  });

  it('"queue": the second code starts on the device when the first expires', async () => {
    const [first] = await makeVouchers(h, 'HOUR', 1);
    const [next] = await makeVouchers(h, 'NEXT', 1);
    const d = addDevice(h, 1);
    await redeem({ code: first, ...d });
    const res = await redeem({ code: next, ...d });
    expect(res.json.topped_up).toMatchObject({ mode: 'queue', added_seconds: 1800, queued_because: null });
    await cycle();
    expect(await voucherRow(h, next)).toMatchObject({ status: 'unused', queued_mac: d.mac });

    advance(h, 3600);
    await cycle(); // the first expires; the queued code takes over in the same poll
    expect((await voucherRow(h, first)).status).toBe('expired');
    const started = await voucherRow(h, next);
    expect(started).toMatchObject({ status: 'active', queued_mac: null });
    expect(Number(started.activated_at)).toBe(h.clock.now());
    expect(sessions().map((s) => [s.user, s['mac-address']])).toEqual([[next, d.mac]]);
    expect(queueOf(d.mac)?.comment).toBe(next);
  });
});

describe('pause and resume (uptime vouchers)', () => {
  it('keeps the remaining time to the second; no session while paused; the queue is back after resume', async () => {
    const [code] = await makeVouchers(h, 'ONLINE', 1);
    const d = addDevice(h, 1);
    const r = await redeem({ code, ...d });
    const cookie = r.cookie as string;
    await cycle();
    advance(h, 3000); // 50 minutes online: 600 s left
    const paused = await post('/api/portal/pause', { mac: d.mac }, cookie);
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ paused: true, remaining_seconds: 600, pauses_left: 1 });
    expect(sessions()).toHaveLength(0);

    for (let i = 0; i < 6; i++) {
      advance(h, 600);
      await cycle();
    }
    expect(queueOf(d.mac)).toBeUndefined();
    expect(await status(d.mac, cookie)).toMatchObject({ active: true, paused: true, remaining_seconds: 600 });

    const resumed = await post('/api/portal/resume', { mac: d.mac }, cookie);
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ paused: false, remaining_seconds: 600 });
    expect(sessions().map((s) => s['mac-address'])).toEqual([d.mac]);
    expect(queueOf(d.mac)).toMatchObject({ comment: code, 'max-limit': '1000000/2000000' });
    const kinds = (await h.core!.db('events').where({ voucher_id: (await voucherRow(h, code)).id })).map(
      (e: { kind: string }) => e.kind,
    );
    expect(kinds).toEqual(expect.arrayContaining(['pause', 'resume']));
  });

  it("limits pauses per day, refuses strangers, and ends a pause at the profile's longest", async () => {
    const [code] = await makeVouchers(h, 'ONLINE', 1);
    const d = addDevice(h, 1);
    const cookie = (await redeem({ code, ...d })).cookie as string;
    // Someone else naming the MAC learns and changes nothing.
    const stranger = await post('/api/portal/pause', { mac: d.mac });
    expect([stranger.status, stranger.json.code]).toEqual([403, 'DEVICE_NOT_PROVEN']);
    expect(sessions()).toHaveLength(1);

    expect((await post('/api/portal/pause', { mac: d.mac }, cookie)).status).toBe(200);
    advance(h, 60);
    expect((await post('/api/portal/resume', { mac: d.mac }, cookie)).status).toBe(200);
    expect((await post('/api/portal/pause', { mac: d.mac }, cookie)).json.pauses_left).toBe(0);
    // Longer than pause_max (2h): the poll logs the device back in by itself.
    advance(h, 2 * 3600 + 30);
    await cycle();
    expect((await voucherRow(h, code)).paused_at).toBeNull();
    expect(sessions().map((s) => s['mac-address'])).toEqual([d.mac]);
    const third = await post('/api/portal/pause', { mac: d.mac }, cookie);
    expect([third.status, third.json.code]).toEqual([429, 'PAUSE_LIMIT']);
    expect(third.json.error).toMatch(/2 times a day/);
    expect(sessions()).toHaveLength(1);
  });

  it('a code whose time runs out in the usage counted at Pause is refused, never shown as paused', async () => {
    const [code] = await makeVouchers(h, 'ONLINE', 1);
    const d = addDevice(h, 1);
    const cookie = (await redeem({ code, ...d })).cookie as string;
    await cycle();
    advance(h, 3590);
    await cycle();
    // The router ends the session at its hour (limit-uptime) before the next poll.
    advance(h, 20);
    expect(sessions()).toHaveLength(0);
    const res = await post('/api/portal/pause', { mac: d.mac }, cookie);
    // The usage counted at Pause is the router's hour: the code is used up, and Pause says so.
    expect([res.status, res.json.code]).toEqual([409, 'VOUCHER_NOT_ACTIVE']);
    expect((await voucherRow(h, code)).status).not.toBe('active');
    expect((await voucherRow(h, code)).paused_at).toBeNull();
    expect(await status(d.mac, cookie)).not.toMatchObject({ paused: true });
  });

  it('wall-clock vouchers cannot pause: 409 with a message, and no Pause button', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const d = addDevice(h, 1);
    const cookie = (await redeem({ code, ...d })).cookie as string;
    const res = await post('/api/portal/pause', { mac: d.mac }, cookie);
    expect([res.status, res.json.code]).toEqual([409, 'PAUSE_NOT_AVAILABLE']);
    expect(res.json.error).toMatch(/clock time/);
    expect(sessions()).toHaveLength(1);
    const page = await (
      await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(d.mac)}`, { headers: { cookie } })
    ).text();
    expect(page).not.toContain('action="/portal/pause"');
    expect((await status(d.mac, cookie)).pausable).toBe(false);
  });
});

describe('a new WiFi address for the same phone (its browser redeemed the code)', () => {
  it('moves the voucher with its usage when the old address is offline; bytes before still count', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const old = addDevice(h, 1);
    const { cookie } = await redeem({ code, ...old });
    h.sim.addTraffic(old.mac, { up: 0, down: 60_000_000 }, 600);
    advance(h, 600);
    await cycle();
    h.sim.addTraffic(old.mac, { up: 0, down: 10_000_000 }, 100); // not polled yet when the phone leaves
    await h.router.hotspotLogout(String(sessions()[0]['.id']));
    h.sim.removeDevice(old.mac);
    const fresh = addDevice(h, 2);
    const res = await redeem({ code, ...fresh }, cookie);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, moved: true, code });
    expect(sessions().map((s) => s['mac-address'])).toEqual([fresh.mac]);
    const row = await voucherRow(h, code);
    expect(row).toMatchObject({ bound_mac: fresh.mac, bytes_down: 70_000_000 });
    const devices = await h.core!.db('voucher_devices').where({ voucher_id: row.id });
    expect(devices.map((x: { mac: string }) => x.mac)).toEqual([fresh.mac]);
    // 40 MB more asked for on the new address: the router lets 30 MB through (70 MB before still count) and
    // stops it at the 100 MB cap; the voucher is used up.
    h.sim.addTraffic(fresh.mac, { up: 0, down: 40_000_000 }, 400);
    advance(h, 400);
    await cycle();
    const after = await voucherRow(h, code);
    expect([after.status, Number(after.counted_bytes)]).toEqual(['exhausted', 100_000_000]);
  });

  it('asks the new device to confirm while the old one is online, then logs the old one out', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const old = addDevice(h, 1);
    const first = await redeem({ code, ...old });
    // Said apart: a first phone not logged in would make the second's answer another one.
    expect([first.status, first.json.error, first.cookie === undefined]).toEqual([200, undefined, false]);
    const cookie = first.cookie;
    const fresh = addDevice(h, 2);
    const ask = await redeem({ code, ...fresh }, cookie);
    expect([ask.status, ask.json.code, ask.json.confirm_move]).toEqual([409, 'CONFIRM_MOVE', true]);
    expect(sessions().map((s) => s['mac-address'])).toEqual([old.mac]);
    const ok = await redeem({ code, ...fresh, confirm_move: true }, cookie);
    expect([ok.status, ok.json.moved]).toEqual([200, true]);
    expect(sessions().map((s) => s['mac-address'])).toEqual([fresh.mac]);
    await cycle();
    expect(queueOf(old.mac)).toBeUndefined();
    expect(queueOf(fresh.mac)?.comment).toBe(code);
  });

  it('enforces the daily move limit (setting, default 3)', async () => {
    const [code] = await makeVouchers(h, 'HOUR', 1);
    const macs = [1, 2, 3, 4, 5].map((n) => addDevice(h, n));
    // The same browser each time: every move leaves it the cookie of the address the code moved to.
    let { cookie } = await redeem({ code, ...macs[0] });
    for (let i = 1; i <= 3; i++) {
      const r = await redeem({ code, ...macs[i], confirm_move: true }, cookie);
      expect([r.status, r.json.moved]).toEqual([200, true]);
      cookie = r.cookie;
    }
    const refused = await redeem({ code, ...macs[4], confirm_move: true }, cookie);
    expect([refused.status, refused.json.code]).toEqual([429, 'MOVE_LIMIT']);
    expect(sessions().map((s) => s['mac-address'])).toEqual([macs[3].mac]);
    await h.core!.services.selfService.setMovesPerDay(4, { type: 'system', name: 'test' } as never);
    expect((await redeem({ code, ...macs[4], confirm_move: true }, cookie)).json.moved).toBe(true);
    await expect(
      h.core!.services.selfService.setMovesPerDay(99, { type: 'system', name: 'test' } as never),
    ).rejects.toThrow(/0 \(no moves\) to 20/);
  });
});
