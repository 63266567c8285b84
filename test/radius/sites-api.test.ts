/**
 * A site in RADIUS mode through the admin API: its router as a RADIUS client (address, secret, CoA port), the
 * secret sealed at rest and never answered or logged, bounds named by field, one router address per RADIUS site,
 * and a clear refusal on SQLite (FreeRADIUS reads and writes the product's PostgreSQL database).
 */
import { createHarness, type Harness } from '../helpers/harness';
import { onPostgres } from '../helpers/test-db';
import { api, capturingLogger } from '../sites/helpers';

const SECRET = 'Branch2-radius-Secret';

describe('RADIUS sites through the admin API', () => {
  let h: Harness;
  let lines: string[];
  beforeAll(async () => {
    const cap = capturingLogger();
    lines = cap.lines;
    h = await createHarness({ http: true, log: cap.log });
  });
  afterAll(async () => {
    await h.close();
  });

  it('refuses bad RADIUS fields, each named, whatever the engine', async () => {
    const bad = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: 'router.lan',
      radius_secret: 'short',
      coa_port: 70000,
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ success: false, code: 'INVALID_INPUT' });
    expect(Object.keys(bad.json.fields).sort()).toEqual(['coa_port', 'nas_address', 'radius_secret']);
    expect(JSON.stringify(bad.json)).not.toContain('short');
    const quote = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '10.20.0.1',
      radius_secret: 'has "quotes" in it',
    });
    expect(quote.status).toBe(400);
    expect(Object.keys(quote.json.fields)).toEqual(['radius_secret']);
    const mode = await api(h, 'POST', '/sites', { name: 'branch-r', mode: 'ppp' });
    expect(mode.status).toBe(400);
    expect(mode.json.fields.mode).toMatch(/api or radius/);
  });

  if (!onPostgres) {
    it('on SQLite, a RADIUS site is refused with what to do, and nothing is stored', async () => {
      const res = await api(h, 'POST', '/sites', {
        name: 'branch-r',
        mode: 'radius',
        nas_address: '10.20.0.1',
        radius_secret: SECRET,
      });
      expect(res.status).toBe(409);
      expect(res.json).toMatchObject({ success: false, code: 'RADIUS_NEEDS_POSTGRES' });
      expect(res.json.error).toMatch(/PostgreSQL/);
      const names = (await api(h, 'GET', '/sites')).json.sites.map((s: { name: string }) => s.name);
      expect(names).toEqual(['default']);
    });
    return;
  }

  it('adds a RADIUS site without API access: 201, the secret sealed and never answered or logged', async () => {
    const res = await api(h, 'POST', '/sites', {
      name: 'branch-r',
      mode: 'radius',
      nas_address: '10.20.0.1',
      radius_secret: SECRET,
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      success: true,
      site: {
        name: 'branch-r',
        mode: 'radius',
        nas_address: '10.20.0.1',
        coa_port: 3799,
        radius_secret_set: true,
        api_access: false,
        host: '',
      },
    });
    expect(JSON.stringify(res.json)).not.toContain(SECRET);
    // Nothing heard from its router yet: said so, with what to check (also on /healthz).
    expect(res.json.site).toMatchObject({ connected: false, error: { code: 'RADIUS_NOT_HEARD' } });
    expect(res.json.site.error.message).toMatch(/secret/);
    const health = (await (await fetch(`${h.app!.url}/healthz`)).json()) as {
      sites: Array<{ name: string }>;
    };
    expect(health.sites.find((s: { name: string }) => s.name === 'branch-r')).toMatchObject({
      connected: false,
      error: { code: 'RADIUS_NOT_HEARD' },
    });
    const row = await h.core!.db('sites').where({ name: 'branch-r' }).first();
    expect(row.radius_secret_enc).toBeTruthy();
    expect(row.radius_secret_enc).not.toContain(SECRET);
    expect(lines.join('\n')).not.toContain(SECRET);
    const audit = await h.core!.db('audit_log').where({ action: 'site.add', target: 'branch-r' }).first();
    expect(audit.details).not.toContain(SECRET);
    expect(JSON.parse(audit.details)).toMatchObject({ mode: 'radius', radius_secret_set: true });
  });

  it('one router address per RADIUS site; an edit keeps the stored secret and may change the CoA port', async () => {
    const dup = await api(h, 'POST', '/sites', {
      name: 'branch-s',
      mode: 'radius',
      nas_address: '10.20.0.1',
      radius_secret: SECRET,
    });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ code: 'NAS_ADDRESS_TAKEN' });
    const id = (await api(h, 'GET', '/sites')).json.sites.find(
      (s: { name: string }) => s.name === 'branch-r',
    ).id;
    const edit = await api(h, 'PUT', `/sites/${id}`, { coa_port: 1700 });
    expect(edit.status).toBe(200);
    expect(edit.json.site).toMatchObject({
      coa_port: 1700,
      radius_secret_set: true,
      nas_address: '10.20.0.1',
    });
  });

  it('adds a RADIUS site with API access too (host, user, password for live views and logouts)', async () => {
    const res = await api(h, 'POST', '/sites', {
      name: 'branch-t',
      mode: 'radius',
      nas_address: '10.30.0.1',
      radius_secret: SECRET,
      host: '10.30.0.1',
      user: 'pisonet',
      password: 'Api-pa55word',
    });
    expect(res.status).toBe(201);
    expect(res.json.site).toMatchObject({
      api_access: true,
      host: '10.30.0.1',
      user: 'pisonet',
      password_set: true,
    });
  });
});
