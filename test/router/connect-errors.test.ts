/**
 * Why the router connection is down, told apart: a wrong password, a TLS mismatch, a refused connection and
 * a router that never answers each get their own code and a message saying what to check, the same in the
 * client's status and in /healthz.
 */
import http from 'node:http';
import net from 'node:net';
import express from 'express';
import type { HardenedRouterClient, RouterClientOptions } from '../../src/router';
import { RouterSimulator } from '../../src/simulator';
import { openDatabase, type Db } from '../../src/db/knex';
import { healthRoutes } from '../../src/web/health';
import { captureLogger, eventually, localRouterClient } from './helpers';

let sim: RouterSimulator | undefined;
let client: HardenedRouterClient | undefined;
let db: Db;
let server: http.Server | undefined;

beforeAll(() => {
  db = openDatabase(':memory:');
});
afterAll(async () => {
  await db.destroy();
});
afterEach(async () => {
  await client?.stop();
  await sim?.stop();
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  client = sim = server = undefined;
});

async function simulator(opts: ConstructorParameters<typeof RouterSimulator>[0] = {}): Promise<number> {
  sim = new RouterSimulator({ port: 0, ...opts });
  return (await sim.start()).port;
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** Starts a client and waits for its first failed attempt. */
async function failedAttempt(
  port: number,
  opts: Partial<RouterClientOptions> = {},
): Promise<HardenedRouterClient> {
  const log = captureLogger();
  client = localRouterClient(port, {
    timeoutSeconds: 1,
    logger: log,
    reconnect: { minMs: 60_000, maxMs: 60_000 }, // one attempt is enough to look at
    ...opts,
  });
  await client.start();
  await eventually(() => client!.status.lastErrorCode !== undefined, 8000, 'a failed attempt');
  expect(client.status.connected).toBe(false);
  // The log says the same as the status, and never the password.
  expect(log.lines.find((l) => l.msg === 'router connect failed')?.obj).toMatchObject({
    code: client.status.lastErrorCode,
    err: client.status.lastError,
  });
  if (opts.password) expect(log.text()).not.toContain(opts.password);
  return client;
}

async function healthz(c: HardenedRouterClient): Promise<{ router: Record<string, unknown> }> {
  const app = express();
  app.use(healthRoutes({ router: c, simulated: false, db, lastPollAt: () => undefined, warnings: () => [] }));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
    router: Record<string, unknown>;
  };
}

test('wrong password → ROUTER_LOGIN_FAILED: check the user, the password and its group', async () => {
  const port = await simulator({ users: [{ name: 'admin', password: 'right-one' }] });
  const c = await failedAttempt(port, { password: 'not-the-right-one' });
  expect(c.status.lastErrorCode).toBe('ROUTER_LOGIN_FAILED');
  expect(c.status.lastError).toBe(
    'The router refused the API user or password (user "admin"): check ROUTER_USER/ROUTER_PASSWORD and the user\'s group (api, read, write)',
  );
  expect((await healthz(c)).router).toMatchObject({
    connected: false,
    error: { code: 'ROUTER_LOGIN_FAILED', message: c.status.lastError },
  });
});

test('TLS against the plain API port → ROUTER_TLS: check ROUTER_TLS and ROUTER_PORT', async () => {
  const port = await simulator();
  const c = await failedAttempt(port, { tls: true });
  expect(c.status.lastErrorCode).toBe('ROUTER_TLS');
  expect(c.status.lastError).toMatch(/^TLS handshake with the router failed: .*127\.0\.0\.1:\d+/);
  expect(c.status.lastError).toMatch(
    /check ROUTER_TLS and ROUTER_PORT \(api-ssl is 8729.*\) and the certificate$/,
  );
  expect((await healthz(c)).router).toMatchObject({
    error: { code: 'ROUTER_TLS', message: c.status.lastError },
  });
});

test('a closed port → ROUTER_REFUSED: is the API service enabled and allowed from here?', async () => {
  const port = await closedPort();
  const c = await failedAttempt(port);
  expect(c.status.lastErrorCode).toBe('ROUTER_REFUSED');
  expect(c.status.lastError).toBe(
    `The router refused the connection on 127.0.0.1:${port}: is the API service enabled (/ip service) and allowed from this address?`,
  );
  expect((await healthz(c)).router).toMatchObject({
    error: { code: 'ROUTER_REFUSED', message: c.status.lastError },
  });
});

test('a router that accepts the connection and never answers → ROUTER_TIMEOUT: check address, cabling, restrictions', async () => {
  const port = await simulator();
  sim!.setLatency(60_000); // the login reply would come a minute later
  const c = await failedAttempt(port, { timeoutSeconds: 1 });
  expect(sim!.stats.connections).toBe(1);
  expect(c.status.lastErrorCode).toBe('ROUTER_TIMEOUT');
  expect(c.status.lastError).toBe(
    `No answer from the router at 127.0.0.1:${port} within 1 s: check the address, cabling, and /ip service address restrictions`,
  );
  expect((await healthz(c)).router).toMatchObject({
    error: { code: 'ROUTER_TIMEOUT', message: c.status.lastError },
  });
});

test('a connection the router drops at once stays ROUTER_UNREACHABLE', async () => {
  const port = await simulator();
  sim!.setReachable(false); // accepts, then closes
  const c = await failedAttempt(port);
  expect(c.status.lastErrorCode).toBe('ROUTER_UNREACHABLE');
  expect((await healthz(c)).router).toMatchObject({ error: { code: 'ROUTER_UNREACHABLE' } });
});

test('connected: no error in /healthz', async () => {
  const port = await simulator();
  client = localRouterClient(port, {
    timeoutSeconds: 2,
    logger: captureLogger(),
  });
  await client.start();
  expect(await client.waitConnected(3000)).toBe(true);
  const body = await healthz(client);
  expect(body.router.connected).toBe(true);
  expect(body.router).not.toHaveProperty('error');
});
