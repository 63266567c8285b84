/**
 * api-ssl against the simulator with a self-signed certificate made by openssl. Without `tlsOptions.ca`
 * the client uses the certless-api-ssl settings (ADH at SECLEVEL=0 plus DEFAULT, no verification,
 * docs/routeros.md "TLS"); with the certificate as `ca` it verifies, and a different certificate is refused.
 */
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRouterClient, type HardenedRouterClient, type RouterTlsOptions } from '../../src/router';
import { RouterSimulator } from '../../src/simulator';
import { captureLogger, eventually, localRouterClient } from './helpers';

let dir: string;
let sim: RouterSimulator;
let port: number;
let client: HardenedRouterClient | undefined;

function selfSigned(name: string): { key: string; cert: string } {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  execFileSync(
    '/usr/bin/openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-tls-'));
  sim = new RouterSimulator({ port: 0, tls: selfSigned('router') });
  ({ port } = await sim.start());
});

afterAll(async () => {
  await sim.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await client?.stop();
  client = undefined;
});

function connect(tlsOptions?: RouterTlsOptions): HardenedRouterClient {
  client = createRouterClient({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: '',
    tls: true,
    tlsOptions,
    timeoutSeconds: 2,
    logger: captureLogger(),
    reconnect: { minMs: 20, maxMs: 100 },
  });
  void client.start();
  return client;
}

test('self-signed api-ssl without a CA: encrypted, unverified, works', async () => {
  const c = connect();
  expect(await c.waitConnected(3000)).toBe(true);
  await expect(c.add('/queue/simple', { name: 'tls', target: '10.5.50.9/32' })).resolves.toMatch(/^\*/);
  expect(await c.count('/queue/simple')).toBe(1);
});

test('with the router certificate as CA: verified and works', async () => {
  const c = connect({ ca: fs.readFileSync(path.join(dir, 'router.crt')) });
  expect(await c.waitConnected(3000)).toBe(true);
  expect(await c.count('/queue/simple')).toBeGreaterThanOrEqual(0);
});

test('with a different CA: ROUTER_TLS naming the certificate, never connected', async () => {
  const other = selfSigned('other');
  const c = connect({ ca: other.cert });
  await eventually(() => c.status.lastErrorCode !== undefined, 3000, 'a failed attempt');
  expect(c.status.connected).toBe(false);
  expect(c.status.lastErrorCode).toBe('ROUTER_TLS');
  expect(c.status.lastError).toMatch(
    /^TLS handshake with the router failed: the router's certificate was not accepted \(.*(self[- ]signed|certificate).*\); check ROUTER_TLS and ROUTER_PORT/i,
  );
});

test('plain API against the api-ssl port: ROUTER_TLS saying the port speaks TLS', async () => {
  client = localRouterClient(port, {
    timeoutSeconds: 2,
    logger: captureLogger(),
    reconnect: { minMs: 60_000, maxMs: 60_000 },
  });
  await client.start();
  const c = client;
  await eventually(() => c.status.lastErrorCode !== undefined, 6000, 'a failed attempt');
  expect(c.status.connected).toBe(false);
  expect(c.status.lastErrorCode).toBe('ROUTER_TLS');
  expect(c.status.lastError).toBe(
    `TLS handshake with the router failed: 127.0.0.1:${port} speaks TLS (api-ssl) but ROUTER_TLS is false; check ROUTER_TLS and ROUTER_PORT (api-ssl is 8729, plain api 8728) and the certificate`,
  );
});

test('certless api-ssl (anonymous DH only, like RouterOS without a certificate) works', async () => {
  // A TLS front with no certificate that offers only ADH suites, piping to a plain simulator.
  const plain = new RouterSimulator({ port: 0 });
  const { port: plainPort } = await plain.start();
  const front = tls.createServer(
    {
      ciphers: 'ADH-AES128-SHA256:ADH-AES256-SHA256:ADH-AES128-SHA:@SECLEVEL=0',
      maxVersion: 'TLSv1.2',
      dhparam: 'auto',
    },
    (socket) => {
      const upstream = net.connect(plainPort, '127.0.0.1');
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
      socket.pipe(upstream).pipe(socket);
    },
  );
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  let cipher: string | undefined;
  front.on('secureConnection', (s: tls.TLSSocket) => (cipher = s.getCipher().name));
  try {
    client = createRouterClient({
      host: '127.0.0.1',
      port: (front.address() as net.AddressInfo).port,
      user: 'admin',
      password: '',
      tls: true,
      timeoutSeconds: 2,
      logger: captureLogger(),
      reconnect: { minMs: 20, maxMs: 100 },
    });
    await client.start();
    const up = await client.waitConnected(3000);
    expect(client.status.lastError).toBeUndefined();
    expect(up).toBe(true);
    expect(cipher).toMatch(/^ADH-/);
    expect(await client.count('/queue/simple')).toBe(0);
  } finally {
    await client?.stop();
    client = undefined;
    await new Promise<void>((resolve) => front.close(() => resolve()));
    await plain.stop();
  }
});
