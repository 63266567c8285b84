/**
 * The router setup's PPPoE items against the simulator: `pppoe-server` (reported, never made; a server whose
 * profiles give no addresses) and `suspended-redirect` (the dstnat rule and the forward rules acting on
 * `pisonet-suspended`): made once, a second run changes nothing, a rule changed or removed by hand is put back,
 * rules that are not ours are untouched, and a listed subscriber's packets go where they should.
 */
import { localRouterClient } from './helpers';
import type { HardenedRouterClient } from '../../src/router';
import { RouterSimulator } from '../../src/simulator';
import { createLogger } from '../../src/lib/logger';
import { createRouterSetupService } from '../../src/services/network/router-setup';
import { setupWants, type WantsInput } from '../../src/services/network/router-setup/wants';
import type { AuditService } from '../../src/services/business/audit/types';
import type { SetupWants } from '../../src/router/setup-plan';
import { parseProfile } from '../../src/domain/profiles';
import { pppPlans } from '../../src/services/network/router-setup/for-site';
import type { ProfileRecord } from '../../src/services/shop/profiles/types';

const WRITES = /\/(add|set|unset|remove|disable|enable|comment|move)$|^\/tool\/fetch$/;
const ONLY = ['pppoe-server', 'suspended-redirect'];
const PLANS = { plans: [{ name: 'HOME10', pool: null }] };

let sim: RouterSimulator;
let client: HardenedRouterClient;
const audit: AuditService = {
  record: async () => undefined,
  list: async () => ({ total: 0, entries: [] }),
};
const service = createRouterSetupService({ audit, log: createLogger('silent') });
const actor = { name: 'owner', via: 'cli' as const };

beforeEach(async () => {
  sim = new RouterSimulator({ port: 0 });
  const { port } = await sim.start();
  client = localRouterClient(port, {
    timeoutSeconds: 5,
    logger: createLogger('silent'),
    reconnect: { minMs: 20, maxMs: 100 },
  });
  await client.start();
  expect(await client.waitConnected(3000)).toBe(true);
});
afterEach(async () => {
  await client.stop();
  await sim.stop();
});

function wants(over: Partial<WantsInput> = {}): Promise<SetupWants> {
  return setupWants(
    {
      site: 'default',
      routerHost: '127.0.0.1',
      routerTls: false,
      portalUrl: '',
      port: 5000,
      hotspotServer: 'all',
      hotspotUserProfile: 'default',
      sharedUsers: 1,
      extraHosts: ['checkout.paymongo.com', '*.paymongo.com'],
      ppp: PLANS,
      ...over,
    },
    {
      resolve: async () => '10.5.50.3',
      localAddressFor: async () => '10.5.50.2',
      localMacFor: () => undefined,
    },
  );
}

const state = async (w: SetupWants) =>
  Object.fromEntries((await service.check(client, w)).items.map((i) => [i.id, i.state]));
const itemOf = async (w: SetupWants, id: string) =>
  (await service.check(client, w)).items.find((i) => i.id === id)!;
const ours = (path: string) => sim.rows(path).filter((r) => (r.comment ?? '').includes('pisonet'));

/** The owner's PPPoE server, with a pool on its default profile when `pool`. */
async function pppoeServer(pool: boolean): Promise<void> {
  if (pool) {
    await client.add('/ip/pool', { name: 'pppoe-pool', ranges: '10.10.0.2-10.10.0.20' });
    const def = (await client.print('/ppp/profile', { query: ['name=default'] }))[0]!;
    await client.set('/ppp/profile', def['.id']!, {
      'local-address': '10.10.0.1',
      'remote-address': 'pppoe-pool',
    });
  }
  await client.add('/interface/pppoe-server/server', { interface: 'ether2', disabled: 'no' });
}

function writesSince(before: Record<string, number>): string[] {
  return Object.entries(sim.stats.commandsByPath)
    .filter(([cmd, n]) => WRITES.test(cmd) && n > (before[cmd] ?? 0))
    .map(([cmd]) => cmd);
}

describe("the site's plans, as the setup asks for them", () => {
  const record = (json: Record<string, unknown>, over: Partial<ProfileRecord> = {}) =>
    ({ name: json.name, archived: false, site: null, profile: parseProfile(json), ...over }) as ProfileRecord;
  const monthly = { billing: 'monthly', price: 999, rate_up: '5M', rate_down: '10M' };

  it("lists the site's monthly plans with their pools; none: the PPPoE items are not asked", () => {
    const basic = record({
      name: 'BASIC',
      price: 5,
      validity: '1h',
      users: 1,
      rate_up: '1M',
      rate_down: '2M',
    });
    const home10 = record({ ...monthly, name: 'HOME10' });
    const home25 = record({ ...monthly, name: 'HOME25', ppp_pool: 'pppoe-pool' });
    const old = record({ ...monthly, name: 'OLD' }, { archived: true });
    const branch = record({ ...monthly, name: 'BRANCH' }, { site: { id: 2, name: 'branch' } });
    expect(pppPlans([basic, home10, home25, old, branch], 1)).toEqual({
      plans: [
        { name: 'HOME10', pool: null },
        { name: 'HOME25', pool: 'pppoe-pool' },
      ],
    });
    expect(pppPlans([basic, old], 1)).toBeUndefined();
  });
});

