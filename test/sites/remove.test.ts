/**
 * Removing a site safely: refused while the site has unused or active vouchers, with how many of
 * each; forced, they are ended as revoked ("site removed") in the removal's transaction, audited with the
 * counts. The same rule in the service, the API (?force=true or {force:true}), the admin page and the CLI.
 */
import type { Actor } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { runCli } from '../cli/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { insertUnreachableSite } from './fixture';
import { api } from './helpers';

const ACTOR: Actor = { name: 'owner', via: 'admin' };

describe('removing a site with open vouchers', () => {
  let h: Harness;
  let n = 0;

  beforeAll(async () => {
    h = await createHarness({ http: true });
  });
  afterAll(async () => {
    await h.close();
  });

  /** A site with `unused` unused, `active` active and one expired voucher (unreachable router: never read). */
  async function siteWith(
    unused: number,
    active: number,
  ): Promise<{ id: number; name: string; codes: string[] }> {
    const db = h.core!.db;
    const name = `shop-${++n}`;
    const now = h.clock.now();
    const id = await insertUnreachableSite(h, name);
    const profile = (await db('profiles').where({ name: 'BASIC' }).first()) as { id: number };
    const codes: string[] = [];
    const add = async (status: string, i: number) => {
      const code = `S${n}${status.slice(0, 3).toUpperCase()}${i}`.padEnd(8, '0');
      codes.push(code);
      await db('vouchers').insert({
        code,
        profile_id: profile.id,
        price: 500,
        rate_limit_up: 1000000,
        rate_limit_down: 2000000,
        status,
        created_at: now - 3600_000,
        activated_at: status === 'unused' ? null : now - 1800_000,
        updated_at: now - 1800_000,
        site_id: id,
      });
    };
    for (let i = 0; i < unused; i++) await add('unused', i);
    for (let i = 0; i < active; i++) await add('active', i);
    await add('expired', 0);
    return { id, name, codes };
  }

  const statuses = async (siteCodes: string[]) =>
    (await h.core!.db('vouchers').whereIn('code', siteCodes).orderBy('code')).map(
      (r: { status: string; end_reason: string | null }) => `${r.status}:${r.end_reason ?? ''}`,
    );

  it('the service refuses with the counts and how to force, and changes nothing', async () => {
    const s = await siteWith(2, 1);
    const before = await statuses(s.codes);
    const err = await h.core!.services.sites.remove(s.name, ACTOR).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SITE_HAS_VOUCHERS', status: 409, open: { unused: 2, active: 1 } });
    expect((err as Error).message).toMatch(/still has 2 unused vouchers and 1 active voucher \(in use now\)/);
    expect((err as Error).message).toMatch(/--force/);
    expect(await h.core!.db('sites').where({ id: s.id }).first()).toBeTruthy();
    expect(await statuses(s.codes)).toEqual(before);
  });

  it('forced: the open vouchers are revoked ("site removed") with the removal, and the counts audited', async () => {
    const s = await siteWith(2, 1);
    h.clock.advance(60_000);
    const out = await h.core!.services.sites.remove(s.id, ACTOR, { force: true });
    expect(out).toEqual({ id: s.id, name: s.name, ended: { unused: 2, active: 1 } });
    expect(await h.core!.db('sites').where({ id: s.id }).first()).toBeUndefined();
    const rows = await h.core!.db('vouchers').whereIn('code', s.codes);
    const ended = rows.filter((r: { status: string }) => r.status === 'revoked');
    expect(ended).toHaveLength(3);
    for (const r of ended) {
      expect(r.end_reason).toBe('site removed');
      expect(Number(r.ended_at)).toBe(h.clock.now());
      expect(Number(r.updated_at)).toBe(h.clock.now());
    }
    // The expired voucher keeps its history; every voucher of the removed site now has no site.
    expect(rows.find((r: { status: string }) => r.status === 'expired')?.end_reason ?? null).toBeNull();
    expect(rows.every((r: { site_id: number | null }) => r.site_id === null)).toBe(true);
    const { entries } = await h.core!.services.audit.list({ action: 'site.remove', limit: 1 });
    expect(entries[0]).toMatchObject({
      target: s.name,
      details: { forced: true, ended_unused: 2, ended_active: 1 },
    });
  });

  it('a site with no open vouchers goes without force', async () => {
    const s = await siteWith(0, 0);
    expect((await h.core!.services.sites.remove(s.id, ACTOR)).ended).toEqual({ unused: 0, active: 0 });
  });

  it('API: 409 with the counts; ?force=true or {"force":true} removes; a bad force is a 400', async () => {
    const s = await siteWith(1, 2);
    const refused = await api(h, 'DELETE', `/sites/${s.id}`);
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({
      success: false,
      code: 'SITE_HAS_VOUCHERS',
      open: { unused: 1, active: 2 },
    });
    expect(refused.json.error).toMatch(/force=true/);
    const bad = await api(h, 'DELETE', `/sites/${s.id}?force=maybe`);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'INVALID_INPUT', fields: { force: expect.any(String) } });
    const ok = await api(h, 'DELETE', `/sites/${s.id}?force=true`);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ success: true, site: { id: s.id }, ended: { unused: 1, active: 2 } });

    const t = await siteWith(1, 0);
    const body = await api(h, 'DELETE', `/sites/${t.name}`, { force: true });
    expect(body.status).toBe(200);
    expect(body.json.ended).toEqual({ unused: 1, active: 0 });
  });

  it('admin page: the refusal is shown on the page with a "Remove anyway" button that ends them', async () => {
    const s = await siteWith(3, 1);
    const admin = new AdminClient(h.app!.url);
    await admin.login();
    const token = await admin.token(`/admin/sites/${s.id}`);
    const refused = await admin.post(`/admin/sites/${s.id}/remove`, {}, token);
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain('data-testid="remove-refusal"');
    expect(html).toContain('still has 3 unused vouchers and 1 active voucher (in use now)');
    expect(html).toContain('was not removed: it still has open vouchers (see Remove below)');
    expect(html).toMatch(/data-testid="remove-force">Remove anyway and end its 4 open vouchers</);
    expect(html).toContain('name="force" value="yes"');
    expect(await h.core!.db('sites').where({ id: s.id }).first()).toBeTruthy();

    const done = await admin.post(`/admin/sites/${s.id}/remove`, { force: 'yes' }, token);
    expect(done.status).toBe(303);
    expect(await h.core!.db('sites').where({ id: s.id }).first()).toBeUndefined();
    const list = await admin.html('/admin/sites');
    expect(list).toContain(
      `Site ${s.name} removed; the controller disconnected from it. 4 open vouchers were ended (revoked).`,
    );
  });

  it('CLI: refused without --force (exit 1, with the counts), removed with --force', async () => {
    const s = await siteWith(1, 1);
    const refused = await runCli(h, ['sites', 'remove', s.name, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/1 unused voucher and 1 active voucher.*\(SITE_HAS_VOUCHERS\)/s);
    const forced = await runCli(h, ['sites', 'remove', s.name, '--yes', '--force', '--json']);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({
      site: { id: s.id, name: s.name },
      ended: { unused: 1, active: 1 },
    });
    expect((await statuses(s.codes)).sort()).toEqual([
      'expired:',
      'revoked:site removed',
      'revoked:site removed',
    ]);
  });
});
