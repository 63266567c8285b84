/**
 * The admin's and the terminal's side of profiles and vendos per site: the Site select of the profile
 * and vendo forms (create for a site, edit back to shared), the Site column and the page's site picker, and
 * `--site` on the profile and vendo commands.
 */
import { insertUnreachableSite } from './fixture';
import { AdminClient } from '../admin/client';
import { runCli } from '../cli/helpers';
import { createHarness, type Harness } from '../helpers/harness';

const FORM = {
  name: 'BRANCHY',
  price: '7',
  validity: '2h',
  users: '1',
  rate_down: '2M',
  rate_up: '1M',
  time_mode: 'wallclock',
};

describe('profiles and vendos per site: admin forms and CLI', () => {
  let h: Harness;
  let c: AdminClient;
  let siteB: number;

  const profileRow = (name: string) =>
    h.core!.db('profiles').whereRaw('LOWER(name) = LOWER(?)', [name]).first();

  beforeAll(async () => {
    h = await createHarness({ http: true, sites: { sitePolls: false } });
    // A second site whose router is not reached (the forms need only its name).
    siteB = await insertUnreachableSite(h, 'branch-b');
    c = new AdminClient(h.app!.url);
    expect((await c.login()).status).toBe(303);
  });
  afterAll(async () => {
    await h.close();
  });

  test('the profile form: made for a site, listed with it, narrowed by the picker, edited back to shared', async () => {
    const blank = await c.html(`/admin/profiles/new?site=${siteB}`);
    // Preset to the site the page was narrowed to.
    expect(blank).toContain('<option value="">Every site (shared)</option>');
    expect(blank).toContain(`<option value="${siteB}" selected>branch-b</option>`);
    const token = await c.token('/admin/profiles/new');

    // An unknown site: the form again, its message under the Site select, nothing saved.
    const bad = await c.post('/admin/profiles', { ...FORM, site: '999' }, token);
    expect(bad.status).toBe(404);
    expect(await bad.text()).toMatch(/id="f-site-err">Site &#34;999&#34; not found/);
    expect(await profileRow('BRANCHY')).toBeUndefined();

    const made = await c.post('/admin/profiles', { ...FORM, site: String(siteB) }, token);
    expect(made.status).toBe(303);
    expect(await profileRow('BRANCHY')).toMatchObject({ site_id: siteB });

    const all = await c.html('/admin/profiles');
    expect(all).toMatch(/<th>Site<\/th>/);
    expect(all).toMatch(/data-testid="profile-site">branch-b only</);
    // Narrowed to default: the shared profiles, not branch B's.
    const atDefault = await c.html('/admin/profiles?site=default');
    expect(atDefault).toContain('BASIC');
    expect(atDefault).not.toContain('BRANCHY');
    expect(await c.html(`/admin/profiles?site=${siteB}`)).toContain('BRANCHY');

    const edit = await c.html('/admin/profiles/BRANCHY/edit');
    expect(edit).toContain(`<option value="${siteB}" selected>branch-b</option>`);
    const shared = await c.post('/admin/profiles/BRANCHY', { ...FORM, site: '' }, token);
    expect(shared.status).toBe(303);
    expect(await profileRow('BRANCHY')).toMatchObject({ site_id: null });
    expect(await c.html('/admin/profiles?site=default')).toContain('BRANCHY');
    const audit = (await h
      .core!.db('audit_log')
      .where({ action: 'profile.update' })
      .orderBy('id', 'desc')
      .first()) as {
      details: string;
    };
    expect(audit.details).toContain('shared by every site (was the site branch-b only)');
  });

  test('the vendo form: added for a site, shown with it, edited back to shared', async () => {
    const list = await c.html(`/admin/vendos?site=${siteB}`);
    expect(list).toContain(`<option value="${siteB}" selected>branch-b</option>`);
    const token = await c.token('/admin/vendos');
    const added = await c.post(
      '/admin/vendos',
      {
        name: 'Branch box',
        location: '',
        site: String(siteB),
        profile: 'BASIC',
        rates: '1 = 10m\n5 = 1h',
        window_seconds: '60',
      },
      token,
    );
    expect(added.status).toBe(200); // the page that shows the secret once
    const page = await added.text();
    expect(page).toMatch(/data-testid="vendo-sells-on">branch-b only</);
    const row = (await h.core!.db('vendos').where({ name: 'Branch box' }).first()) as {
      id: string;
      site_id: number;
    };
    expect(row.site_id).toBe(siteB);
    expect(await c.html('/admin/vendos')).toMatch(/data-testid="vendo-site">branch-b only</);
    expect(await c.html('/admin/vendos?site=default')).not.toContain('Branch box');

    const edited = await c.post(
      `/admin/vendos/${row.id}`,
      {
        name: 'Branch box',
        location: '',
        site: '',
        profile: 'BASIC',
        rates: '1 = 10m\n5 = 1h',
        window_seconds: '60',
        enabled: 'on',
      },
      token,
    );
    expect(edited.status).toBe(303);
    expect(await h.core!.db('vendos').where({ id: row.id }).first()).toMatchObject({ site_id: null });
    expect(await c.html('/admin/vendos?site=default')).toContain('Branch box');
  });

  test('pisonet profiles and vendos: --site on create, update, import and list', async () => {
    const entry = JSON.stringify({
      name: 'CLIP',
      price: 9,
      validity: '1h',
      users: 1,
      rate_up: '1M',
      rate_down: '2M',
    });
    const created = await runCli(h, ['profiles', 'create', '-', '--site', 'branch-b', '--json'], {
      input: entry,
    });
    expect(created.stderr).toBe('');
    expect(JSON.parse(created.stdout).profile).toMatchObject({ name: 'CLIP', site: 'branch-b' });
    const listed = async (args: string[]) =>
      (
        JSON.parse((await runCli(h, ['profiles', 'list', '--json', ...args])).stdout) as {
          profiles: { name: string }[];
        }
      ).profiles.map((p) => p.name);
    expect(await listed(['--site', 'default'])).not.toContain('CLIP');
    expect(await listed(['--site', 'branch-b'])).toContain('CLIP');
    const table = await runCli(h, ['profiles', 'list']);
    expect(table.stdout).toMatch(/CLIP .*branch-b only/);

    // An update without --site keeps it; --site shared makes it shared.
    await runCli(h, ['profiles', 'update', 'CLIP', '-'], { input: entry.replace('"price":9', '"price":10') });
    expect(await profileRow('CLIP')).toMatchObject({ site_id: siteB, price: 1000 });
    await runCli(h, ['profiles', 'update', 'CLIP', '-', '--site', 'shared'], { input: entry });
    expect(await profileRow('CLIP')).toMatchObject({ site_id: null });
    const unknown = await runCli(h, ['profiles', 'create', '-', '--site', 'nowhere'], {
      input: entry.replace('CLIP', 'CLIP2'),
    });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('nowhere');
    expect(await profileRow('CLIP2')).toBeUndefined();

    // An import is shared unless told; --site ties every profile in the file to the site.
    const file = JSON.stringify([
      { name: 'IMP1', price: 3, validity: '1h', users: 1, rate_up: '1M', rate_down: '1M' },
    ]);
    expect((await runCli(h, ['profiles', 'import', '-'], { input: file })).code).toBe(0);
    expect(await profileRow('IMP1')).toMatchObject({ site_id: null });
    const tied = await runCli(h, ['profiles', 'import', '-', '--site', 'branch-b', '--json'], {
      input: file,
    });
    expect(JSON.parse(tied.stdout).changes).toEqual(['profile IMP1: for the site branch-b only']);
    expect(await profileRow('IMP1')).toMatchObject({ site_id: siteB });

    const add = await runCli(h, [
      'vendos',
      'add',
      '--name',
      'CLI box',
      '--profile',
      'BASIC',
      '--rates',
      '1=10m,5=1h',
      '--site',
      'branch-b',
      '--json',
    ]);
    expect(add.stderr).toBe('');
    const vendo = JSON.parse(add.stdout).vendo as { id: string; site: string };
    expect(vendo.site).toBe('branch-b');
    const vendos = async (site: string) =>
      (
        JSON.parse((await runCli(h, ['vendos', 'list', '--site', site, '--json'])).stdout) as {
          vendos: { id: string }[];
        }
      ).vendos.map((v) => v.id);
    expect(await vendos('default')).not.toContain(vendo.id);
    expect(await vendos('branch-b')).toContain(vendo.id);
    const shared = await runCli(h, ['vendos', 'update', vendo.id, '--site', 'shared']);
    expect(shared.stdout).toContain('it sells on every site');
    expect(await vendos('default')).toContain(vendo.id);
  }, 240_000); // each CLI run starts a process
});
