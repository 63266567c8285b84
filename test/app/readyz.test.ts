/**
 * GET /readyz answers "can the shop sell now?" for uptime monitors: 200 when it can, 503 with the reasons when the
 * router refuses the connection, the controller is in safe mode, or the database is down. /healthz stays "the
 * process answers" (200 with the router away).
 */
import http from 'node:http';
import net from 'node:net';
import express from 'express';
import { openDatabase } from '../../src/db/knex';
import { healthRoutes } from '../../src/web/health';
import { createHarness, Harness } from '../helpers/harness';
import { routerBack } from '../usage/helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function get(url: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('ready while the router answers; 503 ROUTER_REFUSED when it refuses, while /healthz still answers 200', async () => {
  h = await createHarness({ http: true });
  const url = h.app!.url;
  expect(await get(`${url}/readyz`)).toEqual({ status: 200, json: { ready: true, reasons: [] } });

  await h.sim.stop(); // the API port closes: every new connection is refused
  await until(() => h!.router.status.lastErrorCode === 'ROUTER_REFUSED');
  const down = await get(`${url}/readyz`);
  expect(down.status).toBe(503);
  expect(down.json).toEqual({
    ready: false,
    reasons: [
      {
        code: 'ROUTER_REFUSED',
        site: 'default',
        message: expect.stringMatching(/^The router refused the connection on 127\.0\.0\.1:\d+/),
      },
    ],
  });
  expect((await get(`${url}/healthz`)).status).toBe(200);
});

test('safe mode (another router at the address) is a reason', async () => {
  h = await createHarness({ http: true });
  await h.sim.replaceRouter();
  await routerBack(h);
  await h.core!.services.routerBinding.check();
  const r = await get(`${h.app!.url}/readyz`);
  expect(r.status).toBe(503);
  expect(r.json.reasons).toEqual([
    expect.objectContaining({
      code: 'SAFE_MODE',
      site: 'default',
      message: expect.stringMatching(/^Safe mode: /),
    }),
  ]);
});

test('a database that does not answer is a reason', async () => {
  const db = openDatabase(':memory:');
  await db.destroy();
  const app = express();
  const router = { status: { connected: true } } as never;
  app.use(healthRoutes({ router, simulated: false, db, lastPollAt: () => undefined, warnings: () => [] }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as net.AddressInfo;
    const r = await get(`http://127.0.0.1:${port}/readyz`);
    expect(r.status).toBe(503);
    expect(r.json).toEqual({
      ready: false,
      reasons: [{ code: 'DATABASE_DOWN', message: expect.stringContaining('The database does not answer') }],
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