describe('pppoe-server', () => {
  it('is not asked of a site that sells no monthly plan', async () => {
    const ids = (await service.check(client, await wants({ ppp: undefined }))).items.map((i) => i.id);
    expect(ids).not.toContain('pppoe-server');
    expect(ids).not.toContain('suspended-redirect');
  });

  it('a fresh router: reported missing with what to do, and nothing is created', async () => {
    const w = await wants();
    const item = await itemOf(w, 'pppoe-server');
    expect(item).toMatchObject({ state: 'missing' });
    expect(item.detail).toMatch(/no enabled PPPoE server/);
    expect(item.fix).toMatch(/^\/interface pppoe-server server add /);
    const result = await service.apply(client, w, { actor, site: 'default', only: ONLY });
    expect(result.changes.filter((c) => c.item === 'pppoe-server')).toEqual([]);
    expect(sim.rows('/interface/pppoe-server/server')).toEqual([]);
    expect(result.items.find((i) => i.id === 'pppoe-server')?.state).toBe('missing');
    expect(result.ok).toBe(false);
  });

  it('a server whose profiles give no addresses is wrong, naming the plan; a pool makes it ok', async () => {
    await pppoeServer(false);
    const w = await wants();
    const item = await itemOf(w, 'pppoe-server');
    expect(item.state).toBe('wrong');
    expect(item.detail).toMatch(
      /default profile "default" gives no addresses and plan HOME10 names no ppp_pool/,
    );
    expect(item.fix).toMatch(/remote-address=pppoe-pool/);
    // A plan naming its own pool needs nothing of the default profile.
    expect(
      (await state(await wants({ ppp: { plans: [{ name: 'HOME25', pool: 'pppoe-pool' }] } })))[
        'pppoe-server'
      ],
    ).toBe('ok');
    await client.add('/ip/pool', { name: 'pppoe-pool', ranges: '10.10.0.2-10.10.0.20' });
    await client.set('/ppp/profile', '*0', { 'remote-address': 'pppoe-pool' });
    expect((await state(w))['pppoe-server']).toBe('ok');
  });

  it('a disabled server is no server', async () => {
    await pppoeServer(true);
    await client.disable(
      '/interface/pppoe-server/server',
      sim.rows('/interface/pppoe-server/server')[0]!['.id'],
    );
    expect((await state(await wants()))['pppoe-server']).toBe('missing');
  });
});

