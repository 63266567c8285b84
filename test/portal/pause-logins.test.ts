/**
 * A pause on an API site holds against the router's own logins: while the code is paused its hotspot user is
 * disabled and its `/ip/hotspot/cookie` entries are gone, so the phone's MAC cookie and the router's own login
 * page cannot log it back in and run its time; the users check keeps it disabled, and a router reset gets it back
 * disabled. Resume (or the profile's longest pause) enables it again and logs the phone in with the time it had.
 */
import { createHarness, Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { addDevice, makeVouchers, voucherRow, onlinePlan } from './helpers';
import { waitFor as waitUntil } from '../helpers/wait';

const PROFILES = [onlinePlan({ pause_max: '2h' })];

let h: Harness;
beforeEach(async () => {
  // The server's own poll job runs: a reset router gets its users back at the reconnect by itself.
  h = await createHarness({ http: true, serverPoll: true, profiles: PROFILES, sim: { hotspotHttpPort: 0 } });
  // The phone logs in by itself when it comes back to the hotspot: its MAC cookie (or its browser's cookie).
  await h.router.command('/ip/hotspot/profile/set', {
    numbers: 'hsprof1',
    'login-by': 'http-pap,cookie,mac-cookie',
  });
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();
const sessions = () => h.sim.rows('/ip/hotspot/active');
const userOf = (code: string) => h.sim.rows('/ip/hotspot/user').find((u) => u.name === code);
const cookiesOf = (code: string) => h.sim.rows('/ip/hotspot/cookie').filter((c) => c.user === code);

async function post(path: string, body: Record<string, unknown>, cookie?: string) {
  const res = await fetch(`${h.app!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const set = res.headers.getSetCookie().find((c) => c.startsWith('pisonet_device='));
  return {
    status: res.status,
    json: (await res.json()) as Record<string, unknown>,
    cookie: set?.split(';')[0],
  };
}

/** The phone opens a page: the hotspot sends it to /login, where its cookie logs it in when it may. */
async function phoneComesBack(mac: string, form?: Record<string, string>) {
  const res = await fetch(`http://127.0.0.1:${h.sim.hotspotHttpPort}/login`, {
    method: form ? 'POST' : 'GET',
    headers: { 'X-Sim-Client-Mac': mac, 'content-type': 'application/x-www-form-urlencoded' },
    body: form ? new URLSearchParams(form).toString() : undefined,
    redirect: 'manual',
  });
  return { status: res.status, error: /<p id="error">([^<]*)<\/p>/.exec(await res.text())?.[1] };
}

const waitFor = (cond: () => boolean | Promise<boolean>, ms = 20_000) => waitUntil(cond, ms);

/**
 * A phone online on a code for 10 minutes, then its Pause held at the router's logout (until `release()`): paused
 * in the database, its login refused, its session not ended yet.
 */
async function pauseHeldAtLogout() {
  const [code] = await makeVouchers(h, 'ONLINE', 1);
  const d = addDevice(h, 1);
  const first = await post('/api/portal/redeem', { code, ...d });
  advance(h, 600);
  await cycle();
  const { atLogout, release } = holdFirstLogout();
  const pausing = post('/api/portal/pause', { mac: d.mac }, first.cookie);
  await atLogout;
  return { code, pausing, release };
}

/** The router's first hotspot logout from now on waits for `release()`; `atLogout` resolves when it is reached. */
function holdFirstLogout(): { atLogout: Promise<void>; release: () => void } {
  const logout = h.router.hotspotLogout.bind(h.router);
  let reached!: () => void;
  let release!: () => void;
  const atLogout = new Promise<void>((r) => (reached = r));
  const held = new Promise<void>((r) => (release = r));
  let once = true;
  h.router.hotspotLogout = async (ids) => {
    if (once) {
      once = false;
      reached();
      await held;
    }
    return logout(ids);
  };
  return { atLogout, release };
}

async function pausedOnline() {
  const [code] = await makeVouchers(h, 'ONLINE', 1);
  const d = addDevice(h, 1);
  const first = await post('/api/portal/redeem', { code, ...d });
  expect(first.status).toBe(200);
  advance(h, 600);
  await cycle();
  expect(cookiesOf(code)).toHaveLength(1);
  const paused = await post('/api/portal/pause', { mac: d.mac }, first.cookie);
  expect(paused.status).toBe(200);
  return { code, d, cookie: first.cookie as string, kept: paused.json.remaining_seconds as number };
}

describe('a paused code on an API site', () => {
  it('its user is disabled and its cookies gone: the MAC cookie and the router page are refused', async () => {
    const { code, d, cookie, kept } = await pausedOnline();
    expect(kept).toBe(3000);
    expect(sessions()).toEqual([]);
    expect(userOf(code)?.disabled).toBe('true');
    expect(cookiesOf(code)).toEqual([]);

    advance(h, 300);
    const back = await phoneComesBack(d.mac);
    expect(back.status).toBe(200);
    expect(sessions()).toEqual([]);
    const typed = await phoneComesBack(d.mac, { username: code, password: code });
    expect([typed.status, typed.error]).toEqual([200, 'invalid username or password']);
    expect(sessions()).toEqual([]);
    await cycle();
    expect((await voucherRow(h, code)).paused_at).not.toBeNull();

    // Resume: enabled again, the phone back online with the time it had at the pause.
    const resumed = await post('/api/portal/resume', { mac: d.mac }, cookie);
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ paused: false, remaining_seconds: kept });
    expect(userOf(code)?.disabled).toBe('false');
    expect(sessions()).toEqual([expect.objectContaining({ user: code, 'mac-address': d.mac })]);
    // The login again leaves the phone a cookie again.
    expect(cookiesOf(code)).toEqual([expect.objectContaining({ 'mac-address': d.mac })]);
  });

  it('the users check keeps it disabled, and a reset router gets it back disabled', async () => {
    const { code, d, cookie } = await pausedOnline();
    await h.core!.defaultStack.hotspotUsers!.check();
    expect(userOf(code)?.disabled).toBe('true');

    // Enabled by hand: the check puts it back as the paused voucher calls for.
    await h.router.set('/ip/hotspot/user', userOf(code)!['.id'], { disabled: 'false' });
    await h.core!.defaultStack.hotspotUsers!.check();
    expect(userOf(code)?.disabled).toBe('true');

    await h.sim.resetConfiguration();
    await waitFor(() => userOf(code) !== undefined);
    expect(userOf(code)?.disabled).toBe('true');
    await h.router.command('/ip/hotspot/profile/set', { numbers: 'hsprof1', 'login-by': 'http-pap,cookie' });
    expect((await phoneComesBack(d.mac, { username: code, password: code })).status).toBe(200);
    expect(sessions()).toEqual([]);

    await waitFor(async () => (await voucherRow(h, code)).router_user_id === userOf(code)?.['.id']);
    expect((await post('/api/portal/resume', { mac: d.mac }, cookie)).status).toBe(200);
    expect(userOf(code)?.disabled).toBe('false');
    expect(sessions()).toEqual([expect.objectContaining({ user: code })]);
  });

  it('the code typed on the portal resumes it: enabled again, the phone online', async () => {
    const { code, d, cookie, kept } = await pausedOnline();
    const typed = await post('/api/portal/redeem', { code, ...d }, cookie);
    expect(typed.status).toBe(200);
    expect((await voucherRow(h, code)).paused_at).toBeNull();
    expect(userOf(code)?.disabled).toBe('false');
    expect(sessions()).toEqual([expect.objectContaining({ user: code, 'mac-address': d.mac })]);
    expect(kept).toBe(3000);
  });

  it("a paused code moved to its owner's new address is let in there", async () => {
    const { code, cookie } = await pausedOnline();
    const other = addDevice(h, 2);
    const moved = await post('/api/portal/redeem', { code, ...other }, cookie);
    expect(moved.status).toBe(200);
    expect(moved.json).toMatchObject({ moved: true });
    expect((await voucherRow(h, code)).paused_at).toBeNull();
    expect(userOf(code)?.disabled).toBe('false');
    expect(sessions()).toEqual([expect.objectContaining({ user: code, 'mac-address': other.mac })]);
  });

  it('a poll that lands while the pause logs the phone out does not read the phone as back online', async () => {
    // The pause's logout is held at the router until a poll has run: the code is paused in the database and
    // its login refused, but its session is not ended yet, so the device still shows online.
    const { code, pausing, release } = await pauseHeldAtLogout();
    await cycle();
    release();
    expect((await pausing).status).toBe(200);
    expect((await voucherRow(h, code)).paused_at).not.toBeNull();
    expect(userOf(code)?.disabled).toBe('true');
    expect(sessions()).toEqual([]);
  });

  it('a poll that read the phone online just before the pause logged it out does not end the pause after it', async () => {
    // The pause is held at its logout (paused in the database, its login refused, its session not ended yet).
    const { code, pausing, release } = await pauseHeldAtLogout();
    // A poll reads the sessions now, with the phone still online; the pause then finishes before that poll goes
    // on to the database: the poll's reading is older than the pause's logout.
    const printEach = h.router.printEach!.bind(h.router);
    let gate = true;
    h.router.printEach = async (menu, opts, onRow) => {
      await printEach(menu, opts, onRow);
      if (gate && menu === '/ip/hotspot/active') {
        gate = false;
        release();
        expect((await pausing).status).toBe(200);
      }
    };
    await cycle();
    h.router.printEach = printEach;
    expect((await voucherRow(h, code)).paused_at).not.toBeNull();
    expect(userOf(code)?.disabled).toBe('true');
    expect(sessions()).toEqual([]);
    // The next poll sees the phone offline, and the pause holds.
    advance(h, 30);
    await cycle();
    expect((await voucherRow(h, code)).paused_at).not.toBeNull();
  });

  it("the profile's longest pause ends it: enabled again and the phone logged back in", async () => {
    const { code, d } = await pausedOnline();
    expect(userOf(code)?.disabled).toBe('true');
    advance(h, 2 * 3600 + 30);
    await cycle();
    expect((await voucherRow(h, code)).paused_at).toBeNull();
    expect(userOf(code)?.disabled).toBe('false');
    expect(sessions()).toEqual([expect.objectContaining({ user: code, 'mac-address': d.mac })]);
  });
});
