/** pisonet doctor's decisions: each failing fact gives a failed check with its fix. */
import { doctorChecks, type DoctorFacts } from '../../src/domain/doctor';

const NOW = Date.UTC(2026, 10, 25, 12);
const good: DoctorFacts = {
  nodeVersion: '20.19.1',
  database: { ok: true },
  router: { connected: true, identity: 'Shop' },
  setupNotOk: [],
  now: NOW,
  timeZone: 'Asia/Manila',
  timeZoneValid: true,
  freeBytes: 5 * 1024 ** 3,
  dataDir: '/opt/pisonet/data',
  backups: { everySeconds: 86400, newestAt: NOW - 3600_000 },
};

const state = (f: Partial<DoctorFacts>) =>
  Object.fromEntries(doctorChecks({ ...good, ...f }).map((c) => [c.id, [c.state, c.fix]]));

test('a healthy box: every check ok, no fix', () => {
  expect(doctorChecks(good).every((c) => c.state === 'ok' && c.fix === '')).toBe(true);
});

test('each problem fails its own check and says what to do', () => {
  expect(state({ nodeVersion: '18.20.0' }).node?.[0]).toBe('fail');
  expect(state({ router: { connected: false, error: 'connection refused' } }).router).toEqual([
    'fail',
    expect.stringContaining('router test'),
  ]);
  expect(state({ setupNotOk: ['fasttrack'] }).setup).toEqual(['fail', 'npx pisonet router setup --apply']);
  expect(state({ now: Date.UTC(2000, 0, 1) }).clock?.[0]).toBe('fail');
  expect(state({ timeZoneValid: false, timeZone: 'Manila' }).timezone?.[1]).toContain('TZ=');
  expect(state({ freeBytes: 100 * 1024 ** 2 }).disk?.[0]).toBe('fail');
  expect(state({ backups: { everySeconds: 0 } }).backup?.[0]).toBe('fail');
  expect(state({ backups: { everySeconds: 86400, newestAt: NOW - 5 * 86400_000 } }).backup?.[0]).toBe('fail');
});

test('a restore cut short is a warning naming its file and time, listed only then', () => {
  expect(doctorChecks(good).map((c) => c.id)).not.toContain('restore');
  const file = '/opt/pisonet/data/pisonet.sqlite.restoring';
  const check = doctorChecks({ ...good, interruptedRestore: { file, at: NOW } }).find(
    (c) => c.id === 'restore',
  );
  expect(check).toEqual({
    id: 'restore',
    state: 'warn',
    detail: "a restore was interrupted at 2026-11-25 20:00:00 (the shop's database was left as it was)",
    fix: `run \`pisonet restore\` again with the same backup to finish it, or delete ${file}`,
  });
});
