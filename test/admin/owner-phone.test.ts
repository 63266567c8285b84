/**
 * The owner's pages as a phone reads them: Settings' sections, the time-zone list, code strength in a shop's
 * words, durations in the activity feed and a top-up code's page.
 */
import { createHarness, Harness } from '../helpers/harness';
import { advance } from '../usage/helpers';
import { addDevice, makeVouchers } from '../portal/helpers';
import { AdminClient } from './client';

const PROFILES = [
  { name: 'HOUR', price: 10, validity: '1h', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '100M' },
  { name: 'HALF', price: 5, validity: '30m', users: 1, rate_up: '512K', rate_down: '1M', data_cap: '50M' },
  {
    name: 'ONLINE6',
    price: 30,
    validity: '6h',
    users: 1,
    rate_up: '1M',
    rate_down: '2M',
    time_mode: 'uptime',
  },
];

let h: Harness;
let c: AdminClient;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
});
afterAll(async () => {
  await h.close();
});

async function post(path: string, body: Record<string, unknown>, cookie?: string) {
  const res = await fetch(`${h.app!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const set = res.headers.getSetCookie().find((x) => x.startsWith('pisonet_device='));
  return { status: res.status, cookie: set?.split(';')[0] };
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('Settings', () => {
  test('a section list at the top reaches every section in one tap', async () => {
    const html = await c.html('/admin/settings');
    const nav = /<nav class="section-nav"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '';
    const targets = [...nav.matchAll(/href="#([\w-]+)"/g)].map((m) => m[1]);
    const sections = [...html.matchAll(/<section class="card[^"]*" id="([\w-]+)"/g)].map((m) => m[1]);
    expect(sections.length).toBeGreaterThanOrEqual(9);
    expect([...targets].sort()).toEqual([...sections].sort());
    // Above the first section, so a phone sees it on opening the page.
    expect(html.indexOf('class="section-nav"')).toBeLessThan(html.indexOf('<section class="card'));
  });

  test('the time zones: Southeast Asia first, current names only, each once, searchable by typing', async () => {
    const html = await c.html('/admin/settings');
    expect(html).toMatch(/<input type="text" id="f-tz" name="tz"[^>]* list="tz-zones"/);
    const list = /<datalist id="tz-zones"[\s\S]*?<\/datalist>/.exec(html)?.[0] ?? '';
    const zones = [...list.matchAll(/<option value="([^"]+)"/g)].map((m) => m[1]);
    expect(zones.slice(0, 9)).toEqual([
      'Asia/Manila',
      'Asia/Jakarta',
      'Asia/Pontianak',
      'Asia/Makassar',
      'Asia/Jayapura',
      'Asia/Kuala_Lumpur',
      'Asia/Singapore',
      'Asia/Bangkok',
      'Asia/Ho_Chi_Minh',
    ]);
    for (const old of ['Asia/Saigon', 'Asia/Calcutta', 'Asia/Rangoon', 'Europe/Kiev', 'Asia/Katmandu'])
      expect(zones).not.toContain(old);
    for (const current of ['Asia/Kolkata', 'Asia/Yangon', 'Europe/Kyiv', 'Asia/Tokyo', 'UTC'])
      expect(zones).toContain(current);
    expect(new Set(zones).size).toBe(zones.length);
    // A current name the list offers is saved as typed.
    const res = await c.post(
      '/admin/settings/shop',
      { tz: 'Asia/Ho_Chi_Minh' },
      await c.token('/admin/settings'),
    );
    expect(res.status).toBe(303);
    expect(h.core!.config.tz).toBe('Asia/Ho_Chi_Minh');
    expect(await c.html('/admin/settings')).toMatch(/id="f-tz" name="tz" value="Asia\/Ho_Chi_Minh"/);
    await c.post('/admin/settings/shop', { tz: '' }, await c.token('/admin/settings'));
    expect(h.core!.config.tz).toBe('Asia/Manila');
  });
});

describe("code strength in a shop's words", () => {
  test('the batch form says Strong or Too weak and how long guessing takes; the bits are behind "The figures"', async () => {
    const html = await c.html('/admin/vouchers');
    const verdict = /data-verdict>([^<]*)</.exec(html)?.[1] ?? '';
    expect(verdict).toMatch(/^Strong: someone typing guesses at the portal would need [\d.,]+ (years|days)/);
    expect(verdict).not.toMatch(/bits|possible codes/);
    const details = /<details class="code-style-details">[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(details).toMatch(/<summary>The figures<\/summary>/);
    expect(details).toMatch(/possible codes \([\d.]+ bits\)/);
    const weak = (await (await c.get('/admin/api/code-style?alphabet=digits&length=8')).json()) as Record<
      string,
      unknown
    >;
    expect(weak.verdict).toBe(
      'Too weak: someone typing guesses at the portal could hit one of your codes within 3 hours.',
    );
  });
});

describe('the activity feed and a top-up code', () => {
  test('a pause reads "5h 59m left", also for one written before as seconds', async () => {
    const [code] = await makeVouchers(h, 'ONLINE6', 1);
    const d = addDevice(h, 1);
    const r = await post('/api/portal/redeem', { code, ...d });
    expect(r.status).toBe(200);
    await h.core!.services.usage.runCycle();
    advance(h, 28);
    expect((await post('/api/portal/pause', { mac: d.mac }, r.cookie)).status).toBe(200);
    // One stored as the earlier versions wrote it.
    await h.core!.db('events').insert({
      ts: h.clock.now(),
      voucher_id: null,
      kind: 'pause',
      level: 'info',
      message: 'Paused by AA:BB:CC:DD:EE:FF with 21572s left',
    });
    const feed = text(/<ol class="feed"[\s\S]*?<\/ol>/.exec(await c.html('/admin'))?.[0] ?? '');
    expect(feed).toMatch(new RegExp(`Customer ${code} Paused by ${d.mac} with 5h 59m left`));
    expect(feed).toContain('Paused by AA:BB:CC:DD:EE:FF with 5h 59m left');
    expect(feed).not.toMatch(/\d+s left/);
  });

  test('a code used as a top-up says so on its page, with the voucher it went to', async () => {
    const [first] = await makeVouchers(h, 'HOUR', 1);
    const [second] = await makeVouchers(h, 'HALF', 1);
    const d = addDevice(h, 2);
    expect((await post('/api/portal/redeem', { code: first, ...d })).status).toBe(200);
    expect((await post('/api/portal/redeem', { code: second, ...d })).status).toBe(200);
    const html = await c.html(`/admin/vouchers/${second}`);
    const used = (/data-testid="topped-up-into">([\s\S]*?)<\/dd>/.exec(html)?.[1] ?? '').replace(
      /<[^>]+>/g,
      '',
    );
    expect(used).toMatch(new RegExp(`^a top-up of ${first}, .+: its time and data run on that voucher`));
    expect(html).toContain(`href="/admin/vouchers/${first}"`);
    expect(html).not.toContain('Policy now');
    expect(html).not.toMatch(/<dt>Expires<\/dt><dd>—/);
  });
});
