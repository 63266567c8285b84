/**
 * Printed cards at every site: a card's QR code opens the hotspot login page of the router the
 * customer is on, by its DNS name. A branch's batch is read from that branch's router, not the .env one; a
 * roaming batch's cards are used on every router, so one link serves them only when every router's hotspot has
 * the same DNS name, and the owner is told which differs otherwise. A used roaming code belongs to its site.
 * The admin's pages and the terminal's `pisonet vouchers sheet` read the same routers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RouterClient } from '../../src/router/types';
import { SYSTEM } from '../../src/services/types';
import { cardLinkTarget, cardRoutersFor, type CardPlace } from '../../src/services/shop/vouchers/card-link';
import { runCli } from '../cli/helpers';
import type { Harness } from '../helpers/harness';
import { redeemApi } from '../portal/helpers';
import { api, AUTH, harnessWithBranches, type Branch } from './helpers';

jest.setTimeout(120_000);

describe('printed cards at every site', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches());
  });
  afterAll(() => close());

  const routerOf = (key: 'a' | 'b' | 'default'): RouterClient =>
    key === 'default' ? h.router : h.core!.siteStacks.get(branch[key].id)!.router;

  /** The owner names a router's hotspot (its server profile's dns-name); '' removes the name. */
  async function nameHotspot(key: 'a' | 'b' | 'default', dnsName: string): Promise<void> {
    const router = routerOf(key);
    const [server] = await router.print('/ip/hotspot', { proplist: ['profile'] });
    const profiles = await router.print('/ip/hotspot/profile', { proplist: ['.id', 'name'] });
    const profile = profiles.find((p) => p.name === server.profile)!;
    await router.set('/ip/hotspot/profile', profile['.id'], { 'dns-name': dnsName });
  }

  const target = async (place: CardPlace) =>
    cardLinkTarget(
      h.core!,
      'http://10.5.50.2:5000',
      await cardRoutersFor(h.core!, place, (id) => h.core!.siteStacks.get(id)?.router),
    );
  const batchOf = async (extra: Record<string, unknown>) =>
    h.core!.services.vouchers.generate({ profile: 'BASIC', count: 2, ...extra }, SYSTEM);
  const batchPage = async (id: number) =>
    (await fetch(`${h.app!.url}/admin/vouchers/batches/${id}`, { headers: AUTH })).text();
  const printPage = async (path: string) =>
    (await fetch(`${h.app!.url}/admin/vouchers/${path}/print?format=a4`, { headers: AUTH })).text();

  test("a branch's batch opens the branch's login page, whatever the .env router says", async () => {
    await nameHotspot('a', 'wifi-a.shop');
    const made = await batchOf({ site: 'branch-a' });
    expect(await target({ batchId: made.batchId })).toMatchObject({
      kind: 'login',
      base: 'http://wifi-a.shop/login',
      warning: null,
    });
    expect(await batchPage(made.batchId)).not.toContain('data-testid="login-warning"');

    // The .env router's batch: its hotspot has no name yet, which the warning says.
    const home = await batchOf({});
    const t = await target({ batchId: home.batchId });
    expect(t.kind).toBe('portal');
    expect(t.warning).toContain('No hotspot DNS name on default’s router');
    expect(await batchPage(home.batchId)).toContain('data-testid="login-warning"');

    // The terminal's sheet connects to the branch's router to read the same name.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-cards-'));
    const file = path.join(dir, 'a.html');
    const sheet = await runCli(h, ['vouchers', 'sheet', '--batch', String(made.batchId), '--out', file]);
    expect(sheet.code).toBe(0);
    expect(sheet.stdout).toContain('Wrote');
    expect(sheet.stdout).not.toContain('open the portal');
    expect(fs.readFileSync(file, 'utf8')).toContain('class="qr"');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a roaming batch: one name on every router serves them all; a router named otherwise is pointed out', async () => {
    const made = await batchOf({ roaming: true });
    let t = await target({ batchId: made.batchId });
    expect(t.kind).toBe('portal');
    expect(t.warning).toContain('default’s router');
    expect(t.warning).toContain('branch-b’s router');
    expect(t.warning).not.toContain('branch-a’s router'); // it has a name

    for (const key of ['default', 'a', 'b'] as const) await nameHotspot(key, 'wifi.shop');
    t = await target({ batchId: made.batchId });
    expect(t).toMatchObject({ kind: 'login', base: 'http://wifi.shop/login', warning: null });
    expect(await batchPage(made.batchId)).not.toContain('data-testid="login-warning"');

    await nameHotspot('b', 'other.shop');
    t = await target({ batchId: made.batchId });
    expect(t.kind).toBe('portal');
    expect(t.warning).toContain('name their hotspots differently');
    expect(t.warning).toContain('branch-b: other.shop');
    expect(t.warning).toContain('the same DNS name');
    expect(await batchPage(made.batchId)).toContain('data-testid="login-warning"');

    // A roaming code used at branch A is branch A's: its card is read from that router alone.
    const code = made.vouchers[0].code;
    const phone = { mac: '02:A1:00:00:00:21', ip: '10.66.1.21' };
    branch.a.sim.addDevice(phone);
    expect((await redeemApi(h, { code, ...phone })).status).toBe(200);
    expect(await target({ code })).toMatchObject({ kind: 'login', base: 'http://wifi.shop/login' });
    const card = await printPage(encodeURIComponent(code));
    expect(card).not.toContain('data-testid="login-warning"');
    expect(card).toContain('http://wifi.shop/login?code=…');
    // The other code of the batch is still for every site, branch B's name among them.
    expect((await target({ code: made.vouchers[1].code })).kind).toBe('portal');
  });

  test("a hung branch router holds up a roaming batch's print page by 0.5 s at most: its name is reported unread", async () => {
    const roaming = await batchOf({ roaming: true });
    const atA = await batchOf({ site: 'branch-a' });
    branch.b.sim.faults.silenceAfterLogin(); // accepts the connection, never answers
    const started = Date.now();
    const sheet = await printPage(`batches/${roaming.batchId}`);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(sheet).toContain('data-testid="login-warning"');
    expect(sheet).toContain(
      'branch-b’s router’s hotspot DNS name could not be read (no answer within 0.5 s)',
    );
    // Branch A's batch reads only its router: named, no warning. The Vouchers page reads no router at all.
    expect(await printPage(`batches/${atA.batchId}`)).not.toContain('data-testid="login-warning"');
    const all = await (await fetch(`${h.app!.url}/admin/vouchers`, { headers: AUTH })).text();
    expect(all).not.toContain('data-testid="login-warning"');
  });

  test("a site's own WiFi name is printed on its batches' cards; roaming and the .env router's print the shop's", async () => {
    const printed = async (batchId: number) => {
      const html = await (
        await fetch(`${h.app!.url}/admin/vouchers/batches/${batchId}/print?format=a4`, { headers: AUTH })
      ).text();
      return [...html.matchAll(/<span class="k">WiFi:<\/span> ([^<]*)</g)].map((m) => m[1].trim());
    };
    const tooLong = await api(h, 'PUT', `/sites/${branch.a.id}`, { wifi_name: 'x'.repeat(33) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.json.fields.wifi_name).toContain('at most 32 characters');
    const set = await api(h, 'PUT', `/sites/${branch.a.id}`, { wifi_name: ' AlingNena-A ' });
    expect(set.status).toBe(200);
    expect(set.json.site.wifi_name).toBe('AlingNena-A');

    const atA = await batchOf({ site: 'branch-a' });
    expect(await printed(atA.batchId)).toEqual(['AlingNena-A', 'AlingNena-A']);
    const roaming = await batchOf({ roaming: true });
    expect(await printed(roaming.batchId)).toEqual(['PisoNet', 'PisoNet']);
    const home = await batchOf({});
    expect(await printed(home.batchId)).toEqual(['PisoNet', 'PisoNet']);

    // The Sites page's edit form shows it; the terminal sets another site's.
    const form = await (await fetch(`${h.app!.url}/admin/sites/${branch.a.id}`, { headers: AUTH })).text();
    expect(form).toMatch(/name="wifi_name"[^>]*value="AlingNena-A"/);
    const edit = await runCli(h, ['sites', 'edit', 'branch-b', '--wifi-name', 'Branch-B WiFi', '--json']);
    expect(edit.code).toBe(0);
    expect(JSON.parse(edit.stdout).site.wifi_name).toBe('Branch-B WiFi');
    const atB = await batchOf({ site: 'branch-b' });
    expect(await printed(atB.batchId)).toEqual(['Branch-B WiFi', 'Branch-B WiFi']);
    // Empty: the shop's again.
    expect((await api(h, 'PUT', `/sites/${branch.a.id}`, { wifi_name: '' })).json.site.wifi_name).toBeNull();
    expect(await printed(atA.batchId)).toEqual(['PisoNet', 'PisoNet']);
  });

  test('with HOTSPOT_LOGIN_URL nothing is read from any router', async () => {
    const made = await batchOf({ roaming: true });
    const t = await cardLinkTarget(
      { ...h.core!, config: { ...h.core!.config, hotspotLoginUrl: 'http://login.shop/login' } },
      'http://10.5.50.2:5000',
      await cardRoutersFor(h.core!, { batchId: made.batchId }, () => undefined),
    );
    expect(t).toMatchObject({ kind: 'login', base: 'http://login.shop/login', source: 'HOTSPOT_LOGIN_URL' });
  });
});
