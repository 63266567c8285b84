/**
 * The router side of the router setup (src/router/setup-plan/ decides): reads what the setup items look
 * at, and performs one planned write. Every menu and argument here is RouterOS 7's (docs/routeros.md
 * "Setting a router up").
 */
import type { Row, SetupFacts, SetupWants, SetupWrite } from './setup-plan';
import { loginPageFiles, PAYMENT_LIST } from './setup-plan';
import type { RouterClient } from './types';

/**
 * Reads everything planSetup needs; `radius` adds `/radius` and `/radius/incoming`; `ppp` the PPPoE servers, the
 * PPP profiles, the NAT and forward filter rules and the payment pages' address list.
 */
export async function readSetupFacts(
  router: RouterClient,
  wants: Pick<SetupWants, 'hotspotServer' | 'controller' | 'radius' | 'ppp'>,
): Promise<SetupFacts> {
  const print = (menu: string, query?: string[]): Promise<Row[]> =>
    router.print(menu, query ? { query } : {});
  const [
    resource,
    servers,
    serverProfiles,
    userProfiles,
    walledGarden,
    walledGardenIp,
    filters,
    bindings,
    hosts,
    services,
  ] = await Promise.all([
    router.print('/system/resource', { proplist: ['version'] }),
    print('/ip/hotspot'),
    print('/ip/hotspot/profile'),
    print('/ip/hotspot/user/profile'),
    print('/ip/hotspot/walled-garden'),
    print('/ip/hotspot/walled-garden/ip'),
    print('/ip/firewall/filter', ['action=fasttrack-connection']),
    print('/ip/hotspot/ip-binding'),
    router.print('/ip/hotspot/host', {
      proplist: ['address', 'mac-address'],
      query: [`address=${wants.controller.address}`],
    }),
    print('/ip/service'),
  ]);
  const facts: SetupFacts = {
    version: resource[0]?.version ?? '',
    servers,
    serverProfiles,
    userProfiles,
    walledGarden,
    walledGardenIp,
    files: [],
    filters,
    bindings,
    hosts,
    services,
  };
  // Only the login pages the hotspot serves: a router's other files can be many and large.
  for (const name of loginPageFiles(facts, { ...wants, hotspotServer: wants.hotspotServer } as SetupWants))
    facts.files.push(...(await print('/file', [`name=${name}`])));
  if (wants.radius) {
    facts.radius = await print('/radius');
    facts.radiusIncoming = (await print('/radius/incoming'))[0] ?? {};
  }
  if (wants.ppp) {
    const [servers, profiles, nat, forward, paymentList] = await Promise.all([
      print('/interface/pppoe-server/server'),
      router.print('/ppp/profile', { proplist: ['.id', 'name', 'remote-address'] }),
      print('/ip/firewall/nat', ['chain=dstnat']),
      print('/ip/firewall/filter', ['chain=forward']),
      print('/ip/firewall/address-list', [`list=${PAYMENT_LIST}`]),
    ]);
    facts.ppp = { servers, profiles, nat, forward, paymentList };
  }
  return facts;
}

/** Performs one planned write. Throws the router's RouterError when it refuses. */
export async function applySetupWrite(router: RouterClient, w: SetupWrite): Promise<void> {
  switch (w.verb) {
    case 'add':
      await router.add(w.menu, w.attrs);
      return;
    case 'set':
      // Settings menus with one row (`/radius/incoming`) take `set` without an id.
      if (w.id === undefined) await router.command(`${w.menu}/set`, w.attrs);
      else await router.set(w.menu, w.id, w.attrs);
      return;
    case 'unset':
      await router.command(`${w.menu}/unset`, { numbers: w.id, ...w.attrs });
      return;
    case 'disable':
      await router.disable(w.menu, w.id ?? '');
      return;
    case 'fetch':
      await router.command('/tool/fetch', w.attrs);
      return;
  }
}
