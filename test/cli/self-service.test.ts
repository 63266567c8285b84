/**
 * Self-service settings from the terminal: `pisonet settings moves-per-day` for scripts, and in the menu the
 * profile editor's self-service questions (what a second code does, pause limits for online-time
 * profiles) and Settings → Moves per day, each checked by the same parsers as the web and profiles.json.
 */
import { createHarness, Harness } from '../helpers/harness';
import { cliEnv, runCli, TmuxCli } from './helpers';

jest.setTimeout(120000);

let h: Harness;

beforeAll(async () => {
  h = await createHarness({ fakeClock: false });
});
afterAll(async () => {
  await h?.close();
});

describe('pisonet settings moves-per-day', () => {
  test('shows the default, sets within 0–20, refuses anything else with exit 2 and changes nothing', async () => {
    const shown = await runCli(h, ['settings', 'moves-per-day']);
    expect([shown.code, shown.stdout.trim()]).toEqual([0, 'Moves per day: 3']);

    const bad = await runCli(h, ['settings', 'moves-per-day', '21']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/use a whole number from 0 \(no moves\) to 20 \(INVALID_INPUT\)/);
    expect(await h.core!.services.selfService.movesPerDay()).toBe(3);

    const set = await runCli(h, ['settings', 'moves-per-day', '0', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toEqual({ moves_per_day: 0, changed: true });
    expect(await h.core!.services.selfService.movesPerDay()).toBe(0);
    const again = await runCli(h, ['settings', 'moves-per-day', '0']);
    expect(again.stdout.trim()).toBe('Moves per day: 0 (unchanged)');

    const extra = await runCli(h, ['settings', 'moves-per-day', '1', '2']);
    expect(extra.code).toBe(2);
    const help = await runCli(h, ['--help']);
    expect(help.stdout).toMatch(/settings moves-per-day +show or set how often one code may move/);
  });
});

describe('pisonet settings move-offline-minutes', () => {
  test('shows the default, sets within 1–1440, refuses anything else with exit 2 and changes nothing', async () => {
    const shown = await runCli(h, ['settings', 'move-offline-minutes']);
    expect([shown.code, shown.stdout.trim()]).toEqual([
      0,
      'Minutes offline before another phone may take a code: 10',
    ]);
    for (const bad of ['0', '1441', '5m']) {
      const res = await runCli(h, ['settings', 'move-offline-minutes', bad]);
      expect(res.code).toBe(2);
      expect(res.stderr).toMatch(/whole number of minutes from 1 to 1440/);
    }
    expect(await h.core!.services.selfService.moveOfflineMinutes()).toBe(10);
    const set = await runCli(h, ['settings', 'move-offline-minutes', '45', '--json']);
    expect([set.code, JSON.parse(set.stdout)]).toEqual([0, { move_offline_minutes: 45, changed: true }]);
    expect(await h.core!.services.selfService.moveOfflineMinutes()).toBe(45);
    const again = await runCli(h, ['settings', 'move-offline-minutes', '45']);
    expect(again.stdout.trim()).toBe('Minutes offline: 45 (unchanged)');
    const audited = await h.core!.services.audit.list({ action: 'settings.set' });
    expect(audited.entries.some((e) => JSON.stringify(e).includes('portal.move_offline_minutes'))).toBe(true);
    const help = await runCli(h, ['--help']);
    expect(help.stdout).toMatch(/settings move-offline-minutes +show or set how long a code must be offline/);
  });
});

describe('the menu', () => {
  const tmux = new TmuxCli();
  beforeAll(async () => {
    tmux.start(cliEnv(h, { NO_COLOR: '' }));
    await tmux.waitFor('0) Exit', { timeoutMs: 60000 });
  });
  afterAll(() => tmux.kill());

  test('Profiles → Create: an online-time profile whose second codes wait, with pause limits', async () => {
    await tmux.step(['3', 'Enter'], '2) Create');
    await tmux.step(['2', 'Enter'], 'Name (letters');
    await tmux.step(['PAUSEMENU', 'Enter'], 'Sold as:');
    await tmux.step(['Enter'], 'Price (');
    await tmux.step(['10', 'Enter'], 'Validity (');
    await tmux.step(['BSpace', 'BSpace', '2h', 'Enter'], 'Devices per voucher');
    await tmux.step(['Enter'], 'Upload speed');
    await tmux.step(['1M', 'Enter'], 'Download speed');
    await tmux.step(['2M', 'Enter'], 'Advanced settings');
    await tmux.step(['y', 'Enter'], 'Fair Usage Policy');
    await tmux.step(['Enter'], 'Data cap (');
    await tmux.step(['Enter'], 'Burst (');
    await tmux.step(['Enter'], 'Off-peak hours');
    await tmux.step(['Enter'], 'Shared line and priority');
    await tmux.step(['Enter'], 'Validity counts');
    await tmux.step(['Down', 'Enter'], 'phone that still has time');
    await tmux.step(['Down', 'Enter'], 'Longest pause (1m to 1d');
    // Checked as profiles.json is: two days is too long a pause, with the parser's own message.
    await tmux.step(['2d', 'Enter'], 'use from 1m to 1d');
    await tmux.step(['BSpace', 'BSpace', '45m', 'Enter'], 'Pauses per day (1 to 100');
    await tmux.step(['2', 'Enter'], 'Description (');
    const screen = await tmux.step(['Enter'], 'created.');
    expect(screen).toContain('Profile PAUSEMENU:');
    const p = await h.core!.services.profiles.get('PAUSEMENU');
    expect(p.profile).toMatchObject({
      timeMode: 'uptime',
      topup: 'queue',
      pauseMaxSeconds: 2700,
      pausesPerDay: 2,
    });
    await tmux.step(['0', 'Enter'], 'Main menu');
  });

  test('Settings → Moves per day: refuses 25 in place, saves 4', async () => {
    await tmux.step(['6', 'Enter'], '5) Moves per day');
    await tmux.step(['5', 'Enter'], 'Moves of one code to a new device per day');
    await tmux.step(['BSpace', '25', 'Enter'], 'is not a number of moves');
    await tmux.step(['BSpace', 'BSpace', '4', 'Enter'], 'Moves per day: 0 → 4.');
    expect(await h.core!.services.selfService.movesPerDay()).toBe(4);
    await tmux.step(['0', 'Enter'], 'Main menu');
  });

  test('Settings → Minutes offline: refuses 0 in place, saves 15', async () => {
    await tmux.step(['6', 'Enter'], '6) Minutes offline');
    await tmux.step(['6', 'Enter'], 'Minutes offline before another phone may take a code (1 to 1440)');
    await tmux.step(['BSpace', 'BSpace', '0', 'Enter'], 'is not a number of minutes');
    await tmux.step(['BSpace', '15', 'Enter'], 'Minutes offline: 45 → 15.');
    expect(await h.core!.services.selfService.moveOfflineMinutes()).toBe(15);
    await tmux.step(['0', 'Enter'], 'Main menu');
  });
});
