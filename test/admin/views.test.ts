import path from 'node:path';
import ejs from 'ejs';
import { barChart, lineChart, niceScale } from '../../src/web/admin/pages/charts';
import { formToProfileJson, inputForField, profileJsonToForm } from '../../src/web/admin/pages/profile-form';
import { bandwidthView, parseLimitForm } from '../../src/web/admin/pages/bandwidth';
import { logoProblem as checkLogo } from '../../src/services/business/settings/shop-logo';
import { formatters } from '../../src/web/admin/pages/common';
import type { ProfileRecord, UserTraffic } from '../../src/services/types';

const VIEWS = path.join(__dirname, '..', '..', 'views');
const render = (file: string, data: Record<string, unknown>) => ejs.renderFile(path.join(VIEWS, file), data);

describe('layout', () => {
  const base = {
    title: 'T',
    csrfToken: 'tok',
    flashes: [{ type: 'ok', message: '<b>saved</b>' }],
    admin: { username: 'admin' },
    nav: 'bandwidth',
    shopName: 'Shop',
  };

  test('the demo badge shows only with a simulated router; the current page is marked', async () => {
    const demo = await render('partials/nav.ejs', { ...base, simulated: true });
    expect(demo).toMatch(/DEMO<span class="wide-only"> — simulated router<\/span>/);
    expect(demo).toMatch(/href="\/admin\/bandwidth" aria-current="page"/);
    for (const label of [
      'Dashboard',
      'Vouchers',
      'Profiles',
      'Bandwidth',
      'Users',
      'Reports',
      'Settings',
      'Audit',
      'Log out',
    ])
      expect(demo).toContain(label);
    expect(demo).toContain('&lt;b&gt;saved&lt;/b&gt;');
    expect(await render('partials/nav.ejs', { ...base, simulated: false })).not.toContain('DEMO');
  });

  test('the head carries the CSRF token for scripts', async () => {
    expect(await render('partials/head.ejs', { ...base })).toContain(
      '<meta name="csrf-token" content="tok">',
    );
  });

  test('a field keeps its value, shows its message and links them for screen readers', async () => {
    const html = await render('partials/field.ejs', {
      f: { name: 'count', label: 'How many', hint: 'h' },
      values: { count: '"x' },
      errors: { count: 'too <many>' },
    });
    expect(html).toContain('value="&#34;x"');
    expect(html).toContain('aria-describedby="f-count-hint f-count-err"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toMatch(/id="f-count-err">too &lt;many&gt;</);
  });
});

describe('charts', () => {
  test('round scales', () => {
    expect(niceScale(0)).toEqual([0, 1]);
    expect(niceScale(37)).toEqual([0, 10, 20, 30, 40]);
    expect(niceScale(4500)).toEqual([0, 2000, 4000, 6000]);
  });

  test('bars are proportional and sit on the axis', () => {
    const c = barChart(
      [
        { label: 'a', value: 100, title: 'a' },
        { label: 'b', value: 50, title: 'b' },
        { label: 'c', value: 0, title: 'c' },
      ],
      String,
    );
    const [a, b, z] = c.bars;
    expect(a.y + a.h).toBeCloseTo(c.plot.bottom, 0);
    expect(b.h).toBeCloseTo(a.h / 2, 0);
    expect(z.h).toBe(0);
    expect(c.empty).toBe(false);
  });

  test('line paths have one point per label', () => {
    const c = lineChart(['1', '2', '3'], [{ name: 'd', className: 's', values: [0, 5, 10] }], String);
    expect(c.series[0].path.match(/[ML]/g)).toHaveLength(3);
    expect(c.xLabels).toHaveLength(3);
  });
});

describe('profile form mapping', () => {
  test('flat inputs ⇄ nested profile JSON; empty groups left out', () => {
    const json = formToProfileJson({
      name: 'A',
      price: '5.50',
      users: '2',
      validity: '1h',
      rate_up: '1M',
      rate_down: '2M',
      fup_threshold: '',
      fup_rate_up: '',
      offpeak_start: '22:00',
      offpeak_end: '06:00',
      offpeak_unlimited: 'on',
      offpeak_multiplier: '1.5',
      time_mode: 'wallclock',
      description: 'x',
    });
    expect(json).toEqual({
      name: 'A',
      price: 5.5,
      users: 2,
      validity: '1h',
      rate_up: '1M',
      rate_down: '2M',
      offpeak: { start: '22:00', end: '06:00', unlimited: true, speed_multiplier: 1.5 },
      description: 'x',
    });
    expect(profileJsonToForm(json)).toMatchObject({
      price: '5.5',
      offpeak_unlimited: 'on',
      offpeak_multiplier: '1.5',
    });
    expect(formToProfileJson({ users: 'two' }).users).toBe('two'); // passed as typed so the error can quote it
  });

  test('service field paths map back to inputs', () => {
    expect(inputForField('fup.rate_up')).toBe('fup_rate_up');
    expect(inputForField('profiles[0].offpeak.speed_multiplier')).toBe('offpeak_multiplier');
    expect(inputForField('rate_down (download)')).toBe('rate_down');
    expect(inputForField('offpeak')).toBe('offpeak');
  });
});

describe('bandwidth helpers', () => {
  const profiles = [{ name: 'BASIC', profile: { rateUp: 512000, rateDown: 1000000 } }] as ProfileRecord[];

  test('limit form: preset or custom speeds, all problems at once', () => {
    expect(parseLimitForm({ mac: 'aa-bb-cc-00-00-01', preset: 'basic' }, profiles)).toEqual({
      mac: 'AA:BB:CC:00:00:01',
      up: 512000,
      down: 1000000,
    });
    expect(parseLimitForm({ mac: 'AA:BB:CC:00:00:01', up: '256K', down: '1.5M' }, profiles)).toEqual({
      mac: 'AA:BB:CC:00:00:01',
      up: 256000,
      down: 1500000,
    });
    expect(parseLimitForm({ mac: 'AA:BB:CC:00:00:01', up: 'Unlimited', down: '2 Mbps' }, profiles)).toEqual({
      mac: 'AA:BB:CC:00:00:01',
      up: null,
      down: 2000000,
    });
    expect(parseLimitForm({ mac: 'AA:BB:CC:00:00:01', up: '2mbps', down: '2M' }, profiles)).toMatchObject({
      up: 2000000,
      down: 2000000,
    });
    expect(() => parseLimitForm({ mac: 'AA:BB:CC:00:00:01', up: '10', down: '999999G' }, profiles)).toThrow(
      expect.objectContaining({
        fields: { up: expect.stringContaining('from 8K'), down: expect.stringContaining('to 10G') },
      }),
    );
    expect(() => parseLimitForm({ mac: 'nope', up: '0', down: 'x' }, profiles)).toThrow(
      expect.objectContaining({
        fields: { mac: expect.any(String), up: expect.any(String), down: expect.any(String) },
      }),
    );
    expect(() => parseLimitForm({ mac: 'AA:BB:CC:00:00:01', preset: 'GOLD' }, profiles)).toThrow(
      expect.objectContaining({ fields: { preset: expect.any(String) } }),
    );
  });

  test('view: filter, busiest first, pages of 50', () => {
    const users = Array.from(
      { length: 120 },
      (_, i) =>
        ({
          mac: `AA:00:00:00:00:${String(i).padStart(2, '0')}`,
          ip: `10.0.0.${i}`,
          user: `CODE${i}`,
          profile: i % 2 ? 'BASIC' : 'PREMIUM',
          rateIn: 0,
          rateOut: i * 10,
          connected: true,
        }) as UserTraffic,
    );
    const first = bandwidthView(users, '', 'rate', 1);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0].user).toBe('CODE119');
    expect(first.pages).toBe(3);
    expect(bandwidthView(users, '', 'rate', 9).page).toBe(3);
    const basic = bandwidthView(users, 'basic', 'mac', 1);
    expect(basic.matching).toBe(60);
    expect(basic.rows[0].user).toBe('CODE1');
    expect(bandwidthView(users, 'code7', 'rate', 1).rows.map((u) => u.user)).toEqual([
      'CODE79',
      'CODE78',
      'CODE77',
      'CODE76',
      'CODE75',
      'CODE74',
      'CODE73',
      'CODE72',
      'CODE71',
      'CODE70',
      'CODE7',
    ]);
  });
});

