/**
 * The admin narrowed to one site: reports, events, vouchers, batches and the dashboard's figures
 * by vouchers.site_id, in the services (the API and the CLI call the same code), the JSON APIs' `?site=`, the
 * pages' picker, and the Sites page's income today and active vouchers.
 */
import { addDays, localDate, startOfLocalDay } from '../../src/domain/calendar';
import type { ReportService, SalesRow } from '../../src/services/types';
import { AdminClient } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';
import { api } from './helpers';
import { seedTwoSites, TODAY, type Fixture } from './fixture';

const TZ = 'Asia/Manila';
const day = (d: string) => startOfLocalDay(d, TZ);
const TODAY_FROM = day(localDate(TODAY, TZ));
const TODAY_TO = day(addDays(localDate(TODAY, TZ), 1));
const MONTH = { from: day('2026-11-01'), to: day('2026-12-01') };

/** Sums rows of several reports by period. */
function sumByPeriod(...lists: SalesRow[][]): Record<string, { count: number; amount: number }> {
  const out: Record<string, { count: number; amount: number }> = {};
  for (const list of lists)
    for (const r of list) {
      const t = (out[r.period] ??= { count: 0, amount: 0 });
      t.count += r.count;
      t.amount += r.amount;
    }
  // Periods with nothing on any list are left out, so lists with and without zero rows compare equal.
  for (const [k, v] of Object.entries(out)) if (!v.count && !v.amount) delete out[k];
  return out;
}

