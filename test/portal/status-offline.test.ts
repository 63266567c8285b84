/**
 * The status page says what the router says. After the router restarts and logs the phone out, the page (English
 * and Filipino) says "not connected" instead of "You are connected", shows no Pause button and no speed, keeps an
 * online-time plan's clock standing (a clock-time plan's clock keeps running, and says so), and offers one tap to
 * log in again with the same code. The API and the admin's figures agree.
 */
import { createHarness, Harness } from '../helpers/harness';
import { advance, routerBack } from '../usage/helpers';
import { addDevice, AUTH, makeVouchers, redeemApi, onlinePlan } from './helpers';
import * as notices from '../../src/services/network/usage/notices';

const PROFILES = [
  onlinePlan(),
  { name: 'CLOCK', price: 10, validity: '1h', users: 1, rate_up: '1M', rate_down: '2M' },
];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();
const heading = (html: string) => /<h1[^>]*id="status-title"[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];
const cookieOf = (r: { headers: Headers }) => (r.headers.get('set-cookie') ?? '').split(';')[0];

async function page(mac: string, cookie: string, lang = 'en'): Promise<string> {
  const res = await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(mac)}&lang=${lang}`, {
    headers: { cookie },
  });
  return res.text();
}

/** The router restarts: every session ends; the controller reconnects and its poll reads the router again. */
async function restartRouter(): Promise<void> {
  await h.sim.reboot();
  await routerBack(h);
  await cycle();
}

const loggedIn = () => h.sim.rows('/ip/hotspot/active').map((a) => a['mac-address']);

test.each([
  ['en', 'You are connected', 'You are not connected', 'Reconnect'],
  ['fil', 'Nakakonekta ka na', 'Hindi ka nakakonekta', 'Kumonekta muli'],
])(
  'a phone the router logged out: %s page says not connected, clock stands, one tap logs it in again',
  async (lang, connected, notConnected, button) => {
    const [code] = await makeVouchers(h, 'ONLINE', 1);
    const d = addDevice(h, 1);
    const cookie = cookieOf(await redeemApi(h, { code, ...d }));
    await cycle();
    advance(h, 600);
    await cycle();
    const before = await page(d.mac, cookie, lang);
    expect(heading(before)).toBe(connected);
    expect(before).toContain('id="pause"');

    await restartRouter();
    expect(loggedIn()).toEqual([]);
    advance(h, 300);
    await cycle();
    const off = await page(d.mac, cookie, lang);
    expect(heading(off)).toBe(notConnected);
    expect(off).toMatch(new RegExp(`<title>${notConnected}`));
    expect(off).toContain('data-state="offline"');
    expect(off).not.toContain(connected);
    // No Pause for a phone that is offline already, and no speed it does not get.
    expect(off).not.toContain('id="pause"');
    expect(off).not.toContain('Mbps down');
    // Online time: the clock stands (no countdown), at what was left when the router logged it out.
    expect(off).not.toContain('data-countdown');
    expect(off).toMatch(/id="time-left" role="timer">50m</);
    expect(off).toContain(`id="reconnect">${button}</button>`);

    // The API and the admin say the same.
    const api = (await (
      await fetch(`${h.app!.url}/api/portal/status?mac=${encodeURIComponent(d.mac)}`, { headers: { cookie } })
    ).json()) as Record<string, unknown>;
    expect(api).toMatchObject({ active: true, online: false, clock_running: false });
    const users = (await (await fetch(`${h.app!.url}/admin/api/user-traffic`, { headers: AUTH })).json()) as {
      users: Array<{ mac: string; connected: boolean }>;
    };
    expect(users.users.filter((u) => u.connected)).toEqual([]);

    // One tap: the form on the page, sent as it is (no code typed).
    const opened = await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(d.mac)}&lang=${lang}`, {
      headers: { cookie },
    });
    const form = {
      cookie: opened.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; '),
      token: /id="offline-help"[\s\S]*?name="_csrf" value="([^"]+)"/.exec(await opened.text())?.[1] ?? '',
    };
    const res = await fetch(`${h.app!.url}/portal/reconnect`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${cookie}; ${form.cookie}` },
      body: new URLSearchParams({ mac: d.mac, lang, _csrf: form.token }).toString(),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toContain('notice=reconnected');
    expect(loggedIn()).toEqual([d.mac]);
    const back = await page(d.mac, cookie, lang);
    expect(heading(back)).toBe(connected);
    expect(back).toContain('data-countdown');
    const row = (await h.core!.db('vouchers').where({ code }).first()) as { status: string };
    expect(row.status).toBe('active');
  },
);

test('a clock-time plan offline: the clock keeps running and the page says so', async () => {
  const [code] = await makeVouchers(h, 'CLOCK', 1);
  const d = addDevice(h, 1);
  const cookie = cookieOf(await redeemApi(h, { code, ...d }));
  await cycle();
  await restartRouter();
  const off = await page(d.mac, cookie);
  expect(heading(off)).toBe('You are not connected');
  expect(off).toContain('data-countdown');
  expect(off).toContain('Your time keeps running while you are offline.');
  const api = await (
    await fetch(`${h.app!.url}/api/portal/reconnect`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ mac: d.mac }),
    })
  ).json();
  expect(api).toMatchObject({ success: true, online: true });
  expect(loggedIn()).toEqual([d.mac]);
});

test('reconnect is only for the phone itself', async () => {
  const [code] = await makeVouchers(h, 'CLOCK', 1);
  const d = addDevice(h, 1);
  await redeemApi(h, { code, ...d });
  await cycle();
  await restartRouter();
  const res = await fetch(`${h.app!.url}/api/portal/reconnect`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ mac: d.mac }),
  });
  expect(res.status).toBe(403);
  expect(loggedIn()).toEqual([]);
});

const helpText = (html: string) => /<p id="offline-help">([^<]*)<\/p>/.exec(html)?.[1] ?? '';

test.each([
  ['en', /router may have restarted/, /The shop logged this phone out/],
  ['fil', /nag-restart ang router/, /Na-log out ng tindahan/],
])(
  'who logged the phone out: %s page blames the router only when the router did it',
  async (lang, byRouter, byShop) => {
    const [code] = await makeVouchers(h, 'CLOCK', 1);
    const d = addDevice(h, 1);
    const cookie = cookieOf(await redeemApi(h, { code, ...d }));
    await cycle();
    // The owner logs it out from the admin.
    await h.core!.services.bandwidth.kick(d.mac, { name: 'admin', via: 'admin' });
    await cycle();
    const kicked = helpText(await page(d.mac, cookie, lang));
    expect(kicked).toMatch(byShop);
    expect(kicked).not.toMatch(byRouter);
    // Back online, then the router restarts: that one is the router's doing.
    await redeemApi(h, { code, ...d });
    await cycle();
    await restartRouter();
    const restarted = helpText(await page(d.mac, cookie, lang));
    expect(restarted).toMatch(byRouter);
    expect(restarted).not.toMatch(byShop);
  },
);

/**
 * The owner's kick and a poll, interleaved. The kick logs the phone out on the router (its `hotspotLogout`), then marks its row
 * offline and records who did it; a poll that reads the router in between sees the session gone and may reach
 * the row before the kick or after it. Either way the page says the shop logged the phone out, and the feed
 * has the kick's logout as the last word.
 */
describe('a kick while the poll runs', () => {
  const kickAsOwner = (mac: string) => h.core!.services.bandwidth.kick(mac, { name: 'admin', via: 'admin' });
  const logoutsOf = async (voucherId: number) =>
    (
      (await h.core!.db('events').where({ voucher_id: voucherId, kind: 'logout' }).orderBy('id')) as Array<{
        data: string;
      }>
    ).map((e) => JSON.parse(e.data) as { by?: string });

  async function online(): Promise<{ mac: string; cookie: string; voucherId: number }> {
    const [code] = await makeVouchers(h, 'CLOCK', 1);
    const d = addDevice(h, 1);
    const cookie = cookieOf(await redeemApi(h, { code, ...d }));
    await cycle();
    const { id } = (await h.core!.db('vouchers').where({ code }).first('id')) as { id: number };
    return { mac: d.mac, cookie, voucherId: id };
  }

  afterEach(() => jest.restoreAllMocks());

  test('the poll writes its rows before the kick does: the kick still records its logout, after the poll', async () => {
    const { mac, cookie, voucherId } = await online();
    const router = h.core!.defaultStack.router;
    const logout = router.hotspotLogout.bind(router);
    const spy = jest.spyOn(router, 'hotspotLogout').mockImplementation(async (ids) => {
      const out = await logout(ids);
      await cycle(); // reads the router after the logout and sets the row offline first
      return out;
    });
    await kickAsOwner(mac);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(loggedIn()).toEqual([]);
    const logouts = await logoutsOf(voucherId);
    expect(logouts.at(-1)?.by).toBe('admin');
    expect(helpText(await page(mac, cookie))).toMatch(/The shop logged this phone out/);
  });

  test('the kick marks the row between the poll’s load and its write: the poll records no logout of its own', async () => {
    const { mac, cookie, voucherId } = await online();
    const router = h.core!.defaultStack.router;
    const logout = router.hotspotLogout.bind(router);
    let loaded!: () => void;
    const pollLoaded = new Promise<void>((r) => (loaded = r));
    let kicked!: () => void;
    const kickDone = new Promise<void>((r) => (kicked = r));
    let poll: Promise<unknown> = Promise.resolve();
    jest.spyOn(router, 'hotspotLogout').mockImplementation(async (ids) => {
      const out = await logout(ids);
      poll = cycle(); // reads the router after the logout and loads the row while it is still online
      await pollLoaded;
      return out;
    });
    const adopt = notices.adoptSessions;
    const adopted = jest.spyOn(notices, 'adoptSessions').mockImplementation(async (...args) => {
      loaded();
      await kickDone; // the kick marks the row offline and records its logout before the poll writes
      return adopt(...args);
    });
    await kickAsOwner(mac);
    kicked();
    await poll;
    expect(adopted).toHaveBeenCalled();
    expect((await h.core!.db('voucher_devices').where({ mac }).first('connected')).connected).toBeFalsy();
    const logouts = await logoutsOf(voucherId);
    expect(logouts).toEqual([expect.objectContaining({ by: 'admin' })]);
    expect(helpText(await page(mac, cookie))).toMatch(/The shop logged this phone out/);
  });
});
