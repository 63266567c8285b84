/**
 * Self-service settings in the admin: the profile form's "Customer self-service" group (top-up mode, longest
 * pause, pauses per day) and the Settings page's moves per day, each bounded by the same parsers as
 * profiles.json, the API and the CLI.
 */
import { createHarness, Harness } from '../helpers/harness';
import { AdminClient } from './client';

let h: Harness;
let c: AdminClient;

beforeAll(async () => {
  h = await createHarness({ http: true });
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
});
afterAll(async () => {
  await h.close();
});

const errorUnder = (html: string, id: string) => new RegExp(`id="f-${id}-err"[^>]*>([^<]+)<`).exec(html)?.[1];

const BASE = {
  price: '10',
  validity: '2h',
  users: '1',
  rate_up: '1M',
  rate_down: '2M',
  cap_policy: '',
};

describe('profile form: customer self-service', () => {
  test('sets top-up mode, longest pause and pauses per day; the edit page shows them back', async () => {
    const token = await c.token('/admin/profiles/new');
    const form = await c.html('/admin/profiles/new');
    expect(form).toContain('Customer self-service');
    expect(form).toMatch(/name="pause_max"[^>]*min="60"[^>]*max="86400"/);
    expect(form).toContain('1m to 1d');
    const res = await c.post(
      '/admin/profiles',
      { ...BASE, name: 'ONLINE2', time_mode: 'uptime', topup: 'queue', pause_max: '2h', pauses_per_day: '3' },
      token,
    );
    expect(res.status).toBe(303);
    const p = await h.core!.services.profiles.get('ONLINE2');
    expect(p.profile).toMatchObject({ topup: 'queue', pauseMaxSeconds: 7200, pausesPerDay: 3 });
    expect(p.json).toMatchObject({ topup: 'queue', pause_max: '2h', pauses_per_day: 3 });

    const edit = await c.html('/admin/profiles/ONLINE2/edit');
    expect(edit).toMatch(/<option value="queue" selected>/);
    expect(edit).toMatch(/name="pause_max" value="2h"/);
    expect(edit).toMatch(/name="pauses_per_day" value="3"/);

    // Back to the defaults: "adds" is the default and is left out of the stored profile, empty = no limit.
    const upd = await c.post(
      '/admin/profiles/ONLINE2',
      { ...BASE, name: 'ONLINE2', time_mode: 'uptime', topup: '', pause_max: '', pauses_per_day: '' },
      token,
    );
    expect(upd.status).toBe(303);
    const after = await h.core!.services.profiles.get('ONLINE2');
    expect(after.json).not.toHaveProperty('topup');
    expect(after.json).not.toHaveProperty('pause_max');
    expect(after.profile.pausesPerDay).toBeUndefined();
  });

  test('out-of-bounds values and pauses on a clock-time profile get messages under their fields', async () => {
    const token = await c.token('/admin/profiles/new');
    const tooLong = await c.post(
      '/admin/profiles',
      { ...BASE, name: 'PAUSEY', time_mode: 'uptime', pause_max: '2d', pauses_per_day: '101' },
      token,
    );
    expect(tooLong.status).toBe(400);
    const html = await tooLong.text();
    expect(errorUnder(html, 'pause_max')).toMatch(/1m to 1d/);
    expect(errorUnder(html, 'pauses_per_day')).toMatch(/1 to 100/);
    expect(html).toContain('value="2d"'); // what was typed is kept

    const clock = await c.post(
      '/admin/profiles',
      { ...BASE, name: 'PAUSEY', time_mode: 'wallclock', pause_max: '1h' },
      token,
    );
    expect(clock.status).toBe(400);
    expect(errorUnder(await clock.text(), 'pause_max')).toMatch(/uptime/);
    await expect(h.core!.services.profiles.get('PAUSEY')).rejects.toThrow();
  });
});

