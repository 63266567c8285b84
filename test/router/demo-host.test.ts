/**
 * The demo router restarted from its kept state loses its hotspot sessions (a real router would keep them): the
 * host says so, so the server can tell the owner that only the simulated router restarted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DemoRouterHost } from '../../src/router/demo';
import { createLogger } from '../../src/lib/logger';

test('a first start is not a restart; a start from the kept state is', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pisonet-demo-'));
  const host = () =>
    new DemoRouterHost({ port: 0, dataDir, log: createLogger('silent'), demoTraffic: false, demoDevices: 2 });
  try {
    const first = host();
    expect(await first.ensureHosted()).toBe(true);
    expect(first.restarted).toBe(false);
    await first.stop();
    const second = host();
    expect(await second.ensureHosted()).toBe(true);
    expect(second.restarted).toBe(true);
    await second.stop();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
