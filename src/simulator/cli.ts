/**
 * `npm run simulator`: a standalone RouterOS API simulator.
 *   --port 8728 --host 127.0.0.1 --state ./data/simulator.json --user admin --password ''
 *   --login-mode plain|challenge --version 7.18.2 --latency 0 --demo-traffic --demo-devices N
 *   --board chr|routerboard --license-id ID (default: the state file's, else a new one)
 */
import { parseArgs } from 'node:util';
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
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`simulator: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  if (values.help) {
    console.log(
      'usage: npm run simulator -- [--port 8728] [--host 127.0.0.1] [--state FILE] [--user U] [--password P]',
    );
    console.log(
      '       [--login-mode plain|challenge] [--version 7.18.2] [--latency MS] [--demo-traffic] [--demo-devices N]',
    );
    console.log('       [--board chr|routerboard] [--license-id ID]');
    return;
  }
  const port = Number(values.port);
  const latency = Number(values.latency);
  const devices = Number(values['demo-devices']);
  const mode = values['login-mode'];
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${values.port}`);
  if (!Number.isFinite(latency) || latency < 0) fail(`bad --latency ${values.latency}`);
  if (!Number.isInteger(devices) || devices < 0 || devices > 240) fail('--demo-devices must be 0..240');
  if (mode !== 'plain' && mode !== 'challenge') fail('--login-mode must be plain or challenge');
  const board = values.board;
  if (board !== 'chr' && board !== 'routerboard') fail('--board must be chr or routerboard');
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
    logger: { info: (...a) => console.log(...a), warn: (...a) => console.warn(...a) },
  });
  const addr = await sim.start();
  for (let n = 1; n <= devices; n++) sim.addDevice(demoDevice(n));
  if (values['demo-traffic']) sim.startDemoTraffic();
  console.log(`RouterOS simulator listening on ${addr.host}:${addr.port} (user ${values.user})`);
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

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
