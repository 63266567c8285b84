import { createHarness, Harness } from '../helpers/harness';
import { addDevice, makeVouchers, redeemApi, voucherRow } from './helpers';
import { waitFor as waitUntil } from '../helpers/wait';

describe('portal redemption over HTTP against the simulated router', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('logs the device in, adds its queue above the dynamic hotspot queues and activates the voucher', async () => {
    // A hotspot profile with rate-limit makes RouterOS add a dynamic <hotspot-USER> queue at login.
    const [otherProfileId] = await h.router
      .add('/ip/hotspot/user/profile', { name: 'walkin', 'rate-limit': '256k/256k' })
      .then((id) => [id]);
    expect(otherProfileId).toMatch(/^\*/);
    await h.router.add('/ip/hotspot/user', { name: 'walkin1', password: 'x', profile: 'walkin' });
    const other = addDevice(h, 9);
    await h.router.hotspotLogin({ user: 'walkin1', password: 'x', mac: other.mac, ip: other.ip });
    expect(h.sim.rows('/queue/simple').map((q) => q.name)).toEqual(['<hotspot-walkin1>']);

    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    const res = await redeemApi(h, {
      code: code.toLowerCase().replace(/(.{4})/, '$1-'),
      mac: d.mac.toLowerCase(),
      ip: d.ip,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      success: true,
      code,
      profile: 'BASIC',
      rate_up: 512000,
      rate_down: 1000000,
    });
    const now = h.clock.now();
    expect(res.json.expires_at).toBe(new Date(now + 3600_000).toISOString());

    const active = h.sim.rows('/ip/hotspot/active').find((a) => a.user === code);
    expect(active).toMatchObject({ 'mac-address': d.mac, address: d.ip });
    const queues = h.sim.rows('/queue/simple');
    expect(queues.map((q) => q.name)).toEqual([`pisonet-${d.mac}`, '<hotspot-walkin1>']);
    expect(queues[0]).toMatchObject({
      target: `${d.ip}/32`,
      'max-limit': '512000/1000000',
      comment: code,
      dynamic: 'false',
    });

    const user = h.sim.rows('/ip/hotspot/user').find((u) => u.name === code);
    expect(user).toMatchObject({
      password: code,
      'limit-uptime': '1h',
      'mac-address': d.mac,
      comment: 'pisonet BASIC',
    });

    const v = await voucherRow(h, code);
    expect(v).toMatchObject({
      status: 'active',
      activated_at: now,
      expires_at: now + 3600_000,
      bound_mac: d.mac,
    });
    const dev = await h.core!.db('voucher_devices').where({ voucher_id: v.id }).first();
    expect(dev).toMatchObject({
      mac: d.mac,
      ip: d.ip,
      source_counter_id: queues[0]['.id'],
      baseline_up: 0,
      baseline_down: 0,
    });

    // The status answers the device that redeemed (its signed cookie), with the code masked; not a stranger.
    const statusUrl = `${h.app!.url}/api/portal/status?mac=${encodeURIComponent(d.mac)}`;
    const device = res.headers
      .getSetCookie()
      .find((c) => c.startsWith('pisonet_device='))!
      .split(';')[0];
    const status = await (await fetch(statusUrl, { headers: { cookie: device } })).json();
    expect(status).toMatchObject({
      success: true,
      active: true,
      code: `${code.slice(0, 2)}…${code.slice(-2)}`,
      remaining_seconds: 3600,
      used_bytes: 0,
      cap_bytes: null,
      throttled: false,
    });
    const stranger = await (await fetch(statusUrl)).json();
    expect(stranger).toMatchObject({ success: true, active: false, code: null, profile: null });
    const forged = await (
      await fetch(statusUrl, { headers: { cookie: `pisonet_device=${d.mac}.forged` } })
    ).json();
    expect(forged).toMatchObject({ active: false, code: null });
  });

  it('answers the status to a device asking from its own hotspot address, without a cookie', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    // The test client connects from 127.0.0.1: a device the hotspot sees at that address is "us".
    const d = { mac: '02:AA:00:00:00:7F', ip: '127.0.0.1' };
    h.sim.addDevice(d);
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);
    const own = await (
      await fetch(`${h.app!.url}/api/portal/status?mac=${encodeURIComponent(d.mac)}`)
    ).json();
    expect(own).toMatchObject({ active: true, code: `${code.slice(0, 2)}…${code.slice(-2)}` });
    expect(JSON.stringify(own)).not.toContain(code);
  });

  it('lets exactly one of two devices racing for the same code win', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const a = addDevice(h, 1);
    const b = addDevice(h, 2);
    const results = await Promise.all([redeemApi(h, { code, ...a }), redeemApi(h, { code, ...b })]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    // The loser is refused either way, by when it read the code: still unused (it then lost the redemption
    // under the code's lock: DEVICE_LIMIT) or already the winner's (another phone entering a code in use on
    // an online device is refused: CODE_IN_USE). On a loaded machine either order happens; what must hold is
    // below.
    const loser = results.find((r) => r.status === 409)!.json as { success: boolean; code: string };
    expect(loser.success).toBe(false);
    expect(['DEVICE_LIMIT', 'CODE_IN_USE']).toContain(loser.code);
    expect(h.sim.rows('/ip/hotspot/active').filter((s) => s.user === code)).toHaveLength(1);
    expect(h.sim.rows('/queue/simple')).toHaveLength(1);
    expect(await h.core!.db('voucher_devices')).toHaveLength(1);
    // The loser's login was undone before it could bind the code to its MAC: the winner's binding stands.
    const winner = results[0].status === 200 ? a : b;
    const user = h.sim.rows('/ip/hotspot/user').find((u) => u.name === code);
    expect(user?.['mac-address']).toBe(winner.mac);
    expect(h.sim.rows('/ip/hotspot/active').find((s) => s.user === code)?.['mac-address']).toBe(winner.mac);
    expect((await h.core!.db('voucher_devices').select('mac')).map((r: { mac: string }) => r.mac)).toEqual([
      winner.mac,
    ]);
  });

  it('refuses wrong codes with 404, then rate-limits the device with 429 and Retry-After', async () => {
    const d = addDevice(h, 1);
    for (let i = 0; i < 5; i++) {
      const r = await redeemApi(h, { code: `WRONG${i}XYZ`, ...d });
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ success: false, code: 'INVALID_CODE' });
    }
    const locked = await redeemApi(h, { code: 'WRONG9XYZ', ...d });
    expect(locked.status).toBe(429);
    expect(locked.json.code).toBe('RATE_LIMITED');
    // Five wrong codes from one address in a minute: its askers that guessed wrong wait for the minute's end.
    expect(Number(locked.headers.get('retry-after'))).toBe(60);
    // Even a good code from the same asker waits it out; afterwards it works.
    const [code] = await makeVouchers(h, 'BASIC', 1);
    expect((await redeemApi(h, { code, ...d })).status).toBe(429);
    h.clock.advance(61_000);
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);
  });

  it('refuses a MAC/IP pair the router does not see (403) without consuming the code', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    const spoofed = await redeemApi(h, { code, mac: d.mac, ip: '10.5.50.250' });
    expect(spoofed.status).toBe(403);
    expect(spoofed.json.code).toBe('UNKNOWN_DEVICE');
    const unknown = await redeemApi(h, { code, mac: '02:AA:00:00:00:77', ip: '10.5.50.177' });
    expect(unknown.status).toBe(403);
    expect((await voucherRow(h, code)).status).toBe('unused');
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
  });

  it('returns 503 and keeps the claim for the poll when the router drops during login; a retry works', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    h.sim.faults.dropConnectionOn('/ip/hotspot/active/login');
    const res = await redeemApi(h, { code, ...d });
    expect(res.status).toBe(503);
    // Sent and unanswered: the router may have let the phone in, so the claim stays until the poll reads the
    // router's sessions (test/portal/login-unanswered.test.ts).
    expect(res.json).toMatchObject({ success: false, code: 'LOGIN_UNCONFIRMED' });
    expect(await voucherRow(h, code)).toMatchObject({ status: 'active' });
    expect((await h.core!.db('voucher_devices')).map((r) => r.login_pending_at !== null)).toEqual([true]);
    await h.router.waitConnected(5000);
    expect(h.sim.rows('/queue/simple')).toHaveLength(0);
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(0);
    // The customer retries once the router is back: it works.
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);
  });

  it('completes on retry when the link drops after login, and answers 503 when the router is unreachable', async () => {
    const [code, code2] = await makeVouchers(h, 'BASIC', 2);
    const d = addDevice(h, 1);
    h.sim.faults.dropConnectionOn('/queue/simple/add');
    const first = await redeemApi(h, { code, ...d });
    expect([first.status, first.json.code]).toEqual([503, 'LOGIN_UNCONFIRMED']);
    await h.router.waitConnected(5000);
    h.sim.faults.clear();
    // The login went through before the link dropped: the claim stays (the poll would confirm it and add the
    // queue). Retrying completes the redemption instead of logging in twice.
    expect((await voucherRow(h, code)).status).toBe('active');
    expect(h.sim.rows('/queue/simple')).toHaveLength(0);
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([code]);
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([code]);
    expect(h.sim.rows('/queue/simple').map((q) => q.comment)).toEqual([code]);
    expect((await voucherRow(h, code)).status).toBe('active');
    const d2 = addDevice(h, 2);

    h.sim.setReachable(false);
    await waitFor(() => !h.router.status.connected);
    const down = await redeemApi(h, { code: code2, ...d2 });
    expect(down.status).toBe(503);
    expect((await voucherRow(h, code2)).status).toBe('unused');
    h.sim.setReachable(true);
  });

  it('logs the bound device back in without consuming anything, and refuses another device', async () => {
    const [code] = await makeVouchers(h, 'BASIC', 1);
    const d = addDevice(h, 1);
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);
    const before = await voucherRow(h, code);
    // Router rebooted: sessions and their queues are gone; the device enters the code again.
    h.clock.advance(10 * 60_000);
    let dropped = false;
    const off = h.router.onStatus((s) => (dropped ||= !s.connected));
    await h.sim.reboot();
    await waitFor(() => dropped && h.router.status.connected);
    off();
    h.sim.addDevice(d);
    const again = await redeemApi(h, { code, ...d });
    expect(again.status).toBe(200);
    expect(again.json.relogin).toBe(true);
    expect(await voucherRow(h, code)).toMatchObject({
      status: 'active',
      activated_at: before.activated_at,
      expires_at: before.expires_at,
    });
    expect(h.sim.rows('/ip/hotspot/active').filter((a) => a.user === code)).toHaveLength(1);
    // Entering it again while logged in is harmless too.
    expect((await redeemApi(h, { code, ...d })).status).toBe(200);

    // Another device is not let in beside it, nor may it take the code from the first, which is online
    // (only the browser that redeemed the code may move it to a new address).
    const other = addDevice(h, 2);
    const refused = await redeemApi(h, { code, ...other });
    expect(refused.status).toBe(409);
    expect(refused.json.code).toBe('CODE_IN_USE');
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a['mac-address'])).toEqual([d.mac]);

    // Past its hour the code is refused (410) even on its own device, and nothing is added on the router.
    h.clock.advance(60 * 60_000);
    const late = await redeemApi(h, { code, ...d });
    expect(late.status).toBe(410);
    expect(late.json.code).toBe('VOUCHER_EXPIRED');
  });

  it('lets a profile for two devices be used by two devices, not three', async () => {
    // The router's user profile must allow as many sessions per user as the biggest profile (docs/router-setup.md).
    const [def] = await h.router.print('/ip/hotspot/user/profile', { query: ['name=default'] });
    await h.router.set('/ip/hotspot/user/profile', def['.id'], { 'shared-users': 'unlimited' });
    await h.core!.services.profiles.create(
      { name: 'DUO', price: 15, validity: '3h', users: 2, rate_up: '1M', rate_down: '2M' },
      { name: 't', via: 'system' },
    );
    const [code] = await makeVouchers(h, 'DUO', 1);
    const [a, b, c] = [addDevice(h, 1), addDevice(h, 2), addDevice(h, 3)];
    expect((await redeemApi(h, { code, ...a })).status).toBe(200);
    expect((await redeemApi(h, { code, ...b })).status).toBe(200);
    // A third device is never let in beside the two, nor may it take the place of one that is online.
    expect((await redeemApi(h, { code, ...c })).json.code).toBe('CODE_IN_USE');
    expect(h.sim.rows('/ip/hotspot/active')).toHaveLength(2);
    expect(h.sim.rows('/queue/simple').map((q) => q['max-limit'])).toEqual([
      '1000000/2000000',
      '1000000/2000000',
    ]);
    expect((await voucherRow(h, code)).bound_mac).toBeNull();
  });

  it("a two-device plan on a router that allows one session per user: the second phone is told the hotspot's limit, the owner warned", async () => {
    await h.core!.services.profiles.create(
      { name: 'DUO', price: 15, validity: '3h', users: 2, rate_up: '1M', rate_down: '2M' },
      { name: 't', via: 'system' },
    );
    const [code] = await makeVouchers(h, 'DUO', 1);
    expect((await redeemApi(h, { code, ...addDevice(h, 1) })).status).toBe(200);
    const second = await redeemApi(h, { code, ...addDevice(h, 2) });
    expect([second.status, second.json.code]).toEqual([503, 'ROUTER_DEVICE_LIMIT']);
    expect(second.json.error).toMatch(
      /^The hotspot lets fewer devices use one code than this code's plan allows/,
    );
    // The router's setup is read again at once: the owner sees what to fix.
    await waitFor(() => h.core!.defaultStack.checks.warnings().some((w) => w.code === 'SETUP_INCOMPLETE'));
    const warning = h.core!.defaultStack.checks.warnings().find((w) => w.code === 'SETUP_INCOMPLETE')!;
    expect(warning.message).toMatch(/user-profile wrong/);
  });
});

