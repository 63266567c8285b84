/**
 * A small RADIUS server for the simulator's tests, on the project's codec: it records every request and answers
 * Access-Requests and Accounting-Requests the way each test tells it. Plus what tests need around it: a
 * simulator with one `/radius` entry for the hotspot, and CoA/Disconnect requests sent to the router.
 */
import { attr, type Attribute, type RadiusCode, type RadiusPacket } from '../../src/radius/packet';
import { exchange, listen, type Responder } from '../../src/radius/udp';
import { RouterSimulator, type RouterSimulatorOptions } from '../../src/simulator';
import { RawClient } from './raw-client';

export const SECRET = 'testing123';

type Reply = { code: RadiusCode; attributes: Attribute[] } | undefined;

export class FakeAaa {
  readonly requests: RadiusPacket[] = [];
  /** How an Access-Request is answered (default: accepted, nothing granted). */
  auth: (req: RadiusPacket) => Reply = () => ({ code: 'Access-Accept', attributes: [] });
  /** How an Accounting-Request is answered (default: answered). */
  acct: (req: RadiusPacket) => Reply = () => ({ code: 'Accounting-Response', attributes: [] });

  private constructor(
    private readonly authServer: Responder,
    private readonly acctServer: Responder,
  ) {}

  static async start(secret = SECRET): Promise<FakeAaa> {
    const box: { aaa?: FakeAaa } = {};
    const serve =
      (pick: (aaa: FakeAaa) => (req: RadiusPacket) => Reply) =>
      async (req: RadiusPacket): Promise<Reply> => {
        const aaa = box.aaa as FakeAaa;
        aaa.requests.push(req);
        return pick(aaa)(req);
      };
    const common = { port: 0, address: '127.0.0.1', secretOf: () => secret };
    const authServer = await listen({ ...common, handle: serve((a) => a.auth) });
    const acctServer = await listen({ ...common, handle: serve((a) => a.acct) });
    box.aaa = new FakeAaa(authServer, acctServer);
    return box.aaa;
  }

  get authPort(): number {
    return this.authServer.port;
  }

  get acctPort(): number {
    return this.acctServer.port;
  }

  accessRequests(): RadiusPacket[] {
    return this.requests.filter((r) => r.code === 'Access-Request');
  }

  accounting(): RadiusPacket[] {
    return this.requests.filter((r) => r.code === 'Accounting-Request');
  }

  /** Acct-Status-Type of each accounting request, in order. */
  statuses(): string[] {
    return this.accounting().map((r) => String(attr(r, 'Acct-Status-Type')));
  }

  async close(): Promise<void> {
    await this.authServer.close();
    await this.acctServer.close();
  }
}

/** The attributes of a packet as an object (the last value of each name), for toMatchObject. */
export function attrsOf(p: RadiusPacket): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of p.attributes) out[name] = value;
  return out;
}

export const MAC = '02:50:00:00:00:01';
export const IP = '10.5.50.11';

/**
 * A started simulator whose hotspot asks `aaa` (one `/radius` entry for the hotspot, hsprof1 with use-radius),
 * with one device, and an API client.
 */
export async function radiusRouter(
  aaa: FakeAaa,
  opts: RouterSimulatorOptions = {},
  entry: string[] = [],
): Promise<{ sim: RouterSimulator; c: RawClient }> {
  const sim = new RouterSimulator(opts);
  const c = await RawClient.login((await sim.start()).port);
  await c.ok([
    '/radius/add',
    '=service=hotspot',
    '=address=127.0.0.1',
    `=secret=${SECRET}`,
    `=authentication-port=${aaa.authPort}`,
    `=accounting-port=${aaa.acctPort}`,
    '=timeout=100ms',
    ...entry,
  ]);
  await c.ok(['/ip/hotspot/profile/set', '=numbers=hsprof1', '=use-radius=yes']);
  sim.addDevice({ mac: MAC, ip: IP });
  return { sim, c };
}

export const apiLogin = (user: string, password: string, ip = IP, mac = MAC): string[] => [
  '/ip/hotspot/active/login',
  `=user=${user}`,
  `=password=${password}`,
  `=ip=${ip}`,
  `=mac-address=${mac}`,
];

/** A CoA or Disconnect request to the router, as a RADIUS server sends it. */
export function toRouter(
  sim: RouterSimulator,
  code: 'CoA-Request' | 'Disconnect-Request',
  attributes: Attribute[],
  opts: { secret?: string; localAddress?: string; timeoutMs?: number } = {},
): Promise<RadiusPacket> {
  return exchange(code, attributes, {
    host: '127.0.0.1',
    port: sim.radiusIncomingPort ?? 0,
    secret: opts.secret ?? SECRET,
    timeoutMs: opts.timeoutMs ?? 300,
    retries: 0,
    localAddress: opts.localAddress,
  });
}
