/**
 * The time zone saved in the admin is the terminal's too, with no restart: `pisonet backup` names its file in
 * it, `config show` shows it and says where it was set, and `doctor` prints the shop's time in it. The terminal's
 * .env still says Asia/Manila throughout.
 */
import path from 'node:path';
import { AdminClient } from '../admin/client';
import { createHarness, Harness } from '../helpers/harness';
import { runCli } from './helpers';

jest.setTimeout(90000);

let h: Harness;
let c: AdminClient;
const ENV = { TZ: 'Asia/Manila' }; // what .env says; the admin changes the zone below

beforeAll(async () => {
  h = await createHarness({ http: true, fakeClock: false });
  c = new AdminClient(h.app!.url);
  expect((await c.login()).status).toBe(303);
  const saved = await c.post('/admin/settings/shop', { tz: 'Asia/Tokyo' }, await c.token('/admin/settings'));
  expect(saved.status).toBe(303);
});
afterAll(async () => {
  await h?.close();
});

test('pisonet backup names its file in the zone saved in the admin', async () => {
  const r = await runCli(h, ['backup', '--format', 'export', '--json'], { env: ENV });
  expect(r.stderr).toBe('');
  const file = path.basename((JSON.parse(r.stdout) as { file: string }).file);
  expect(file).toMatch(/^pisonet-\d{8}-\d{6}\+0900\.export\.backup$/);
});

test('config show names the zone in effect and where it was set', async () => {
  const r = await runCli(h, ['config', 'show', '--json'], { env: ENV });
  expect(r.code).toBe(0);
  const shown = JSON.parse(r.stdout) as Record<string, string>;
  expect(shown.TZ).toBe('Asia/Tokyo');
  expect(shown.TZ_SET_IN).toMatch(/^Settings .*\.env: Asia\/Manila$/);
  const text = await runCli(h, ['config', 'show'], { env: ENV });
  expect(text.stdout).toMatch(/\nTZ: +Asia\/Tokyo\nTZ_SET_IN: +Settings/);
});

test('doctor tells the shop time in the zone saved in the admin, not UTC', async () => {
  const r = await runCli(h, ['doctor', '--json'], { env: ENV });
  const checks = (JSON.parse(r.stdout) as { checks: { id: string; detail: string }[] }).checks;
  const detail = (id: string) => checks.find((x) => x.id === id)?.detail ?? '';
  expect(detail('timezone')).toBe('time zone Asia/Tokyo, set in Settings');
  expect(detail('clock')).toMatch(/^the clock says \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+09:00 \(Asia\/Tokyo\)$/);
  expect(detail('clock')).not.toMatch(/Z$/);
});