const waitFor = (cond: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(cond, ms);

describe('a device switching to a new voucher', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  it('a second code of another plan waits for the first one to end; the running session and queue are untouched', async () => {
    const [basic] = await makeVouchers(h, 'BASIC', 1);
    const [premium] = await makeVouchers(h, 'PREMIUM', 1);
    const d = addDevice(h, 1);
    expect((await redeemApi(h, { code: basic, ...d })).status).toBe(200);
    h.sim.addTraffic(d.mac, { up: 1000, down: 50_000 });
    const res = await redeemApi(h, { code: premium, ...d });
    expect(res.status).toBe(200);
    // Plans with other speeds cannot be added together: the new code is kept for this phone (a queued top-up).
    expect(res.json.topped_up).toMatchObject({ mode: 'queue' });
    expect(h.sim.rows('/ip/hotspot/active').map((a) => a.user)).toEqual([basic]);
    const queues = h.sim.rows('/queue/simple');
    expect(queues).toHaveLength(1);
    expect(queues[0]).toMatchObject({ name: `pisonet-${d.mac}`, comment: basic });
    expect(queues[0].bytes).not.toBe('0/0'); // the first code's bytes keep counting
    expect(await voucherRow(h, premium)).toMatchObject({ status: 'unused', queued_mac: d.mac });
  });
});