describe('settings: moves per day', () => {
  test('shows the default, saves within 0–20 (audited), refuses anything else and keeps what was typed', async () => {
    const page = await c.html('/admin/settings');
    expect(page).toContain('Customer self-service');
    expect(page).toMatch(/name="moves_per_day" value="3"/);
    const token = await c.token('/admin/settings');

    for (const bad of ['21', '-1', 'two', '', '2.5']) {
      const res = await c.post('/admin/settings/self-service', { moves_per_day: bad }, token);
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(errorUnder(html, 'moves_per_day')).toMatch(/0 \(no moves\) to 20/);
      expect(html).toContain(`name="moves_per_day" value="${bad}"`);
    }
    expect(await h.core!.services.selfService.movesPerDay()).toBe(3);
    // Without the form's CSRF token nothing is saved.
    const forged = await c.post('/admin/settings/self-service', { moves_per_day: '7' });
    expect(forged.status).toBe(403);
    expect(await h.core!.services.selfService.movesPerDay()).toBe(3);

    const ok = await c.post('/admin/settings/self-service', { moves_per_day: '0' }, token);
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/admin/settings']);
    expect(await h.core!.services.selfService.movesPerDay()).toBe(0);
    expect(await c.html('/admin/settings')).toContain('codes no longer move');
    const audited = await h.core!.services.audit.list({ action: 'settings.set' });
    expect(audited.entries.some((e) => JSON.stringify(e).includes('portal.moves_per_day'))).toBe(true);

    const same = await c.post('/admin/settings/self-service', { moves_per_day: '0' }, token);
    expect(same.status).toBe(303);
    expect(await c.html('/admin/settings')).toContain('Nothing changed.');
    const max = await c.post('/admin/settings/self-service', { moves_per_day: '20' }, token);
    expect(max.status).toBe(303);
    expect(await h.core!.services.selfService.movesPerDay()).toBe(20);
  });
});

describe('settings: minutes offline before another phone may take a code', () => {
  test('shows the default, saves 1–1440 (audited) beside moves per day, refuses anything else', async () => {
    const page = await c.html('/admin/settings');
    expect(page).toMatch(/name="move_offline_minutes" value="10"/);
    expect(page).toContain('0 turns moves off');
    const token = await c.token('/admin/settings');
    const moves = String(await h.core!.services.selfService.movesPerDay());

    for (const bad of ['0', '1441', '10m', '', '2.5']) {
      const res = await c.post(
        '/admin/settings/self-service',
        { moves_per_day: moves, move_offline_minutes: bad },
        token,
      );
      expect(res.status).toBe(400);
      const html = await res.text();
      expect(errorUnder(html, 'move_offline_minutes')).toMatch(/whole number of minutes from 1 to 1440/);
      expect(html).toContain(`name="move_offline_minutes" value="${bad}"`);
    }
    // One bad field saves neither.
    const mixed = await c.post(
      '/admin/settings/self-service',
      { moves_per_day: '2', move_offline_minutes: 'soon' },
      token,
    );
    expect(mixed.status).toBe(400);
    expect(String(await h.core!.services.selfService.movesPerDay())).toBe(moves);
    expect(await h.core!.services.selfService.moveOfflineMinutes()).toBe(10);

    const ok = await c.post(
      '/admin/settings/self-service',
      { moves_per_day: moves, move_offline_minutes: '25' },
      token,
    );
    expect([ok.status, ok.headers.get('location')]).toEqual([303, '/admin/settings']);
    expect(await h.core!.services.selfService.moveOfflineMinutes()).toBe(25);
    const after = await c.html('/admin/settings');
    expect(after).toContain('offline for 25 minutes');
    expect(after).toMatch(/name="move_offline_minutes" value="25"/);
    const audited = await h.core!.services.audit.list({ action: 'settings.set' });
    expect(audited.entries.some((e) => JSON.stringify(e).includes('portal.move_offline_minutes'))).toBe(true);
  });
});
