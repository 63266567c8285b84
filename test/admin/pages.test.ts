import { createHarness, Harness } from '../helpers/harness';
import { AdminClient } from './client';
import { seedActiveUsers, addTrafficAndPoll } from './scenario';
import { queueNameForMac } from '../../src/domain/queues';

let h: Harness;
let c: AdminClient;
let devices: { code: string; mac: string; ip: string }[];

beforeAll(async () => {
  h = await createHarness({ http: true });
  devices = await seedActiveUsers(h, 3);
  await addTrafficAndPoll(h, devices);
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
});
afterAll(async () => {
  await h.close();
});

const queueFor = (mac: string) => h.sim.rows('/queue/simple').find((q) => q.name === queueNameForMac(mac));
const errorUnder = (html: string, id: string) => new RegExp(`id="f-${id}-err"[^>]*>([^<]+)<`).exec(html)?.[1];
const limitErrorUnder = (html: string, name: string) =>
  new RegExp(`data-error="${name}"[^>]*>([^<]+)<`).exec(html)?.[1];

describe('dashboard', () => {
  test('shows router status, who is online, money and the charts', async () => {
    const html = await c.html('/admin');
    expect(html).toContain('Connected');
    expect(html).toMatch(/data-testid="online-count">3</);
    expect(html).toMatch(/data-testid="sales-today">₱30.00</); // 3 STANDARD vouchers first used today
    expect(html).toContain('<svg');
    expect(html).toMatch(/class="line s-down" d="M[\d.,\sL]+"/);
  });

  test('the demo badge shows only for the simulated router', async () => {
    expect(await c.html('/admin')).not.toContain('DEMO — simulated router'); // the harness uses a real ROUTER_HOST
  });
});

