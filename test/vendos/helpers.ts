import http from 'node:http';
import type { Harness } from '../helpers/harness';
import { addDevice, AUTH, device, makeVouchers, redeemApi } from '../portal/helpers';
import { SimulatedVendo } from '../../src/vendo-sim/board';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read the replies' JSON loosely
export type Json = Record<string, any>;

export const RATES = [
  { amount: 1, validity: '10m' },
  { amount: 5, validity: '1h' },
  { amount: 10, validity: '3h' },
  { amount: 20, validity: '8h' },
];

export async function adminApi(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

/** Registers a vendo through the admin API and returns a simulated board for it (on the harness's clock). */
export async function makeVendo(
  h: Harness,
  extra: Record<string, unknown> = {},
): Promise<{ id: string; secret: string; board: SimulatedVendo }> {
  const res = await adminApi(h, 'POST', '/vendos', {
    name: 'Vendo 1',
    profile: 'BASIC',
    rates: RATES,
    ...extra,
  });
  expect(res.status).toBe(201);
  const { id, secret } = res.json.vendo as { id: string; secret: string };
  const board = new SimulatedVendo({ url: h.app!.url, id, secret, now: () => h.clock.now(), retries: 1 });
  return { id, secret, board };
}

/**
 * A device whose requests prove it: it asks from the address the hotspot gives its MAC (the test's requests come
 * from 127.0.0.1, so that is its hotspot address). Devices from addDevice() ask from elsewhere (a NATed portal)
 * and prove themselves only with the cookie a redemption sets.
 */
export function addProvenDevice(h: Harness, n: number): { mac: string; ip: string } {
  const d = { mac: device(n).mac, ip: '127.0.0.1' };
  h.sim.addDevice(d);
  return d;
}

/**
 * A phone's browser on the portal: keeps its cookies like a browser would. `from` is the local address its
 * requests leave from (any 127.x.y.z on Linux): phones on different addresses are different askers to the portal.
 */
export class Phone {
  cookies = new Map<string, string>();
  constructor(
    private readonly h: Harness,
    readonly device: { mac: string; ip: string },
    private readonly from?: string,
  ) {}

  call(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<{ status: number; json: Json }> {
    const url = new URL(`${this.h.app!.url}${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          method,
          localAddress: this.from,
          headers: {
            'content-type': 'application/json',
            cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            ...(payload === undefined ? {} : { 'content-length': Buffer.byteLength(payload) }),
            ...extra,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            for (const c of res.headers['set-cookie'] ?? []) {
              const [pair] = c.split(';');
              const i = pair.indexOf('=');
              this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
            }
            try {
              resolve({
                status: res.statusCode ?? 0,
                json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json,
              });
            } catch (err) {
              reject(err as Error);
            }
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  start(vendo: string) {
    return this.call('POST', '/api/portal/vendo/start', { vendo, ...this.device });
  }
  session(id: string) {
    return this.call('GET', `/api/portal/vendo/session/${id}`);
  }
  finish(id: string) {
    return this.call('POST', '/api/portal/vendo/finish', { session: id });
  }
}

export async function ledger(h: Harness, vendo: string) {
  return h.core!.db('vendo_coins').where({ vendo_id: vendo }).orderBy('seq');
}

/** A phone online on a BASIC code (₱5), which opened a new coin box's window and dropped `coin` pesos into it. */
export async function coinsForTopUp(h: Harness, coin: number) {
  const [code] = await makeVouchers(h, 'BASIC', 1);
  const d = addDevice(h, 1);
  expect((await redeemApi(h, { code, ...d })).status).toBe(200);
  const { id, board } = await makeVendo(h);
  const phone = new Phone(h, d);
  await board.poll();
  const s = await phone.start(id);
  await board.poll();
  await board.insertCoin(coin);
  return { code, id, phone, session: s.json.session as string };
}
