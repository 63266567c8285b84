/**
 * A RADIUS site whose router (the simulator) serves PPPoE and asks real FreeRADIUS on PostgreSQL for it, as the
 * owner sets it up (docs/radius.md "Subscribers"), on a controller whose jobs run as the server's do.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { radclient, startFreeRadius, type FreeRadius } from '../helpers/freeradius';
import { api } from '../sites/helpers';
import { RawClient } from '../simulator/raw-client';
import { JUAN } from '../subscribers/helpers';
import { RouterSimulator } from '../../src/simulator';

export const SECRET = 'Branch-P-secret-1';
const PASSWORD = 'Api-pa55word';

export interface PppSite {
  h: Harness;
  sim: RouterSimulator;
  ros: RawClient;
  fr: FreeRadius;
  siteId: number;
  close(): Promise<void>;
}

/** `apiAccess`: the controller also has the router's API (its address, port and user on the site). */
export async function startPppSite(
  profiles: unknown[],
  opts: { apiAccess?: boolean } = {},
): Promise<PppSite> {
  // The server's own jobs run (the subscribers' change listener and the fair-use watch among them), as in a shop.
  const h = await createHarness({ http: true, profiles: profiles as never, env: { FUP_WATCH: 'on' } });
  // FreeRADIUS and PostgreSQL keep real time: so do the controller and the router here.
  h.clock.set(Date.now());
  const sim = new RouterSimulator({
    port: 0,
    identity: 'Branch-P',
    users: [{ name: 'pisonet', password: PASSWORD }],
    radiusIncomingPort: 0,
    clock: () => h.clock.now(),
  });
  const { port } = await sim.start();
  const ros = await RawClient.login(port, 'pisonet', PASSWORD);
  // The router takes CoA and Disconnect (its port is the site's coa_port).
  await ros.ok(['/radius/incoming/set', '=accept=yes']);
  const site = await api(h, 'POST', '/sites', {
    name: 'branch-p',
    mode: 'radius',
    nas_address: '127.0.0.1',
    radius_secret: SECRET,
    coa_port: sim.radiusIncomingPort,
    ...(opts.apiAccess ? { host: '127.0.0.1', port, user: 'pisonet', password: PASSWORD } : {}),
  });
  if (site.status !== 201) throw new Error(`site not added: ${site.text}`);
  const fr = await startFreeRadius(h);
  await ros.ok([
    '/radius/add',
    '=service=ppp',
    '=address=127.0.0.1',
    `=secret=${SECRET}`,
    `=authentication-port=${fr.authPort}`,
    `=accounting-port=${fr.acctPort}`,
  ]);
  await ros.ok(['/ppp/aaa/set', '=use-radius=yes']);
  await ros.ok(['/ip/pool/add', '=name=pppoe-pool', '=ranges=10.10.0.2-10.10.0.50']);
  await ros.ok([
    '/ppp/profile/set',
    '=numbers=default',
    '=remote-address=pppoe-pool',
    '=local-address=10.10.0.1',
  ]);
  await ros.ok([
    '/interface/pppoe-server/server/add',
    '=interface=ether2',
    '=service-name=isp',
    '=disabled=no',
  ]);
  return {
    h,
    sim,
    ros,
    fr,
    siteId: site.json.site.id,
    async close() {
      await ros.close();
      await fr.stop();
      await h.close();
      await sim.stop();
    },
  };
}

/** Until `ok()` holds, within `ms` (the room's change listener is asynchronous). */
export async function until(ok: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('not within the time allowed');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A subscriber of the site, through the admin API, once FreeRADIUS holds its rows. */
export async function addRadiusSubscriber(s: PppSite, extra: Record<string, unknown>) {
  const res = await api(s.h, 'POST', '/subscribers', { ...JUAN, site: 'branch-p', ...extra });
  if (res.status !== 201) throw new Error(`not added: ${res.text}`);
  const username = res.json.subscriber.username as string;
  await until(async () => Boolean(await s.h.core!.db('radcheck').where({ username }).first()), 2000);
  return res.json.subscriber;
}

/** A PPP Access-Request as RouterOS sends it, through radclient. */
export const pppAuth = (s: PppSite, user: string, password: string, mac: string) =>
  radclient('auth', s.fr.authPort, SECRET, {
    'User-Name': user,
    'User-Password': password,
    'Service-Type': 'Framed-User',
    'Framed-Protocol': 'PPP',
    'Calling-Station-Id': mac,
    'NAS-IP-Address': '127.0.0.1',
  });