describe('suspended-redirect', () => {
  const RULE_COMMENTS = [
    'pisonet: suspended dns',
    'pisonet: suspended dns tcp',
    'pisonet: suspended portal',
    'pisonet: suspended payment',
    'pisonet: suspended refuse',
  ];

  it('made once: the redirect, the forward rules in order, the payment hosts; a second run changes nothing', async () => {
    await pppoeServer(true);
    await client.add('/ip/firewall/filter', {
      chain: 'forward',
      action: 'drop',
      comment: 'owner: their own',
    });
    await client.add('/ip/firewall/nat', {
      chain: 'srcnat',
      action: 'masquerade',
      comment: 'defconf: masquerade',
    });
    const w = await wants();
    expect(await itemOf(w, 'suspended-redirect')).toMatchObject({ state: 'missing' });
    const result = await service.apply(client, w, { actor, site: 'default', only: ONLY });
    expect(result).toMatchObject({ ok: true, failed: null });
    expect(ours('/ip/firewall/nat')).toEqual([
      expect.objectContaining({
        chain: 'dstnat',
        action: 'dst-nat',
        protocol: 'tcp',
        'dst-port': '80',
        'src-address-list': 'pisonet-suspended',
        'to-addresses': '10.5.50.2',
        'to-ports': '5000',
        disabled: 'false',
      }),
    ]);
    const rules = ours('/ip/firewall/filter');
    expect(rules.map((r) => r.comment)).toEqual(RULE_COMMENTS);
    expect(rules.every((r) => r.chain === 'forward' && r['src-address-list'] === 'pisonet-suspended')).toBe(
      true,
    );
    expect(rules.at(-1)).toMatchObject({ action: 'reject', 'reject-with': 'icmp-admin-prohibited' });
    expect(rules[2]).toMatchObject({ action: 'accept', 'dst-address': '10.5.50.2', 'dst-port': '5000' });
    expect(rules[3]).toMatchObject({ action: 'accept', 'dst-address-list': 'pisonet-payment' });
    // Exact payment host names only: a wildcard cannot be an address-list entry.
    expect(ours('/ip/firewall/address-list').map((r) => [r.list, r.address])).toEqual([
      ['pisonet-payment', 'checkout.paymongo.com'],
    ]);
    // Not ours: untouched.
    expect(sim.rows('/ip/firewall/filter').find((r) => r.comment === 'owner: their own')).toMatchObject({
      action: 'drop',
      disabled: 'false',
    });
    expect(sim.rows('/ip/firewall/nat').find((r) => r.comment === 'defconf: masquerade')).toMatchObject({
      action: 'masquerade',
    });

    const counted = { ...sim.stats.commandsByPath };
    const again = await service.apply(client, w, { actor, site: 'default', only: ONLY });
    expect(again.changes).toEqual([]);
    expect(writesSince(counted)).toEqual([]);
  });

  it('puts back a rule changed, disabled or removed by hand, an accept before the refusal', async () => {
    await pppoeServer(true);
    const w = await wants();
    await service.apply(client, w, { actor, site: 'default', only: ONLY });
    const nat = ours('/ip/firewall/nat')[0]!;
    await client.set('/ip/firewall/nat', nat['.id'], { 'to-ports': '8080' });
    const refuse = ours('/ip/firewall/filter').find((r) => r.comment === 'pisonet: suspended refuse')!;
    await client.disable('/ip/firewall/filter', refuse['.id']);
    const dns = ours('/ip/firewall/filter').find((r) => r.comment === 'pisonet: suspended dns')!;
    await client.remove('/ip/firewall/filter', dns['.id']);
    const item = await itemOf(w, 'suspended-redirect');
    expect(item.state).toBe('wrong');
    expect(item.fix).toMatch(/\/ip firewall nat set \[find comment="pisonet: suspended to portal"\]/);
    await service.apply(client, w, { actor, site: 'default', only: ONLY });
    expect((await state(w))['suspended-redirect']).toBe('ok');
    expect(ours('/ip/firewall/nat')[0]).toMatchObject({ '.id': nat['.id'], 'to-ports': '5000' });
    const rules = ours('/ip/firewall/filter');
    expect(rules.find((r) => r.comment === 'pisonet: suspended refuse')).toMatchObject({ disabled: 'false' });
    // The DNS rule made again lands before the refusal, where it still counts.
    expect(rules.map((r) => r.comment).indexOf('pisonet: suspended dns')).toBeLessThan(
      rules.map((r) => r.comment).indexOf('pisonet: suspended refuse'),
    );
  });

  it("sends a listed subscriber's web requests to the portal and refuses the rest but DNS and payments", async () => {
    await pppoeServer(true);
    await client.add('/ppp/secret', {
      name: 'rosa',
      password: 'Rosa-pass-1',
      service: 'pppoe',
      comment: 'pisonet',
    });
    expect(
      await sim.pppoe.dial({ mac: 'aa:bb:cc:00:02:01', user: 'rosa', password: 'Rosa-pass-1' }),
    ).toMatchObject({
      ok: true,
    });
    await service.apply(client, await wants(), { actor, site: 'default', only: ONLY });
    const go = (protocol: 'tcp' | 'udp', dstPort: number, dstHost?: string) =>
      sim.pppoe.route('rosa', { dst: '93.184.216.34', protocol, dstPort, dstHost });
    // Not listed: the rules leave it alone.
    expect(go('tcp', 80)).toEqual({ to: { address: '93.184.216.34', port: 80 }, verdict: 'accept' });
    expect(go('tcp', 443).verdict).toBe('accept');
    const address = sim.rows('/ppp/active')[0]!.address;
    await client.add('/ip/firewall/address-list', { list: 'pisonet-suspended', address, comment: 'pisonet' });
    expect(go('tcp', 80)).toEqual({ to: { address: '10.5.50.2', port: 5000 }, verdict: 'accept' });
    expect(go('tcp', 443)).toEqual({ to: { address: '93.184.216.34', port: 443 }, verdict: 'reject' });
    expect(go('udp', 53).verdict).toBe('accept');
    expect(go('tcp', 53).verdict).toBe('accept');
    expect(go('udp', 443).verdict).toBe('reject');
    expect(go('tcp', 443, 'checkout.paymongo.com').verdict).toBe('accept');
  });
});
