/**
 * `npm run simulator`: a standalone RouterOS API simulator.
 *   --port 8728 --host 127.0.0.1 --state ./data/simulator.json --user admin --password ''
 *   --login-mode plain|challenge --version 7.18.2 --latency 0 --demo-traffic --demo-devices N
 *   --board chr|routerboard --license-id ID (default: the state file's, else a new one)
 *   --hotspot-http-port N (the hotspot's HTTP login page; off unless given, 0 = any free port)
 *   --radius-incoming-port N (CoA/Disconnect, instead of /radius/incoming's port; 0 = any free port)
 *   --coa-rate apply|nak|silent (how a CoA changing a session's rate is answered)
 *   --pppoe (a PPPoE server on ether2 with the pool pppoe-demo, as the demo router has; only on a router with
 *   neither) --pppoe-cpe USER:PASSWORD (repeatable: a CPE that dials with these and again every 3 s until it is in)
 */
import { parseArgs } from 'node:util';
import { createLogger } from '../lib/logger';
import { createRouterClient } from '../router';
import { DEMO_PPPOE_POOL, setUpDemoPppoe } from '../router/demo-pppoe';
import { demoDevice, RouterSimulator } from './index';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8728' },
    host: { type: 'string', default: '127.0.0.1' },
    state: { type: 'string', default: './data/simulator.json' },
    user: { type: 'string', default: 'admin' },
    password: { type: 'string', default: '' },
    'login-mode': { type: 'string', default: 'plain' },
    version: { type: 'string', default: '7.18.2' },
    latency: { type: 'string', default: '0' },
    'demo-traffic': { type: 'boolean', default: false },
    'demo-devices': { type: 'string', default: '0' },
    board: { type: 'string', default: 'chr' },
    'license-id': { type: 'string' },
    'hotspot-http-port': { type: 'string' },
    'radius-incoming-port': { type: 'string' },
    'coa-rate': { type: 'string', default: 'apply' },
    pppoe: { type: 'boolean', default: false },
    'pppoe-cpe': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`simulator: ${message}`);
  process.exit(2);
}

function optionalPort(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad ${name} ${text}`);
  return port;
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(
      'usage: npm run simulator -- [--port 8728] [--host 127.0.0.1] [--state FILE] [--user U] [--password P]',
    );
    console.log(
      '       [--login-mode plain|challenge] [--version 7.18.2] [--latency MS] [--demo-traffic] [--demo-devices N]',
    );
    console.log('       [--board chr|routerboard] [--license-id ID] [--hotspot-http-port N]');
    console.log('       [--radius-incoming-port N] [--coa-rate apply|nak|silent]');
    console.log('       [--pppoe] [--pppoe-cpe USER:PASSWORD ...]');
    return;
  }
  const port = optionalPort('--port', values.port);
  const latency = Number(values.latency);
  const devices = Number(values['demo-devices']);
  const mode = values['login-mode'];
  if (!Number.isFinite(latency) || latency < 0) fail(`bad --latency ${values.latency}`);
  if (!Number.isInteger(devices) || devices < 0 || devices > 240) fail('--demo-devices must be 0..240');
  if (mode !== 'plain' && mode !== 'challenge') fail('--login-mode must be plain or challenge');
  const board = values.board;
  if (board !== 'chr' && board !== 'routerboard') fail('--board must be chr or routerboard');
  const httpPort = optionalPort('--hotspot-http-port', values['hotspot-http-port']);
  const incomingPort = optionalPort('--radius-incoming-port', values['radius-incoming-port']);
  const coaRate = values['coa-rate'];
  if (coaRate !== 'apply' && coaRate !== 'nak' && coaRate !== 'silent')
    fail('--coa-rate must be apply, nak or silent');
  const cpes = (values['pppoe-cpe'] as string[]).map((text, i) => {
    const at = text.indexOf(':');
    if (at < 1 || at === text.length - 1) fail(`--pppoe-cpe takes USER:PASSWORD, not ${text}`);
    const mac = `02:61:00:00:00:${(i + 1).toString(16).padStart(2, '0').toUpperCase()}`;
    return { mac, user: text.slice(0, at), password: text.slice(at + 1) };
  });
  const sim = new RouterSimulator({
    host: values.host,
    port,
    stateFile: values.state || undefined,
    users: [{ name: values.user as string, password: values.password as string }],
    loginMode: mode,
    version: values.version,
    latencyMs: latency,
    board,
    licenseId: values['license-id'] || undefined,
    hotspotHttpPort: httpPort,
    radiusIncomingPort: incomingPort,
    coaRateChange: coaRate,
    logger: { info: (...a) => console.log(...a), warn: (...a) => console.warn(...a) },
  });
  const addr = await sim.start();
  for (let n = 1; n <= devices; n++) sim.addDevice(demoDevice(n));
  if (values['demo-traffic']) sim.startDemoTraffic();
  console.log(`RouterOS simulator listening on ${addr.host}:${addr.port} (user ${values.user})`);
  if (values.pppoe) await setUpPppoe(addr.host, addr.port);
  for (const cpe of cpes) {
    // The controller may add the subscriber later: the CPE keeps dialling until its secret is there.
    void sim.pppoe.autoRedial(cpe, 3000);
    console.log(`PPPoE CPE ${cpe.mac} dials as ${cpe.user}`);
  }
  if (sim.hotspotHttpPort !== undefined)
    console.log(`hotspot login page on http://${addr.host}:${sim.hotspotHttpPort}/login`);
  if (sim.radiusIncomingPort !== undefined)
    console.log(`RADIUS CoA/Disconnect on udp ${sim.radiusIncomingPort}`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`simulator: ${signal}, stopping`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/** The PPPoE set-up a shop's owner does by hand, over the simulator's own API as the owner would. */
async function setUpPppoe(host: string, port: number): Promise<void> {
  const client = createRouterClient({
    host,
    port,
    user: values.user as string,
    password: values.password as string,
    tls: false,
    timeoutSeconds: 5,
    logger: createLogger('silent'),
  });
  await client.start();
  try {
    if (!(await client.waitConnected(5000))) fail('could not reach itself to set up PPPoE');
    const made = await setUpDemoPppoe(client);
    console.log(
      made
        ? `PPPoE server on ether2 handing out ${DEMO_PPPOE_POOL.ranges} (pool ${DEMO_PPPOE_POOL.name})`
        : 'PPPoE: this router already has a PPPoE server or the pool; left as it is',
    );
  } finally {
    await client.stop();
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
