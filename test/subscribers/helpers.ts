import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { pppoeSetUp } from '../helpers/pppoe';
import { AUTH } from '../portal/helpers';

import { PROFILES } from '../helpers/subscriber-plans';

export { PROFILES };

export const JUAN = {
  name: 'Juan dela Cruz',
  mobile: '09171234567',
  profile: 'HOME10',
  billing_day: 5,
  username: 'juan.dc',
};

export async function addSubscriber(h: Harness, extra: Record<string, unknown> = {}) {
  const res = await adminApi(h, 'POST', '/subscribers', { ...JUAN, ...extra });
  if (res.status !== 201) throw new Error(`not added: ${JSON.stringify(res.json)}`);
  return res.json.subscriber;
}

/** The owner's PPPoE set-up: a pool for the server's default profile (and HOME25), and a server on ether2. */
export async function ownersSetUp(x: Harness): Promise<void> {
  await pppoeSetUp(x);
}

/** For a describe block: a harness on HTTP with PROFILES and the owner's set-up, started before its tests. */
export function ownersHarness(): { readonly h: Harness } {
  const box = {} as { h: Harness };
  beforeAll(async () => {
    box.h = await createHarness({ http: true, profiles: PROFILES });
    await ownersSetUp(box.h);
  });
  afterAll(async () => {
    await box.h?.close();
  });
  return box;
}

/** A monthly plan whose data cap blocks (no service until the next cycle). */
export const BLOCK_PLAN = {
  name: 'HOME5B',
  billing: 'monthly',
  price: 699,
  rate_up: '2M',
  rate_down: '5M',
  data_cap: '1G',
  cap_policy: 'block',
};

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `POST /admin/api/subscribers/import` with the CSV as the body; `query`: `?dry_run=1` and the like. */
export async function importCsv(
  h: Harness,
  csv: string,
  query = '',
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${h.app!.url}/admin/api/subscribers/import${query}`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** How many rows a table has. */
export const countRows = async (h: Harness, table: string) =>
  Number(((await h.core!.db(table).count({ n: '*' })) as { n: number | string }[])[0].n);
