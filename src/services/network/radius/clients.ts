/**
 * The RADIUS sites as FreeRADIUS's clients: each router's address and its shared secret, opened from the sealed
 * column with the credentials key. Only the configuration writer asks for them in clear.
 */
import type { Knex } from 'knex';
import type { FreeRadiusClient } from '../../../radius/freeradius-config';
import type { CredentialsBox } from '../../business/sites/credentials';
import { RADIUS_CLIENTS } from '../../../domain/site-mode';

interface RadiusSiteRow {
  id: number;
  name: string;
  nas_address: string | null;
  radius_secret_enc: string | null;
}

/** Every RADIUS site with an address and a secret, by id. */
export async function radiusClients(db: Knex, box: CredentialsBox): Promise<FreeRadiusClient[]> {
  const rows = (await db('sites')
    .where(RADIUS_CLIENTS)
    .orderBy('id')
    .select('id', 'name', 'nas_address', 'radius_secret_enc')) as RadiusSiteRow[];
  return rows
    .filter((r) => r.nas_address && r.radius_secret_enc)
    .map((r) => ({ name: r.name, address: r.nas_address!, secret: box.open(r.radius_secret_enc!, r.name) }));
}
