/**
 * The demo's RADIUS branch router (src/demo/radius-branch.ts), set up as its owner would: its hotspot asks the
 * FreeRADIUS on this machine, and it takes CoA and Disconnect requests.
 */
import type { RouterSimulator } from '../simulator';
import type { RouterClient } from './types';

interface RadiusPorts {
  secret: string;
  authPort: number;
  acctPort: number;
  coaPort: number;
}

/** A `/radius` entry for the hotspot on loopback (once), CoA accepted, and the hotspot profile asking RADIUS. */
export async function useRadius(client: RouterClient, r: RadiusPorts): Promise<void> {
  const entries = await client.print('/radius');
  if (!entries.some((e) => e.address === '127.0.0.1'))
    await client.add('/radius', {
      service: 'hotspot',
      address: '127.0.0.1',
      secret: r.secret,
      'authentication-port': String(r.authPort),
      'accounting-port': String(r.acctPort),
      timeout: '1s',
    });
  await client.command('/radius/incoming/set', { accept: 'yes', port: String(r.coaPort) });
  const [profile] = await client.print('/ip/hotspot/profile', { query: ['name=hsprof1'] });
  if (profile)
    await client.set('/ip/hotspot/profile', profile['.id'], {
      'use-radius': 'yes',
      'login-by': 'http-pap,cookie',
    });
}

/** The MACs the simulated router's hotspot already sees. */
export function hotspotHostMacs(sim: RouterSimulator): Set<string> {
  return new Set(sim.rows('/ip/hotspot/host').map((h) => h['mac-address']));
}
