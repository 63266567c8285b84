/**
 * `npm run simulator -- --pppoe --pppoe-cpe USER:PASSWORD`: the standalone simulator offers the demo's PPPoE
 * server and pool to someone's own controller, and a CPE that keeps dialling until that controller has written
 * the subscriber's secret.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/lib/logger';
import { projectPath } from '../../src/lib/paths';
import { createRouterClient } from '../../src/router';
import { freePort } from '../helpers/ports';

jest.setTimeout(60_000);

let child: ChildProcess | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-sim-cli-'));
afterAll(async () => {
  if (child && child.exitCode === null) {
    const gone = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await gone;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--pppoe sets up the server and pool; --pppoe-cpe dials in once the secret is there', async () => {
  const port = await freePort();
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/simulator/cli.ts',
      '--port',
      String(port),
      '--state',
      path.join(dir, 'sim.json'),
      '--pppoe',
      '--pppoe-cpe',
      'juan:Juan-pass-123',
    ],
    { cwd: projectPath('.'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const until = Date.now() + 30_000;
  while (!/dials as juan/.test(out)) {
    if (Date.now() > until || child.exitCode !== null) throw new Error(`simulator did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(out).toMatch(/PPPoE server on ether2 handing out 10\.20\.30\.2-10\.20\.30\.254/);
  const router = createRouterClient({
    host: '127.0.0.1',
    port,
    user: 'admin',
    password: '',
    tls: false,
    timeoutSeconds: 5,
    logger: createLogger('silent'),
  });
  await router.start();
  try {
    expect(await router.waitConnected(5000)).toBe(true);
    expect(
      await router.print('/interface/pppoe-server/server', { proplist: ['interface', 'disabled'] }),
    ).toEqual([{ interface: 'ether2', disabled: 'false' }]);
    expect(await router.print('/ppp/active', { proplist: ['name'] })).toEqual([]);
    // The owner's controller adds the subscriber: the CPE is in within its next redial.
    await router.add('/ppp/secret', { name: 'juan', password: 'Juan-pass-123', service: 'pppoe' });
    let active: Array<Record<string, string>> = [];
    for (let i = 0; i < 60 && !active.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      active = await router.print('/ppp/active', { proplist: ['name', 'address', 'caller-id'] });
    }
    expect(active).toEqual([{ name: 'juan', address: '10.20.30.2', 'caller-id': '02:61:00:00:00:01' }]);
  } finally {
    await router.stop();
  }
});