describe('the admin narrowed to one site', () => {
  let h: Harness;
  let f: Fixture;
  let reports: ReportService;
  const A = 1;

  beforeAll(async () => {
    h = await createHarness({ http: true });
    f = await seedTwoSites(h);
    reports = h.core!.services.reports;
  });
  afterAll(async () => {
    await h.close();
  });

  it('site-scoped sales add up to the all-sites report, by day, month and profile', async () => {
    for (const by of ['day', 'month', 'profile'] as const) {
      const all = await reports.sales({ ...MONTH, by });
      const a = await reports.sales({ ...MONTH, by, siteId: A });
      const b = await reports.sales({ ...MONTH, by, siteId: f.siteB });
      expect(sumByPeriod(a, b)).toEqual(sumByPeriod(all));
    }
    const total = (rows: SalesRow[]) => rows.reduce((s, r) => s + r.amount, 0);
    expect(total(await reports.sales({ ...MONTH, by: 'month', siteId: A }))).toBe(3500);
    expect(total(await reports.sales({ ...MONTH, by: 'month', siteId: f.siteB }))).toBe(3200);
    expect(total(await reports.sales({ ...MONTH, by: 'month' }))).toBe(6700);
    // Today: A sold 2 (staff voucher no sale), B sold 3.
    const today = async (siteId?: number) => {
      const rows = await reports.sales({ from: TODAY_FROM, to: TODAY_TO, by: 'day', siteId });
      return { count: rows[0].count, amount: rows[0].amount };
    };
    expect(await today(A)).toEqual({ count: 2, amount: 1500 });
    expect(await today(f.siteB)).toEqual({ count: 3, amount: 2200 });
    expect(await today()).toEqual({ count: 5, amount: 3700 });
  });

  it('sales by source, usage, top users and stock are per site too, and add up', async () => {
    const src = async (siteId?: number) => (await reports.bySource({ ...MONTH, siteId })).totals.printed;
    const [sa, sb, sall] = [await src(A), await src(f.siteB), await src()];
    expect({ count: sa.count + sb.count, amount: sa.amount + sb.amount }).toEqual(sall);
    expect(sb).toEqual({ count: 4, amount: 3200 });

    const usage = async (siteId?: number) => reports.usageTotals({ ...MONTH, siteId });
    expect(await usage(A)).toEqual({ bytesUp: 1000, bytesDown: 10000, vouchers: 1 });
    expect(await usage(f.siteB)).toEqual({ bytesUp: 3000, bytesDown: 30000, vouchers: 2 });
    expect(await usage()).toEqual({ bytesUp: 4000, bytesDown: 40000, vouchers: 3 });

    expect((await reports.topUsers({ ...MONTH, siteId: f.siteB })).map((t) => t.code)).toEqual([
      'BBBB0002',
      'BBBB0001',
    ]);
    expect((await reports.topUsers({ ...MONTH, siteId: A })).map((t) => t.code)).toEqual(['AAAA0001']);

    // Stock: a roaming voucher not used yet has no site, so it counts under every site only.
    expect(await reports.stockTotal({ siteId: A })).toEqual({ count: 2, value: 2500 });
    expect(await reports.stockTotal({ siteId: f.siteB })).toEqual({ count: 1, value: 2000 });
    expect(await reports.stockTotal()).toEqual({ count: 4, value: 5000 });
    expect((await reports.stock({ siteId: f.siteB })).byProfile).toEqual([
      { profile: 'PREMIUM', count: 1, value: 2000 },
    ]);
  });

  it('events, vouchers and batches by site; events of no voucher under every site only', async () => {
    const { events, vouchers } = h.core!.services;
    const msgs = async (siteId?: number) => (await events.list({ siteId, limit: 50 })).map((e) => e.message);
    expect(await msgs(A)).toEqual(['Sold on A']);
    expect(await msgs(f.siteB)).toEqual(['Online on B', 'Sold on B']);
    expect(await msgs()).toEqual(['Router away', 'Online on B', 'Sold on B', 'Sold on A']);

    const codes = async (siteId?: number) =>
      (await vouchers.list({ siteId, limit: 100 })).vouchers.map((v) => v.code).sort();
    expect(await codes(f.siteB)).toEqual(['BBBB0001', 'BBBB0002', 'BBBB0003', 'BBBB0004', 'BBBB0005']);
    expect((await codes(A)).every((c) => c.startsWith('AAAA'))).toBe(true);
    expect((await vouchers.list({ siteId: f.siteB, status: 'active' })).total).toBe(2);

    const batches = async (siteId?: number) => (await reports.batches({ siteId })).map((b) => b.id);
    const [ba, bb] = [await batches(A), await batches(f.siteB)];
    expect(ba).toHaveLength(1);
    expect(bb).toHaveLength(1);
    expect((await batches()).sort()).toEqual([...ba, ...bb].sort());
  });

  it('the sites service names a site by id or name; an unknown one is a 400 on the field "site"', async () => {
    const { sites } = h.core!.services;
    expect(await sites.scope('BRANCH-B')).toEqual({ id: f.siteB, name: 'branch-b' });
    expect(await sites.scope(String(f.siteB))).toEqual({ id: f.siteB, name: 'branch-b' });
    expect(await sites.scope('')).toBeUndefined();
    expect(await sites.scope('all')).toBeUndefined();
    for (const bad of ['nowhere', '999', ['1', '2'], 'x'.repeat(65)])
      await expect(sites.scope(bad)).rejects.toMatchObject({
        status: 400,
        code: 'INVALID_INPUT',
        field: 'site',
      });
  });

  it('GET /admin/api/sites adds income today and active vouchers, keeping every earlier field', async () => {
    const res = await api(h, 'GET', '/sites');
    expect(res.status).toBe(200);
    const [a, b] = res.json.sites;
    for (const k of [
      'id',
      'name',
      'default',
      'host',
      'port',
      'connected',
      'identity',
      'online',
      'last_poll_at',
    ])
      expect(a).toHaveProperty(k);
    expect(a).toMatchObject({
      name: 'default',
      income_today: { count: 2, amount: 15, amount_centavos: 1500 },
      active_vouchers: 2,
    });
    expect(b).toMatchObject({
      name: 'branch-b',
      income_today: { count: 3, amount: 22, amount_centavos: 2200 },
      active_vouchers: 2,
    });
    // The sites' incomes add up to the dashboard's "Income today".
    const dash = await api(h, 'GET', '/dashboard');
    expect(dash.json.today.amount).toBe(3700);
  });

  it('the JSON APIs take ?site= (id or name) and refuse an unknown site with a 400', async () => {
    const list = await api(h, 'GET', '/vouchers?site=branch-b&status=unused');
    expect(list.status).toBe(200);
    expect(list.json.vouchers.map((v: { code: string }) => v.code)).toEqual(['BBBB0005']);

    const events = await api(h, 'GET', `/events?site=${f.siteB}`);
    expect(events.json.events.map((e: { message: string }) => e.message)).toEqual([
      'Online on B',
      'Sold on B',
    ]);

    const dash = await api(h, 'GET', `/dashboard?site=${f.siteB}`);
    expect(dash.status).toBe(200);
    expect(dash.json.today).toMatchObject({ count: 3, amount: 2200 });
    expect(dash.json.stock).toMatchObject({ count: 1, value: 2000 });
    expect(dash.json.site).toMatchObject({ id: f.siteB, name: 'branch-b' });

    for (const path of ['/vouchers?site=nowhere', '/events?site=nowhere', '/dashboard?site=42']) {
      const bad = await api(h, 'GET', path);
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({
        success: false,
        code: 'INVALID_INPUT',
        fields: { site: expect.any(String) },
      });
      expect(bad.json.error).toMatch(/no site/);
    }
    const csv = await fetch(`${h.app!.url}/admin/vouchers/export.csv?site=branch-b`, {
      headers: { authorization: 'Bearer test-token-0123456789abcdef' },
    });
    const text = await csv.text();
    expect(text).toContain('BBBB0001');
    expect(text).not.toContain('AAAA0001');
  });

  describe('pages', () => {
    let admin: AdminClient;
    beforeAll(async () => {
      admin = new AdminClient(h.app!.url);
      await admin.login();
    });

    it('the picker is on the dashboard, vouchers and reports, and a choice narrows each, kept in links', async () => {
      const reportsPage = await admin.html(`/admin/reports?preset=month&site=${f.siteB}`);
      expect(reportsPage).toContain('data-testid="site-picker"');
      expect(reportsPage).toMatch(/data-testid="report-total">₱32\.00</);
      expect(reportsPage).toContain(`href="/admin/reports?preset=today&amp;site=${f.siteB}"`);
      expect(reportsPage).toContain(
        `/admin/reports/sales.csv?from=2026-11-01&amp;to=2026-11-21&amp;by=day&amp;site=${f.siteB}`,
      );
      // The nav keeps the choice on the narrowed pages only.
      expect(reportsPage).toContain(`href="/admin/vouchers?site=${f.siteB}"`);
      expect(reportsPage).toContain('href="/admin/profiles"');
      const all = await admin.html('/admin/reports?preset=month');
      expect(all).toMatch(/data-testid="report-total">₱67\.00</);

      const vouchersPage = await admin.html(`/admin/vouchers?site=branch-b`);
      expect(vouchersPage).toContain('BBBB0001');
      expect(vouchersPage).not.toContain('AAAA0001');
      expect(vouchersPage).toContain(`<option value="${f.siteB}" selected>branch-b</option>`);

      const dash = await admin.html(`/admin?site=${f.siteB}`);
      expect(dash).toMatch(/data-testid="sales-today">₱22\.00</);
      expect(dash).toContain('Sold on B');
      expect(dash).not.toContain('Sold on A');
      expect(dash).not.toContain('Router away');
      expect(dash).toContain(`data-site="${f.siteB}"`);
    });

    it('every site on the dashboard: a Routers tile says how many are online and names the one away', async () => {
      // branch-b's router is never reached: the dashboard of every site says so, not only the Sites page.
      const dash = await admin.html('/admin');
      expect(dash).toMatch(/data-testid="routers-tile" data-all-online="false">.*1 of 2 online</);
      expect(dash).toMatch(/data-tile="routers-note" class="stale">branch-b away</);
      expect(dash).not.toContain('data-testid="router-tile"');
      expect(dash).toMatch(/<h2>Router <span class="small muted">\(default\)<\/span><\/h2>/);
      const live = (await (await admin.get('/admin/api/dashboard')).json()) as {
        routers?: { total: number; online: number; away: string[] };
      };
      expect(live.routers).toEqual({ total: 2, online: 1, away: ['branch-b'] });
      // Narrowed to one site, the tile is that site's router, and the API has no all-sites count.
      const one = await admin.html(`/admin?site=${f.siteB}`);
      expect(one).toContain('data-testid="router-tile"');
      expect(one).not.toContain('data-testid="routers-tile"');
      const liveOne = (await (await admin.get(`/admin/api/dashboard?site=${f.siteB}`)).json()) as object;
      expect(liveOne).not.toHaveProperty('routers');
    });

    it('the Users page narrows to one site: its devices online and its events; every site names each device’s, as Bandwidth does', async () => {
      const db = h.core!.db;
      // branch-b's router is never reached, so no poll there changes this device's presence during the test.
      await db('voucher_devices')
        .where({ mac: '02:BB:00:00:00:01' })
        .update({ connected: 1, ip: '10.5.60.11' });
      try {
        // The online list is shared for up to 2 s (src/services/network/bandwidth/live-users-cache.ts); a moment later it is read again.
        h.clock.advance(2_500);
        const all = await admin.html('/admin/users');
        expect(all).toContain('data-testid="site-picker"');
        expect(all).toMatch(/02:BB:00:00:00:01[\s\S]*data-testid="user-site">branch-b</);
        expect(all).toContain('Sold on A');
        expect(all).toContain('Sold on B');

        const b = await admin.html(`/admin/users?site=${f.siteB}`);
        expect(b).toContain('02:BB:00:00:00:01');
        expect(b).not.toContain('data-testid="user-site"');
        expect(b).toContain('Sold on B');
        expect(b).not.toContain('Sold on A');
        // The nav keeps the choice for the pages that narrow: Users and Bandwidth among them.
        expect(b).toContain(`href="/admin/users?site=${f.siteB}"`);
        expect(b).toContain(`href="/admin/bandwidth?site=${f.siteB}"`);

        // The bandwidth page's list names each device's site the same way (and its live refresh, see
        // public/js/admin-bandwidth.js, reads the names from the table's data-sites).
        const bw = await admin.html('/admin/bandwidth');
        expect(bw).toMatch(/data-mac="02:BB:00:00:00:01"[\s\S]*data-col="site">branch-b</);
        expect(bw).toContain(
          `data-sites="{&#34;1&#34;:&#34;default&#34;,&#34;${f.siteB}&#34;:&#34;branch-b&#34;}"`,
        );
        expect(await admin.html(`/admin/bandwidth?site=${f.siteB}`)).not.toContain('data-col="site"');

        const a = await admin.html('/admin/users?site=1');
        expect(a).not.toContain('02:BB:00:00:00:01');
        expect(a).not.toContain('Sold on B');
      } finally {
        await db('voucher_devices').where({ mac: '02:BB:00:00:00:01' }).update({ connected: 0, ip: null });
      }
    });

    it('an unknown site shows every site with a note; the site CSV is named after the site', async () => {
      const page = await admin.html('/admin/vouchers?site=gone');
      expect(page).toContain('data-testid="site-problem"');
      expect(page).toContain('AAAA0001');
      expect(page).toContain('BBBB0001');
      const csv = await admin.get(`/admin/reports/sales.csv?preset=month&site=${f.siteB}`);
      expect(csv.headers.get('content-disposition')).toContain('branch-b-sales-by-day');
      expect(await csv.text()).toContain('2026-11-21,3,22.00');
      expect((await admin.get('/admin/reports/sales.csv?site=gone')).status).toBe(400);
    });

    it('the Sites page shows each site’s income today and active vouchers', async () => {
      const page = await admin.html('/admin/sites');
      expect(page).toMatch(/data-testid="site-income"><a [^>]*site=1"[^>]*>₱15\.00</);
      expect(page).toMatch(new RegExp(`data-testid="site-income"><a [^>]*site=${f.siteB}"[^>]*>₱22\\.00<`));
      expect(page).toMatch(/data-testid="site-active"><a [^>]*>2</);
    });
  });
});
