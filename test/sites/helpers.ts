import { createRouterClient } from '../../src/router';
import { createLogger, type Logger } from '../../src/lib/logger';
import { RouterSimulator } from '../../src/simulator';
import { SYSTEM } from '../../src/services/types';
import { createHarness, type Harness, type HarnessOptions } from '../helpers/harness';

export const AUTH = { authorization: 'Bearer test-token-0123456789abcdef' };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export async function api(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json; text: string }> {
  const res = await fetch(`${h.app!.url}/admin/api${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text) as Json, text };
}

/** A second (third…) router: its own simulator with its own API user, identity and devices on the hotspot. */
export async function startRouter(opts: {
  identity: string;
  user?: string;
  password?: string;
  devices?: number;
  /** The router's clock (a test's fake one, so sessions and expiry agree with the controller's). */
  clock?: () => number;
}): Promise<{ sim: RouterSimulator; port: number }> {
  const user = opts.user ?? 'pisonet';
  const password = opts.password ?? '';
  const sim = new RouterSimulator({
    port: 0,
    identity: opts.identity,
    users: [{ name: user, password }],
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const { port } = await sim.start();
  const n = opts.devices ?? 0;
  if (n > 0) {
    const client = createRouterClient({
      host: '127.0.0.1',
      port,
      user,
      password,
      tls: false,
      timeoutSeconds: 3,
      logger: createLogger('silent'),
    });
    await client.start();
    await client.waitConnected(5000);
    for (let i = 1; i <= n; i++) {
      const mac = `02:66:00:00:00:${i.toString(16).padStart(2, '0').toUpperCase()}`;
      const ip = `10.66.0.${10 + i}`;
      sim.addDevice({ mac, ip });
      await client.add('/ip/hotspot/user', { name: `u${i}`, password: 'p' });
      await client.hotspotLogin({ user: `u${i}`, password: 'p', mac, ip });
    }
    await client.stop();
  }
  return { sim, port };
}

/** A logger whose every line is kept (JSON text), to check what was logged. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger('trace', { write: (s: string) => void lines.push(s) }), lines };
}

/** Resolves true when `p` settles before `other` does (both already started). */
export async function settlesFirst(p: Promise<unknown>, other: Promise<unknown>): Promise<boolean> {
  let otherDone = false;
  void other.then(
    () => (otherDone = true),
    () => (otherDone = true),
  );
  await p;
  return !otherDone;
}

/** The branch routers' API password in the tests with several routers. */
export const BRANCH_PASS = 'Branch-pa55word';

export interface Branch {
  sim: RouterSimulator;
  port: number;
  /** Its site's id. */
  id: number;
}

/**
 * Another machine answers at a branch's address and port (a router replaced): the old simulator is stopped and
 * a new one, with `identity` and the same API user, takes its port. Returns the branch with the new simulator
 * (stopped by the harness's close like the old one).
 */
export async function replaceRouter(b: Branch, identity: string): Promise<Branch> {
  await b.sim.stop();
  const sim = new RouterSimulator({
    port: b.port,
    identity,
    users: [{ name: 'pisonet', password: BRANCH_PASS }],
  });
  await sim.start();
  return { ...b, sim };
}

/**
 * A server (HTTP, site polls driven by the test) on the .env router plus two more routers added as the sites
 * branch-a and branch-b, each connected and bound. `close` stops the server and the two routers.
 */
export async function harnessWithBranches(
  opts: { profiles?: HarnessOptions['profiles']; routerClock?: boolean } = {},
): Promise<{ h: Harness; branch: Record<'a' | 'b', Branch>; close(): Promise<void> }> {
  const h = await createHarness({
    http: true,
    ...(opts.profiles ? { profiles: opts.profiles } : {}),
    sites: { sitePolls: false, siteReconnect: { minMs: 50, maxMs: 300 } },
  });
  const branch = {} as Record<'a' | 'b', Branch>;
  for (const key of ['a', 'b'] as const) {
    const r = await startRouter({
      identity: `Branch-${key.toUpperCase()}`,
      password: BRANCH_PASS,
      ...(opts.routerClock ? { clock: () => h.clock.now() } : {}),
    });
    const site = await h.core!.services.sites.add(
      { name: `branch-${key}`, host: '127.0.0.1', port: r.port, user: 'pisonet', password: BRANCH_PASS },
      SYSTEM,
    );
    branch[key] = { ...r, id: site.id };
  }
  for (const key of ['a', 'b'] as const) {
    const s = h.core!.siteStacks.get(branch[key].id)!;
    await s.router.waitConnected(5000);
    expect((await s.binding.check()).mode).toBe('bound');
  }
  return {
    h,
    branch,
    async close() {
      await h.close();
      for (const b of Object.values(branch)) await b.sim.stop();
    },
  };
}