describe('formatting and logo checks', () => {
  test('router max-limit for people', () => {
    const fmt = formatters('Asia/Manila');
    expect(fmt.maxLimit('512000/1000000')).toBe('1 Mbps ↓ / 512 kbps ↑');
    expect(fmt.maxLimit('0/0')).toBe('unlimited');
    expect(fmt.maxLimit('0/2000000')).toBe('2 Mbps ↓ / ∞ ↑');
    // The shop's zone and the Philippine 12-hour clock: 16:05 UTC is five past midnight in Manila.
    expect(fmt.time(Date.UTC(2026, 10, 21, 16, 5))).toBe('Nov 22, 12:05 AM');
    expect(fmt.ratePair('1200/56000')).toBe('56 kbps ↓ / 1.2 kbps ↑');
  });

  test('logo must be PNG or JPEG by content and at most 100 KB', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(checkLogo(`data:image/png;base64,${png.toString('base64')}`)).toBeNull();
    expect(checkLogo(`data:image/jpeg;base64,${png.toString('base64')}`)).toContain('not a valid');
    expect(checkLogo('data:image/gif;base64,R0lGODlh')).toContain('PNG or JPEG');
    expect(
      checkLogo(`data:image/png;base64,${Buffer.concat([png, Buffer.alloc(100 * 1024)]).toString('base64')}`),
    ).toContain('at most 100 KB');
  });
});
