/**
 * Pause as the customer sees it: while paused the status page's heading says "Paused" with the
 * time kept (not "You are connected"), and a code shared by several devices pauses and resumes as a whole:
 * Pause logs every device out, Resume logs back in those that were online and are still on the WiFi, and
 * the page says so.
 */
import { createHarness, Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { addDevice, makeVouchers, redeemApi, onlinePlan } from './helpers';

const PROFILES = [
  onlinePlan(),
  {
    name: 'FAMILY',
    price: 20,
    validity: '1h',
    users: 2,
    rate_up: '1M',
    rate_down: '2M',
    time_mode: 'uptime',
  },
];

let h: Harness;
beforeEach(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  // As docs/router-setup.md asks: the hotspot lets a user in more than once; the controller counts devices.
  const [def] = await h.router.print('/ip/hotspot/user/profile', { query: ['name=default'] });
  await h.router.set('/ip/hotspot/user/profile', def['.id'], { 'shared-users': 'unlimited' });
});
afterEach(async () => {
  await h.close();
});

const cycle = () => h.core!.services.usage.runCycle();
const online = () =>
  h.sim
    .rows('/ip/hotspot/active')
    .map((s) => s['mac-address'])
    .sort();

async function post(path: string, body: Record<string, unknown>, cookie: string) {
  const res = await fetch(`${h.app!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function page(mac: string, cookie: string): Promise<string> {
  const res = await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(mac)}`, {
    headers: { cookie },
  });
  return res.text();
}

const heading = (html: string) => /<h1[^>]*>([^<]*)<\/h1>/.exec(html)?.[1];
const cookieOf = (r: { headers: Headers }) => (r.headers.get('set-cookie') ?? '').split(';')[0];

test('while paused the heading says Paused with the time kept; after Resume, You are connected', async () => {
  const [code] = await makeVouchers(h, 'ONLINE', 1);
  const d = addDevice(h, 1);
  const cookie = cookieOf(await redeemApi(h, { code, ...d }));
  await cycle();
  advance(h, 3000);
  expect(heading(await page(d.mac, cookie))).toBe('You are connected');
  expect((await post('/api/portal/pause', { mac: d.mac }, cookie)).status).toBe(200);

  const paused = await page(d.mac, cookie);
  expect(heading(paused)).toBe('Paused');
  expect(paused).toMatch(/<title>Paused/);
  expect(paused).toContain('data-state="paused"');
  expect(paused).toMatch(/<dt>Time kept<\/dt><dd class="big"><span id="time-left"[^>]*>10m</);
  expect(paused).not.toContain('You are connected');
  expect(paused).not.toContain('Mbps down'); // no speed while no device is online
  expect(paused).toContain('id="resume"');
  // How to go online again: nothing logs the code in by itself while paused (docs/api.md, the pause section).
  expect(paused).toContain(
    'While paused, this code logs in nowhere, not even by itself. To go online again, tap Resume here, or type the code on this WiFi&#39;s login page.',
  );
  // Filipino too.
  const fil = await (
    await fetch(`${h.app!.url}/portal/status?mac=${encodeURIComponent(d.mac)}&lang=fil`, {
      headers: { cookie },
    })
  ).text();
  expect(heading(fil)).toBe('Naka-pause');
  expect(fil).toContain('i-tap ang Ituloy dito, o i-type ang code sa login page ng WiFi na ito.');

  expect((await post('/api/portal/resume', { mac: d.mac }, cookie)).status).toBe(200);
  const back = await page(d.mac, cookie);
  expect(heading(back)).toBe('You are connected');
  expect(back).toContain('<dt>Time left</dt>');
});

test('a two-device code: Pause logs both out, Resume brings back both, the page says what happens', async () => {
  const [code] = await makeVouchers(h, 'FAMILY', 1);
  const a = addDevice(h, 1);
  const b = addDevice(h, 2);
  const cookie = cookieOf(await redeemApi(h, { code, ...a }));
  const second = await redeemApi(h, { code, ...b });
  expect(second.status).toBe(200);
  await cycle();
  expect(online()).toEqual([a.mac, b.mac]);
  expect(await page(a.mac, cookie)).toContain('It logs out every device on this code.');

  expect((await post('/api/portal/pause', { mac: a.mac }, cookie)).json).toMatchObject({ paused: true });
  expect(online()).toEqual([]);
  const paused = await page(a.mac, cookie);
  expect(paused).toContain('Resume logs this phone back in, and your other devices that were online');
  advance(h, 600);
  await cycle();
  expect(online()).toEqual([]);

  expect((await post('/api/portal/resume', { mac: a.mac }, cookie)).json).toMatchObject({ paused: false });
  expect(online()).toEqual([a.mac, b.mac]);
  await cycle();
  const queues = h.sim.rows('/queue/simple').map((q) => q.name);
  expect(queues).toEqual(expect.arrayContaining([`pisonet-${a.mac}`, `pisonet-${b.mac}`]));
});

test('a device that left the WiFi while paused does not stop the resume; it logs in again later', async () => {
  const [code] = await makeVouchers(h, 'FAMILY', 1);
  const a = addDevice(h, 1);
  const b = addDevice(h, 2);
  const cookie = cookieOf(await redeemApi(h, { code, ...a }));
  await redeemApi(h, { code, ...b });
  await cycle();
  expect((await post('/api/portal/pause', { mac: a.mac }, cookie)).status).toBe(200);
  h.sim.removeDevice(b.mac);
  const resumed = await post('/api/portal/resume', { mac: a.mac }, cookie);
  expect([resumed.status, resumed.json.paused]).toEqual([200, false]);
  expect(online()).toEqual([a.mac]);
  // Back on the WiFi, it logs in with the same code (a relogin, within the two devices).
  h.sim.addDevice(b);
  expect((await redeemApi(h, { code, ...b })).status).toBe(200);
  expect(online()).toEqual([a.mac, b.mac]);
});
