/**
 * The admin's Backups page and API: behind the login (a redirect, or 401 for the API), Back up now and the
 * download audited, the download streamed as an attachment byte for byte, and only the folder's own backups.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AdminClient, bearer } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';

let h: Harness;
let c: AdminClient;

beforeAll(async () => {
  h = await createHarness({ http: true, env: { BACKUP_KEEP: '2', BACKUP_EVERY: '1d' } });
  c = new AdminClient(h.app!.url);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

test('without a session the page and the download redirect to the login, the API answers 401', async () => {
  const made = await h.core!.services.backups.backupNow();
  const name = path.basename(made.file);
  const anon = new AdminClient(h.app!.url);
  for (const url of ['/admin/backups', `/admin/backups/${name}/download`]) {
    const res = await anon.get(url);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/\/admin\/login/);
  }
  const post = await anon.post('/admin/backups', {});
  expect([303, 403]).toContain(post.status);
  for (const url of ['/admin/api/backups', `/admin/api/backups/${name}`]) {
    const res = await anon.request(url, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(401);
  }
  expect(fs.readdirSync(h.config.backup.dir).filter((n) => n.endsWith('.backup'))).toEqual([name]);
});

test('Back up now makes one, the page shows it, and its download is the file itself, audited', async () => {
  expect((await c.login()).status).toBe(303);
  h.clock.advance(60_000);
  const res = await c.post('/admin/backups', {}, await c.token('/admin/backups'));
  expect(res.status).toBe(303);
  const html = await c.html('/admin/backups');
  expect(html).toMatch(
    /Backup made: pisonet-\d{8}-\d{6}\+0800\.sqlite\.backup|Backup made: pisonet-\d{8}-\d{6}\+0800\.pgdump\.backup/,
  );
  const newest = (await h.core!.services.backups.list())[0];
  expect(html).toContain(newest.name);
  expect(html).toContain(h.config.backup.dir);
  expect(html).toMatch(/Every<\/dt><dd>1d/);

  const dl = await c.get(`/admin/backups/${encodeURIComponent(newest.name)}/download`);
  expect(dl.status).toBe(200);
  expect(dl.headers.get('content-disposition')).toBe(`attachment; filename="${newest.name}"`);
  expect(dl.headers.get('content-type')).toBe('application/octet-stream');
  expect(Number(dl.headers.get('content-length'))).toBe(newest.bytes);
  const body = Buffer.from(await dl.arrayBuffer());
  expect(body.equals(fs.readFileSync(newest.file))).toBe(true);

  const { entries } = await h.core!.services.audit.list({ limit: 5 });
  expect(entries.find((e) => e.action === 'backup.downloaded')).toMatchObject({ target: newest.name });
  expect(entries.find((e) => e.action === 'backup.made')).toMatchObject({ target: newest.name });
  expect(entries[0].actor).toMatch(/admin/);

  // Settings shows the last backup and leads to the page.
  const settings = await c.html('/admin/settings');
  expect(settings).toMatch(/data-testid="settings-backup">Last backup/);
  expect(settings).toContain('href="/admin/backups"');
});

test('only the backups of the folder can be downloaded', async () => {
  fs.writeFileSync(path.join(h.dir, 'secret.txt'), 'not for download');
  for (const name of [
    '..%2Fsecret.txt',
    'secret.txt',
    'pisonet-20260101-000000.sqlite.backup',
    '..%2F..%2Fetc%2Fpasswd',
  ]) {
    const res = await c.get(`/admin/backups/${name}/download`);
    expect(res.status).toBe(404);
  }
});

test('the API lists, makes and downloads backups for a script with the token', async () => {
  const made = await c.request('/admin/api/backups', {
    method: 'POST',
    headers: { ...bearer, accept: 'application/json' },
  });
  expect(made.status).toBe(201);
  const m = (await made.json()) as { name: string; bytes: number; sha256: string; pruned: string[] };
  expect(m.name).toMatch(/^pisonet-.*\.backup$/);
  expect(m.pruned.length).toBeGreaterThanOrEqual(1); // BACKUP_KEEP=2
  const list = (await (await c.request('/admin/api/backups', { headers: bearer })).json()) as {
    keep: number;
    backups: Array<{ name: string; bytes: number; damaged: boolean }>;
  };
  expect(list.keep).toBe(2);
  expect(list.backups).toHaveLength(2);
  expect(list.backups[0]).toMatchObject({ name: m.name, bytes: m.bytes, damaged: false });
  const dl = await c.request(`/admin/api/backups/${m.name}`, { headers: bearer });
  expect(dl.status).toBe(200);
  expect(Number(dl.headers.get('content-length'))).toBe(m.bytes);
  expect((await dl.arrayBuffer()).byteLength).toBe(m.bytes);
});
