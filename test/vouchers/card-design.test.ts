import fs from 'node:fs';
import path from 'node:path';
import { AdminClient, bearer } from '../admin/client';
import { runCli } from '../cli/helpers';
import { createHarness, Harness } from '../helpers/harness';
import { SYSTEM } from '../../src/services/types';

/** A batch's card design: chosen on the form, the API and the CLI, stored with the batch, changed when printing. */
describe('card designs per batch', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true });
  });
  afterEach(async () => {
    await h.close();
  });

  const design = async (id: number) => (await h.core!.db('batches').where({ id }).first()).card_design;

  it('the API takes an optional design, any case; a wrong one is refused and nothing is made', async () => {
    const c = new AdminClient(h.app!.url);
    const made = await c.postJson(
      '/admin/api/vouchers',
      { profile: 'BASIC', count: 2, design: 'Logo' },
      bearer,
    );
    expect(made.status).toBe(201);
    const body = (await made.json()) as { batch_id: number; design: string };
    expect(body.design).toBe('logo');
    expect(await design(body.batch_id)).toBe('logo');
    expect((await h.core!.services.vouchers.batch(body.batch_id)).batch.design).toBe('logo');

    const plain = (await (
      await c.postJson('/admin/api/vouchers', { profile: 'BASIC', count: 1 }, bearer)
    ).json()) as { batch_id: number };
    // Left out: the owner's card design (Card design page).
    expect(await design(plain.batch_id)).toBe('custom');

    for (const bad of ['fancy', ['logo'], 7]) {
      const res = await c.postJson(
        '/admin/api/vouchers',
        { profile: 'BASIC', count: 1, design: bad },
        bearer,
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/design/);
    }
    expect(await h.core!.db('batches').count({ n: '*' })).toEqual([{ n: 2 }]);
  });

  it('the generate form offers the designs and keeps the choice; the print page can change it', async () => {
    const c = new AdminClient(h.app!.url);
    await c.login();
    const form = await c.html('/admin/vouchers');
    expect(form).toContain('name="design"');
    expect(form).toContain('With shop logo');
    const token = await c.token('/admin/vouchers');
    const res = await c.post(
      '/admin/vouchers/generate',
      { profile: 'BASIC', count: '3', design: 'logo' },
      token,
    );
    expect(res.status).toBe(303);
    const id = Number(/batches\/(\d+)/.exec(res.headers.get('location')!)![1]);
    expect(await design(id)).toBe('logo');
    expect(await c.html(`/admin/vouchers/batches/${id}`)).toContain('With shop logo');

    const sheet = await c.html(`/admin/vouchers/batches/${id}/print`);
    expect(sheet).toContain('class="a4 logo"');
    expect((sheet.match(/class="band"/g) ?? []).length).toBe(3);
    const compact = await c.html(`/admin/vouchers/batches/${id}/print?design=compact`);
    expect(compact).toContain('class="a4 compact"');
    expect(compact).not.toContain('class="band"');
    // Changing it for one print leaves the batch's own design alone.
    expect(await design(id)).toBe('logo');
    expect((await c.get(`/admin/vouchers/batches/${id}/print?design=huge`)).status).toBe(400);
    expect((await c.get(`/admin/vouchers/batches/${id}/print?format=letter`)).status).toBe(400);

    const bad = await c.post(
      '/admin/vouchers/generate',
      { profile: 'BASIC', count: '3', design: 'huge' },
      token,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('choose a card design');
  });

  it('the CLI generates with --design and writes sheets with --format, --include and --design', async () => {
    const gen = await runCli(h, [
      'vouchers',
      'generate',
      '--profile',
      'BASIC',
      '--count',
      '2',
      '--design',
      'logo',
      '--json',
    ]);
    expect(gen.code).toBe(0);
    const out = JSON.parse(gen.stdout) as { batch_id: number; design: string; vouchers: { code: string }[] };
    expect(out.design).toBe('logo');
    expect(await design(out.batch_id)).toBe('logo');
    expect(
      (await runCli(h, ['vouchers', 'generate', '--profile', 'BASIC', '--count', '1', '--design', 'x'])).code,
    ).not.toBe(0);

    await h.core!.services.vouchers.revoke(out.vouchers[0].code, SYSTEM);
    const file = path.join(h.dir, 'sheet.html');
    const sheet = await runCli(h, [
      'vouchers',
      'sheet',
      '--batch',
      String(out.batch_id),
      '--out',
      file,
      '--format',
      'thermal80',
    ]);
    expect(sheet.code).toBe(0);
    expect(sheet.stdout).toContain('1 card');
    // No login address is known in this harness: the CLI says what to set, as the web page does.
    expect(sheet.stdout).toContain('HOTSPOT_LOGIN_URL');
    let html = fs.readFileSync(file, 'utf8');
    expect(html).toContain('class="thermal thermal80 logo"');
    expect(html).toContain('@page { size: 80mm');
    expect(html).toContain('window.print()');
    expect((html.match(/class="card"/g) ?? []).length).toBe(1);
    const all = await runCli(h, [
      'vouchers',
      'sheet',
      '--batch',
      String(out.batch_id),
      '--out',
      file,
      '--include',
      'all',
      '--design',
      'compact',
    ]);
    expect(all.code).toBe(0);
    html = fs.readFileSync(file, 'utf8');
    expect((html.match(/class="card"/g) ?? []).length).toBe(2);
    expect(html).toContain('class="a4 compact"');
  }, 120_000); // four CLI processes, each starting tsx: slow on a busy 2-core machine
});
