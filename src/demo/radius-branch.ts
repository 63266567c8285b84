/**
 * `npm run demo:radius`: a RADIUS branch beside the demo, on this machine. It needs PostgreSQL (DATABASE_URL; `npm run
 * demo:pg` makes one in the data folder, scripts/demo-pg.sh) and
 * Debian's FreeRADIUS, and runs until Ctrl-C:
 * - a second simulated router, `PisoNet-Branch-R`, whose hotspot asks RADIUS (its `/radius` entry, CoA accepted,
 *   `use-radius` on), with three phones and demo traffic, its state kept in the data folder;
 * - the RADIUS site `radius-demo` for it (added once through the sites service, as the admin would), with API access
 *   so the live pages and logouts work;
 * - FreeRADIUS in the foreground on the configuration `pisonet radius freeradius-config` writes, on loopback.
 * The server (`npm start`, in another terminal) polls the site: its accounting is the usage, CoA enforces.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/env';
import { openCore } from '../core';
import { createLogger } from '../lib/logger';
import { freeradiusDb, writeFreeradiusConfig } from '../radius/write-config';
import { createRouterClient } from '../router/client';
import { hotspotHostMacs, useRadius } from '../router/demo-radius';
import { radiusClients } from '../services/network/radius/clients';
import { openCredentialsBox } from '../services/business/sites/credentials';
import { RouterSimulator } from '../simulator';
import { loadDemoEnv } from './demo-env';

// `.env` first, as the server reads it (DATABASE_URL, DATA_DIR, the DEMO_RADIUS_* ports below): the demo asks for
// nothing that is already there.
loadDemoEnv();

const SITE = 'radius-demo';
const ROUTER_PORT = Number(process.env.DEMO_RADIUS_ROUTER_PORT ?? 18738);
const COA_PORT = Number(process.env.DEMO_RADIUS_COA_PORT ?? 13799);
const LOGIN_PORT = Number(process.env.DEMO_RADIUS_LOGIN_PORT ?? 18080);
const AUTH_PORT = Number(process.env.DEMO_RADIUS_AUTH_PORT ?? 11812);
const ACCT_PORT = Number(process.env.DEMO_RADIUS_ACCT_PORT ?? 11813);
const API_USER = 'pisonet';
const PHONES = [
  { mac: '02:52:00:00:00:01', ip: '10.6.50.11', hostName: 'Galaxy-A14' },
  { mac: '02:52:00:00:00:02', ip: '10.6.50.12', hostName: 'Redmi-12C' },
  { mac: '02:52:00:00:00:03', ip: '10.6.50.13' },
];

const say = (line: string) => process.stdout.write(`${line}\n`);

function fail(message: string): never {
  process.stderr.write(`demo:radius: ${message}\n`);
  process.exit(1);
}

/** The demo site's secret and API password, made once and kept in the data folder (0600). */
function demoSecrets(dataDir: string): { secret: string; password: string } {
  const file = path.join(dataDir, 'radius-demo.json');
  if (fs.existsSync(file))
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { secret: string; password: string };
  const rand = () => randomBytes(12).toString('base64url');
  const made = { secret: `Demo-${rand()}`, password: rand() };
  fs.writeFileSync(file, JSON.stringify(made), { mode: 0o600 });
  return made;
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.database.engine !== 'postgres')
    fail(
      'RADIUS mode needs PostgreSQL: run `npm run demo:pg` (a PostgreSQL of the demo in the data folder), put the DATABASE_URL line it prints in .env, and start the server again (npm start).',
    );
  if (!fs.existsSync('/usr/sbin/freeradius'))
    fail(
      'FreeRADIUS is not installed: sudo apt-get install freeradius freeradius-postgresql freeradius-utils',
    );
  const log = createLogger('warn');
  const { secret, password } = demoSecrets(config.dataDir);

  const sim = new RouterSimulator({
    host: '127.0.0.1',
    port: ROUTER_PORT,
    identity: 'PisoNet-Branch-R',
    board: 'chr',
    users: [{ name: API_USER, password }],
    stateFile: path.join(config.dataDir, 'radius-branch-simulator.json'),
    radiusIncomingPort: COA_PORT,
    hotspotHttpPort: LOGIN_PORT,
    timeZone: config.tz,
    logger: { info: () => undefined, warn: (...a: unknown[]) => log.warn({ sim: a }, 'simulator') },
  });
  await sim.start();
  const seen = hotspotHostMacs(sim);
  for (const p of PHONES) if (!seen.has(p.mac)) sim.addDevice(p);
  sim.startDemoTraffic();
  const client = createRouterClient({
    host: '127.0.0.1',
    port: ROUTER_PORT,
    user: API_USER,
    password,
    tls: false,
    timeoutSeconds: 5,
    logger: log,
  });
  await client.start();
  if (!(await client.waitConnected(5000))) fail('the branch router did not answer its API');
  await useRadius(client, { secret, authPort: AUTH_PORT, acctPort: ACCT_PORT, coaPort: COA_PORT });
  await client.stop();

  // The site, once, as the admin adds it; then FreeRADIUS's configuration for every RADIUS site of the shop.
  const core = await openCore(config, { role: 'cli', log });
  let clients;
  try {
    const sites = await core.services.sites.names();
    if (!sites.some((s) => s.name === SITE))
      await core.services.sites.add(
        {
          name: SITE,
          mode: 'radius',
          nas_address: '127.0.0.1',
          radius_secret: secret,
          coa_port: COA_PORT,
          host: '127.0.0.1',
          port: ROUTER_PORT,
          user: API_USER,
          password,
        },
        { name: 'demo', via: 'cli' },
      );
    clients = await radiusClients(core.db, openCredentialsBox(config, log));
  } finally {
    await core.close();
  }
  const dir = path.join(config.dataDir, 'freeradius');
  writeFreeradiusConfig({
    dir,
    authPort: AUTH_PORT,
    acctPort: ACCT_PORT,
    listenAddress: '127.0.0.1',
    db: freeradiusDb(config.database),
    clients,
  });
  const radius: ChildProcess = spawn('/usr/sbin/freeradius', ['-f', '-d', dir], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  radius.on('exit', (code) => {
    if (!stopping) fail(`FreeRADIUS stopped (exit ${code}); its log: ${path.join(dir, 'log', 'radius.log')}`);
  });
  say(`RADIUS branch "${SITE}" running (Ctrl-C stops it):`);
  say(
    `  router PisoNet-Branch-R: API 127.0.0.1:${ROUTER_PORT}, CoA 127.0.0.1:${COA_PORT}, hotspot login http://127.0.0.1:${LOGIN_PORT}/login`,
  );
  say(
    `  FreeRADIUS on 127.0.0.1:${AUTH_PORT}/${ACCT_PORT}, configuration in ${dir}, log in ${path.join(dir, 'log')}`,
  );
  say(`  phones: ${PHONES.map((p) => `${p.mac} at ${p.ip}`).join(', ')}`);
  say(
    'Start the server (npm start) in another terminal: Sites shows the branch; make vouchers for it on the Vouchers',
  );
  say(
    `page and redeem one on the portal: http://localhost:${config.port}/portal?mac=${PHONES[0].mac}&ip=${PHONES[0].ip}&site=${SITE}`,
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    radius.kill('SIGTERM');
    sim.stopDemoTraffic();
    await sim.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: Error) => fail(err.message));
