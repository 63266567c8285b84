/**
 * Every site by its own name, and no label value that tells who a customer is: after vouchers sold and refused at
 * two routers, with devices' MACs and IPs, traffic and polls at both, every label value of every metric is scanned
 * for a MAC, an IPv4 address and every voucher code the database holds.
 */
import { SYSTEM } from '../../src/services/types';
import type { Harness } from '../helpers/harness';
import { harnessWithBranches, type Branch } from '../sites/helpers';
import { metricsOf, valueOf } from './exposition';

jest.setTimeout(60_000);

const MAC = /[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}/i;
const IPV4 = /\b\d{1,3}(\.\d{1,3}){3}\b/;

describe('labels at two sites', () => {
  let h: Harness;
  let branch: Record<'a' | 'b', Branch>;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ h, branch, close } = await harnessWithBranches({ routerClock: true }));
  });
  afterAll(() => close());

  async function redeem(code: string, d: { mac: string; ip: string }, site?: string) {
    const res = await fetch(`${h.app!.url}/api/portal/redeem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, mac: d.mac.toLowerCase(), ip: d.ip, ...(site ? { site } : {}) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  const make = async (profile: string, count: number, site?: string) =>
    (
      await h.core!.services.vouchers.generate({ profile, count, ...(site ? { site } : {}) }, SYSTEM)
    ).vouchers.map((v) => v.code);

  it('counts each site under its name, and no label holds a MAC, an IP address or a voucher code', async () => {
    const home = await make('BASIC', 3);
    const away = await make('PREMIUM', 3, 'branch-a');
    const phones = [1, 2, 3].map((i) => ({ mac: `02:AB:CD:00:00:0${i}`, ip: `10.5.50.${200 + i}` }));
    const branchPhones = [1, 2].map((i) => ({ mac: `02:AB:CD:11:00:0${i}`, ip: `10.66.0.${100 + i}` }));
    for (const p of phones) h.sim.addDevice(p);
    for (const p of branchPhones) branch.a.sim.addDevice(p);

    expect((await redeem(home[0], phones[0])).status).toBe(200);
    expect((await redeem(home[1], phones[1])).status).toBe(200);
    expect((await redeem(away[0], branchPhones[0], 'branch-a')).status).toBe(200);
    // Refusals: a wrong code at each site, a code of another site, a code used by another phone.
    expect((await redeem('NOPE1234', phones[2])).json.code).toBe('INVALID_CODE');
    expect((await redeem('NOPE5678', branchPhones[1], 'branch-a')).json.code).toBe('INVALID_CODE');
    expect((await redeem(away[1], phones[2])).json.code).toBe('WRONG_SITE');
    expect((await redeem(home[0], phones[2])).json.code).toBe('CODE_IN_USE');

    // Traffic at both routers, booked by each site's poll.
    h.sim.addTraffic(phones[0].mac, { up: 1_000, down: 20_000 }, 10);
    branch.a.sim.addTraffic(branchPhones[0].mac, { up: 3_000, down: 40_000 }, 10);
    h.clock.advance(30_000);
    h.sim.tick(30);
    branch.a.sim.tick(30);
    await h.core!.services.usage.runCycle();
    await h.core!.siteStacks.get(branch.a.id)!.pollOnce();
    await h.core!.siteStacks.get(branch.b.id)!.pollOnce();

    const m = await metricsOf(h);
    const site = (name: string) => ({ site: name });
    for (const s of ['default', 'branch-a', 'branch-b'])
      expect(valueOf(m, 'pisonet_router_up', site(s))).toBe(1);
    expect(valueOf(m, 'pisonet_vouchers_sold_total', { ...site('default'), profile: 'BASIC' })).toBe(2);
    expect(valueOf(m, 'pisonet_vouchers_sold_total', { ...site('branch-a'), profile: 'PREMIUM' })).toBe(1);
    expect(valueOf(m, 'pisonet_sales_pesos_total', site('default'))).toBe(10);
    expect(valueOf(m, 'pisonet_sales_pesos_total', site('branch-a'))).toBe(20);
    expect(valueOf(m, 'pisonet_sales_pesos_total', site('branch-b'))).toBe(0);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...site('default'), result: 'ok' })).toBe(2);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...site('default'), result: 'INVALID_CODE' })).toBe(1);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...site('default'), result: 'WRONG_SITE' })).toBe(1);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...site('default'), result: 'CODE_IN_USE' })).toBe(1);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...site('branch-a'), result: 'ok' })).toBe(1);
    expect(valueOf(m, 'pisonet_redemptions_total', { ...site('branch-a'), result: 'INVALID_CODE' })).toBe(1);
    expect(valueOf(m, 'pisonet_usage_bytes_total', { ...site('branch-a'), direction: 'down' })).toBe(40_000);
    expect(valueOf(m, 'pisonet_usage_bytes_total', { ...site('default'), direction: 'up' })).toBe(1_000);
    expect(valueOf(m, 'pisonet_devices_online', site('branch-a'))).toBe(1);
    expect(valueOf(m, 'pisonet_poll_duration_seconds_count', site('branch-b'))).toBe(1);

    const codes = ((await h.core!.db('vouchers').select('code')) as Array<{ code: string }>).map((r) =>
      r.code.toUpperCase(),
    );
    expect(codes.length).toBeGreaterThanOrEqual(6);
    const values = new Set<string>();
    for (const f of m.values())
      for (const s of f.samples) for (const v of Object.values(s.labels)) values.add(v);
    expect(values.size).toBeGreaterThan(10);
    const telling = [...values].filter(
      (v) =>
        MAC.test(v) ||
        IPV4.test(v) ||
        codes.some((c) => v.toUpperCase().includes(c)) ||
        [...phones, ...branchPhones].some((p) => v.includes(p.ip) || v.toUpperCase().includes(p.mac)),
    );
    expect(telling).toEqual([]);
    // The scan itself finds what it looks for.
    expect(MAC.test('02:ab:cd:00:00:01') && MAC.test('02ABCD000001') && IPV4.test('at 10.5.50.201')).toBe(
      true,
    );
  });
});
