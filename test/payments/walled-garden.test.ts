/**
 * Paying online sends a phone that is not logged in to PayMongo's checkout and the wallets' pages: while payments
 * are on, the router setup wants those hosts in the hotspot's walled garden, and --apply adds them; while they are
 * off, it wants none of them.
 */
import { createHarness } from '../helpers/harness';
import { payRig } from './helpers';
import { paymentWalledGardenHosts, paymentWalledGardenIpHosts } from '../../src/payments/walled-garden';
import { SYSTEM } from '../../src/services/business/audit/actor';

jest.setTimeout(120_000);

const hostsOnRouter = (rows: Array<Record<string, string | undefined>>) =>
  rows.filter((r) => (r.comment ?? '').includes('pisonet')).map((r) => r['dst-host']);

test('payments on: setup wants the checkout and wallet hosts, and --apply puts them in the walled garden', async () => {
  const rig = await payRig({ env: { PORTAL_URL: 'http://10.5.50.2:5000' } });
  try {
    const setup = rig.h.core!.services.routerSetup;
    const wants = await setup.wantsFor('default');
    expect(wants.extraHosts).toEqual(
      expect.arrayContaining(['checkout.paymongo.com', '*.gcash.com', '*.maya.ph']),
    );
    const router = setup.routerFor(1)!;
    const before = await setup.service.check(router, wants);
    expect(before.items.find((i) => i.id === 'walled-garden')?.state).not.toBe('ok');
    await setup.service.apply(router, wants, { actor: SYSTEM, site: 'default', only: ['walled-garden'] });
    expect(hostsOnRouter(rig.h.sim.rows('/ip/hotspot/walled-garden'))).toEqual(
      expect.arrayContaining(paymentWalledGardenHosts()),
    );
    const after = await setup.service.check(router, wants);
    expect(after.items.find((i) => i.id === 'walled-garden')?.state).toBe('ok');
  } finally {
    await rig.close();
  }
});

test('payments off: no payment host is wanted', async () => {
  const h = await createHarness({ env: { PORTAL_URL: 'http://10.5.50.2:5000' } });
  try {
    const wants = await h.core!.services.routerSetup.wantsFor('default');
    for (const host of paymentWalledGardenHosts()) expect(wants.extraHosts).not.toContain(host);
  } finally {
    await h.close();
  }
});

test('payments on: the exact payment host names go in the IP-level walled garden too, once, and a second --apply writes nothing', async () => {
  const rig = await payRig({ env: { PORTAL_URL: 'http://10.5.50.2:5000' } });
  try {
    const setup = rig.h.core!.services.routerSetup;
    const wants = await setup.wantsFor('default');
    const router = setup.routerFor(1)!;
    const first = await setup.service.apply(router, wants, {
      actor: SYSTEM,
      site: 'default',
      only: ['walled-garden'],
    });
    expect(first.failed).toBeNull();
    const ipHosts = hostsOnRouter(rig.h.sim.rows('/ip/hotspot/walled-garden/ip')).filter(Boolean);
    // The checkout page and the wallets' pages by their exact names; no wildcard (RouterOS resolves the name).
    expect(ipHosts).toEqual(expect.arrayContaining(['checkout.paymongo.com', 'gcash.com', 'maya.ph']));
    expect(ipHosts.sort()).toEqual(paymentWalledGardenIpHosts().sort());
    expect(ipHosts.some((h) => h?.includes('*'))).toBe(false);
    // The HTTP-level list keeps every host, wildcards included.
    expect(hostsOnRouter(rig.h.sim.rows('/ip/hotspot/walled-garden'))).toEqual(
      expect.arrayContaining(['*.gcash.com', 'checkout.paymongo.com', 'gcash.com']),
    );
    const again = await setup.service.apply(router, wants, {
      actor: SYSTEM,
      site: 'default',
      only: ['walled-garden'],
    });
    expect(again.changes).toEqual([]);
    expect(hostsOnRouter(rig.h.sim.rows('/ip/hotspot/walled-garden/ip')).filter(Boolean)).toHaveLength(
      ipHosts.length,
    );
  } finally {
    await rig.close();
  }
});