describe('vouchers', () => {
  test('the batch form reports every bad field under it and keeps the values', async () => {
    const res = await c.post(
      '/admin/vouchers/generate',
      { profile: '', count: '0', prefix: 'toolong123', price: 'five', note: 'keep me' },
      await c.token('/admin/vouchers'),
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorUnder(html, 'profile')).toBe('choose a profile');
    expect(errorUnder(html, 'count')).toContain('1 to 10,000');
    expect(errorUnder(html, 'prefix')).toContain('8 letters');
    expect(errorUnder(html, 'price')).toContain('amount');
    expect(html).toContain('value="keep me"');
    expect(html).toContain('value="toolong123"');
  });

  test('generate → batch page with print buttons whose sheets render', async () => {
    const res = await c.post(
      '/admin/vouchers/generate',
      { profile: 'BASIC', count: '4', prefix: 'wifi', price: '6', note: 'counter' },
      await c.token('/admin/vouchers'),
    );
    expect(res.status).toBe(303);
    const url = res.headers.get('location')!;
    expect(url).toMatch(/^\/admin\/vouchers\/batches\/\d+$/);
    const html = await c.html(url);
    expect(html).toContain('4 BASIC voucher(s) created');
    expect(html).toContain('₱6.00');
    expect((html.match(/class="code" href="\/admin\/vouchers\/WIFI/g) ?? []).length).toBe(4);
    const id = url.split('/').pop();
    for (const format of ['a4', 'thermal']) {
      expect(html).toContain(`/admin/vouchers/batches/${id}/print?format=${format}`);
      expect((await c.get(`/admin/vouchers/batches/${id}/print?format=${format}`)).status).toBe(200);
    }
    const csv = await c.get(`/admin/vouchers/export.csv?batch=${id}`);
    expect(csv.status).toBe(200);
    expect((await csv.text()).match(/WIFI/g)?.length).toBe(4);
  });

  test('staff codes: no time limit on the router, still rate-limited, free unless priced', async () => {
    const res = await c.post(
      '/admin/vouchers/generate',
      { profile: 'BASIC', count: '1', prefix: 'dev', price: '', note: '', staff: 'on' },
      await c.token('/admin/vouchers'),
    );
    expect(res.status).toBe(303);
    const { vouchers } = await h.core!.services.vouchers.list({ search: 'DEV' });
    expect(vouchers).toHaveLength(1);
    expect(vouchers[0]).toMatchObject({
      staff: true,
      price: 0,
      rateUp: 512000,
      rateDown: 1000000,
      remainingSeconds: null,
    });
    const user = h.sim.rows('/ip/hotspot/user').find((u) => u.name === vouchers[0].code);
    expect(user).toBeDefined();
    expect(user!['limit-uptime'] ?? '0s').toBe('0s');
  });

  test('list filters and search', async () => {
    const active = await c.html('/admin/vouchers?status=active');
    for (const d of devices) expect(active).toContain(d.code);
    expect(active).not.toContain('>WIFI');
    const search = await c.html(`/admin/vouchers?q=${devices[1].code.slice(2, 6).toLowerCase()}`);
    expect(search).toContain(devices[1].code);
    const bad = await c.html('/admin/vouchers?status=nonsense&from=yesterday');
    expect(errorUnder(bad, 'status')).toBe('unknown status');
    expect(errorUnder(bad, 'from')).toContain('2026-11-21');
  });

  test('voucher page: extend, move, and revoke only with confirmation', async () => {
    const code = devices[0].code;
    const page = await c.html(`/admin/vouchers/${code}`);
    expect(page).toContain(devices[0].mac);
    const token = await c.token(`/admin/vouchers/${code}`);
    const before = await h.core!.services.vouchers.get(code);

    const bad = await c.post(`/admin/vouchers/${code}/extend`, { duration: 'soon' }, token);
    expect(bad.status).toBe(400);
    expect(errorUnder(await bad.text(), 'duration')).toContain('30m');
    const ok = await c.post(`/admin/vouchers/${code}/extend`, { duration: '30m' }, token);
    expect(ok.status).toBe(303);
    expect(await c.html(ok.headers.get('location')!)).toContain('Added 30m');
    expect((await h.core!.services.vouchers.get(code)).remainingSeconds).toBe(
      (before.remainingSeconds ?? 0) + 1800,
    );

    // Moved free (the confirm step's "Move free"): the reports below keep only the vouchers' own sales.
    const moved = await c.post(
      `/admin/vouchers/${code}/move`,
      { profile: 'PREMIUM', charge: 'false' },
      token,
    );
    expect(moved.status).toBe(303);
    expect((await h.core!.services.vouchers.get(code)).profile).toBe('PREMIUM');

    const unconfirmed = await c.post(`/admin/vouchers/${code}/revoke`, {}, token);
    expect(unconfirmed.status).toBe(400);
    expect(errorUnder(await unconfirmed.text(), 'confirm')).toContain('tick the box');
    expect((await h.core!.services.vouchers.get(code)).status).toBe('active');
    const revoked = await c.post(`/admin/vouchers/${code}/revoke`, { confirm: 'yes' }, token);
    expect(revoked.status).toBe(303);
    expect((await h.core!.services.vouchers.get(code)).status).toBe('revoked');
    const entries = (await h.core!.services.audit.list({ limit: 20 })).entries.map((e) => e.action);
    expect(entries.some((a) => /revoke/.test(a))).toBe(true);
  });
});

describe('profiles', () => {
  test('field messages under the right inputs, values kept', async () => {
    const token = await c.token('/admin/profiles/new');
    const res = await c.post(
      '/admin/profiles',
      {
        name: 'bad name',
        price: '5',
        validity: 'forever',
        users: '0',
        rate_up: '1M',
        rate_down: '2M',
        fup_threshold: '1G',
        fup_rate_up: '2M',
        fup_rate_down: '',
        burst_time: '10s',
      },
      token,
    );
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(errorUnder(html, 'name')).toBeTruthy();
    expect(errorUnder(html, 'validity')).toBeTruthy();
    expect(errorUnder(html, 'users')).toBeTruthy();
    expect(errorUnder(html, 'fup_rate_up')).toContain('below');
    expect(errorUnder(html, 'fup_rate_down')).toBeTruthy();
    expect(errorUnder(html, 'burst_rate_up')).toBeTruthy(); // half a burst group: the rest is reported
    expect(html).toContain('value="forever"');
    expect(html).toContain('admin-profile-form.js');
  });

  test('create with every group, then edit; applies at the next cycle', async () => {
    const token = await c.token('/admin/profiles/new');
    const full = {
      name: 'NIGHT',
      price: '15.50',
      validity: '1d',
      users: '2',
      rate_up: '2M',
      rate_down: '4M',
      time_mode: 'uptime',
      description: 'Night owl',
      fup_threshold: '2G',
      fup_rate_up: '512K',
      fup_rate_down: '1M',
      data_cap: '5G',
      cap_policy: 'throttle',
      cap_rate_up: '256K',
      cap_rate_down: '512K',
      burst_rate_up: '4M',
      burst_rate_down: '8M',
      burst_threshold_up: '1M',
      burst_threshold_down: '2M',
      burst_time: '10s',
      offpeak_start: '22:00',
      offpeak_end: '06:00',
      offpeak_unlimited: 'on',
      offpeak_multiplier: '2',
    };
    const res = await c.post('/admin/profiles', full, token);
    expect(res.status).toBe(303);
    const p = await h.core!.services.profiles.get('NIGHT');
    expect(p.profile).toMatchObject({
      price: 1550,
      validitySeconds: 86400,
      users: 2,
      timeMode: 'uptime',
      capPolicy: 'throttle',
      dataCapBytes: 5e9,
      fup: { thresholdBytes: 2e9, rateUp: 512000, rateDown: 1000000 },
      capRate: { rateUp: 256000, rateDown: 512000 },
      burst: { rateUp: 4e6, rateDown: 8e6, thresholdUp: 1e6, thresholdDown: 2e6, timeSeconds: 10 },
      offpeak: { start: 1320, end: 360, unlimited: true, speedMultiplier: 2 },
    });
    const edit = await c.html('/admin/profiles/NIGHT/edit');
    expect(edit).toContain('value="15.5"');
    expect(edit).toMatch(/name="offpeak_unlimited" value="on" checked/);
    expect(edit).toContain('at the next poll');
    const upd = await c.post(
      '/admin/profiles/NIGHT',
      { ...full, rate_down: '6M', offpeak_unlimited: '' },
      token,
    );
    expect(upd.status).toBe(303);
    const after = await h.core!.services.profiles.get('NIGHT');
    expect(after.profile.rateDown).toBe(6e6);
    expect(after.profile.offpeak?.unlimited).toBe(false);
    expect(await c.html('/admin/profiles')).toContain('NIGHT');
  });
});

describe('bandwidth without JavaScript', () => {
  test('set a custom limit, then a preset, then back to plan: the router queue follows', async () => {
    const mac = devices[1].mac;
    const token = await c.token('/admin/bandwidth');
    const form = await c.html(`/admin/bandwidth/limit?mac=${encodeURIComponent(mac)}`);
    expect(form).toContain(devices[1].code);

    const bad = await c.post('/admin/bandwidth/limit', { mac, preset: '', up: 'fast', down: '' }, token);
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(limitErrorUnder(badHtml, 'up')).toContain(
      'like 512K, 2M or &#34;2 Mbps&#34;, or &#34;unlimited&#34;',
    );
    expect(limitErrorUnder(badHtml, 'down')).toContain('missing');

    const set = await c.post('/admin/bandwidth/limit', { mac, preset: '', up: '256K', down: '768K' }, token);
    expect(set.status).toBe(303);
    expect(queueFor(mac)?.['max-limit']).toBe('256000/768000');
    const page = await c.html('/admin/bandwidth');
    expect(page).toContain('Limit set for');
    expect(page).toMatch(/src-override/);
    // Back to plan says where it goes back to: the profile and its speeds.
    expect(page).toContain(`Put ${mac} back to its plan speed? STANDARD: 2 Mbps ↓ / 1 Mbps ↑.`);

    const preset = await c.post('/admin/bandwidth/limit', { mac, preset: 'BASIC' }, token);
    expect(preset.status).toBe(303);
    expect(queueFor(mac)?.['max-limit']).toBe('512000/1000000');

    const reset = await c.post('/admin/bandwidth/reset', { mac }, token);
    expect(reset.status).toBe(303);
    expect(queueFor(mac)?.['max-limit']).toBe('1000000/2000000'); // STANDARD again
    expect(await c.html('/admin/bandwidth')).toContain(
      `${mac} is back to its plan: STANDARD, 2 Mbps down / 1 Mbps up.`,
    );
    const audit = (await h.core!.services.audit.list({ limit: 1 })).entries[0];
    expect(audit).toMatchObject({ action: 'bandwidth.reset', target: mac });
  });

  test('"No limit" makes the device unlimited: its queue stays at 0/0 over later polls and its bytes still count', async () => {
    const d = devices[1]; // devices[0]'s voucher is revoked by the vouchers tests
    const token = await c.token('/admin/bandwidth');
    expect(await c.html('/admin/bandwidth')).toContain(
      `Lift the speed limit for ${d.mac}? The device gets no speed limit`,
    );
    const removed = await c.post('/admin/bandwidth/remove', { mac: d.mac }, token);
    expect(removed.status).toBe(303);
    const queueId = queueFor(d.mac)?.['.id'];
    expect(queueFor(d.mac)?.['max-limit']).toBe('0/0');
    const page = await c.html('/admin/bandwidth');
    expect(page).toContain(`${d.mac} has no speed limit now`);
    const row = new RegExp(`<tr data-mac="${d.mac}"[\\s\\S]*?</tr>`).exec(page)?.[0] ?? '';
    expect(row).toMatch(/data-col="maxLimit">unlimited <span class="tag src-override">/);
    expect(row).toContain('data-action="reset-limit"');
    expect(row).not.toContain('data-action="remove-limit"'); // already unlimited

    // 20 MB in 30 s is 5.3 Mbit/s, over STANDARD's 2M: all of it passes and is counted, poll after poll.
    const bytes = async () => (await h.core!.services.vouchers.get(d.code)).bytesDown;
    for (let i = 0; i < 3; i++) {
      const before = await bytes();
      await addTrafficAndPoll(h, [d], { up: 100_000, down: 20_000_000 });
      expect(await bytes()).toBe(before + 20_000_000);
      expect(queueFor(d.mac)).toMatchObject({ '.id': queueId, 'max-limit': '0/0' });
    }
    expect((await h.core!.services.audit.list({ limit: 1 })).entries[0]).toMatchObject({
      action: 'bandwidth.remove',
      target: d.mac,
    });

    expect((await c.post('/admin/bandwidth/reset', { mac: d.mac }, token)).status).toBe(303);
    expect(queueFor(d.mac)?.['max-limit']).toBe('1000000/2000000');
  });

  test('the limit form takes "unlimited", "2 Mbps" and "2mbps", and refuses 10 bit/s or 999999G by field', async () => {
    const mac = devices[2].mac;
    const token = await c.token('/admin/bandwidth');
    const unlimited = await c.post('/admin/bandwidth/limit', { mac, up: 'unlimited', down: '2 Mbps' }, token);
    expect(unlimited.status).toBe(303);
    expect(queueFor(mac)?.['max-limit']).toBe('0/2000000');
    expect(await c.html('/admin/bandwidth')).toContain(`Limit set for ${mac}: 2 Mbps down / unlimited up.`);
    expect((await c.post('/admin/bandwidth/limit', { mac, up: '2mbps', down: '2M' }, token)).status).toBe(
      303,
    );
    expect(queueFor(mac)?.['max-limit']).toBe('2000000/2000000');

    const tiny = await c.post('/admin/bandwidth/limit', { mac, up: '10', down: '999999G' }, token);
    expect(tiny.status).toBe(400);
    const html = await tiny.text();
    expect(limitErrorUnder(html, 'up')).toMatch(/^&#34;10&#34; is not a speed limit; use a speed from 8K/);
    expect(limitErrorUnder(html, 'down')).toMatch(/^&#34;999999G&#34; is not a speed limit/);
    expect(queueFor(mac)?.['max-limit']).toBe('2000000/2000000');
    expect((await c.post('/admin/bandwidth/reset', { mac }, token)).status).toBe(303);
  });

  test('router queues tab lists the pisonet- queues', async () => {
    const html = await c.html('/admin/bandwidth?tab=queues');
    const names = h.sim
      .rows('/queue/simple')
      .map((q) => q.name)
      .filter((n) => n?.startsWith('pisonet-'));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(html).toContain(n!);
  });
});

describe('users', () => {
  test('lists who is online and logs a device out', async () => {
    const mac = devices[2].mac;
    const html = await c.html('/admin/users');
    expect(html).toContain(mac);
    expect(await c.html(`/admin/users/device/${encodeURIComponent(mac)}`)).toContain(devices[2].code);
    const search = await c.get(`/admin/users?q=${encodeURIComponent(mac.toLowerCase())}`);
    expect(search.headers.get('location')).toBe(`/admin/users/device/${encodeURIComponent(mac)}`);
    const active = () => h.sim.rows('/ip/hotspot/active').filter((a) => a['mac-address'] === mac).length;
    expect(active()).toBe(1);
    const res = await c.post('/admin/users/kick', { mac }, await c.token('/admin/users'));
    expect(res.status).toBe(303);
    expect(active()).toBe(0);
  });
});

describe('reports', () => {
  test('page and CSV exports', async () => {
    const html = await c.html('/admin/reports?by=day');
    expect(html).toMatch(/data-testid="report-total">₱30.00</);
    const sales = await c.get('/admin/reports/sales.csv?by=day');
    expect(sales.headers.get('content-type')).toMatch(/text\/csv/);
    expect(sales.headers.get('content-disposition')).toMatch(/attachment; filename="sales-by-day-/);
    const text = await sales.text();
    expect(text.split('\r\n')[0]).toBe('day,vouchers,amount_php,charges');
    expect(text).toContain('2026-11-21,3,30.00,0');
    // One of the three was moved to PREMIUM above after it was sold: the sale stays with STANDARD, at its price.
    expect(await (await c.get('/admin/reports/profiles.csv')).text()).toBe(
      'profile,vouchers,amount_php,charges\r\nSTANDARD,3,30.00,0\r\n',
    );
    expect(await (await c.get('/admin/reports/top-users.csv')).text()).toMatch(
      /^code,profile,bytes\r\n[A-Z0-9]+,/,
    );
    expect(await (await c.get('/admin/reports/usage.csv')).text()).toMatch(
      /^from,to,bytes_up,bytes_down,vouchers\r\n/,
    );
    const bad = await c.html('/admin/reports?from=2026-13-01&to=x');
    expect(errorUnder(bad, 'from')).toContain('date');
  });
});

describe('settings', () => {
  test('router test shows identity, version, uptime and round trip', async () => {
    const res = await c.post('/admin/settings/router-test', {}, await c.token('/admin/settings'));
    const html = await res.text();
    expect(html).toMatch(/Round trip<\/dt><dd>\d+ ms/);
    expect(html).toContain('7.18.2');
  });

  test('general settings are validated and saved (audited)', async () => {
    const token = await c.token('/admin/settings');
    const bad = await c.post(
      '/admin/settings/general',
      { shop_name: '', poll_seconds: '0', code_length: '40', code_prefix: '??' },
      token,
    );
    expect(bad.status).toBe(400);
    const html = await bad.text();
    for (const f of ['shop_name', 'poll_seconds', 'code_length', 'code_prefix'])
      expect(errorUnder(html, f)).toBeTruthy();
    const ok = await c.post(
      '/admin/settings/general',
      { shop_name: 'Aling Nena WiFi', poll_seconds: '15', code_length: '10', code_prefix: 'an' },
      token,
    );
    expect(ok.status).toBe(303);
    expect(await h.core!.services.settings.get('usage.poll_seconds', 0)).toBe(15);
    expect(await h.core!.services.settings.get('voucher.prefix', '')).toBe('AN');
    expect(await c.html('/admin')).toContain('Aling Nena WiFi');
    expect((await h.core!.services.audit.list({ action: 'settings.set' })).total).toBeGreaterThanOrEqual(4);
  });

  test('logo: PNG/JPEG by content, at most 100 KB', async () => {
    const token = await c.token('/admin/settings');
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.alloc(64),
    ]);
    const ok = await c.post(
      '/admin/settings/logo',
      { logo_data: `data:image/png;base64,${png.toString('base64')}` },
      token,
    );
    expect(ok.status).toBe(303);
    expect(await h.core!.services.settings.get('shop.logo', '')).toMatch(
      /^data:image\/png;base64,iVBORw0KGgo/,
    );
    const fake = await c.post(
      '/admin/settings/logo',
      { logo_data: `data:image/png;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}` },
      token,
    );
    expect(fake.status).toBe(400);
    const big = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(101 * 1024)]);
    const tooBig = await c.post(
      '/admin/settings/logo',
      { logo_data: `data:image/jpeg;base64,${big.toString('base64')}` },
      token,
    );
    expect(tooBig.status).toBe(400);
    expect(await tooBig.text()).toContain('use at most 100 KB');
    const svg = await c.post(
      '/admin/settings/logo',
      { logo_data: 'data:image/svg+xml;base64,PHN2Zz4=' },
      token,
    );
    expect(svg.status).toBe(400);
  });

  test('change the admin password', async () => {
    const token = await c.token('/admin/settings');
    const wrong = await c.post(
      '/admin/settings/password',
      { current_password: 'nope', new_password: 'a new password!', confirm_password: 'a new password!' },
      token,
    );
    expect(wrong.status).toBe(400);
    expect(errorUnder(await wrong.text(), 'current_password')).toContain('not your current password');
    const short = await c.post(
      '/admin/settings/password',
      { current_password: 'correct horse battery', new_password: 'short', confirm_password: 'short' },
      token,
    );
    expect(errorUnder(await short.text(), 'new_password')).toContain('10');
    const ok = await c.post(
      '/admin/settings/password',
      {
        current_password: 'correct horse battery',
        new_password: 'battery staple horse',
        confirm_password: 'battery staple horse',
      },
      token,
    );
    expect(ok.status).toBe(303);
    expect(await h.core!.services.admins.verify('admin', 'battery staple horse')).toBe(true);
    await h.core!.services.admins.setPassword('admin', 'correct horse battery', { name: 'test', via: 'cli' });
    // A password set elsewhere (here the terminal) ends this browser's session too: it logs in again.
    expect((await c.get('/admin/settings')).status).toBe(303);
    expect((await c.login()).status).toBe(303);
  });
});

describe('audit', () => {
  test('lists changes newest first, filterable and paginated', async () => {
    for (let i = 0; i < 55; i++)
      await h.core!.services.audit.record({ name: 'bulk', via: 'cli' }, 'test.bulk', `t${i}`);
    const first = await c.html('/admin/audit?action=test.bulk');
    expect(first).toContain('Page 1 of 2');
    expect(first.indexOf('>t54<')).toBeLessThan(first.indexOf('>t53<'));
    expect(first).not.toContain('>t4<');
    const second = await c.html('/admin/audit?action=test.bulk&page=2');
    expect(second).toContain('>t4<');
    expect(await c.html('/admin/audit?action=settings.set')).toContain('voucher.prefix');
  });
});
