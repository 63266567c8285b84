import { chromium, type BrowserServer } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args';

/**
 * Jest's global setup and teardown for the browser tests: one headless Chromium per jest worker for the whole run,
 * started here and shared by every test file of that worker (launchChromium connects to it through the address in
 * PISONET_CHROMIUM_WS_<worker>), instead of a Chromium started and stopped by each of some forty files. Each file
 * still gets its own browser contexts, closed when it closes its browser. Started lazily would leave a Chromium
 * per worker behind when jest ends a worker, so they start with the run and stop with it.
 */
const servers: BrowserServer[] = [];

export async function startBrowserServers(workers: number): Promise<void> {
  const started = await Promise.all(
    Array.from({ length: workers }, () =>
      chromium.launchServer({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
    ),
  );
  started.forEach((s, i) => {
    servers.push(s);
    process.env[`PISONET_CHROMIUM_WS_${i + 1}`] = s.wsEndpoint();
  });
}

export async function stopBrowserServers(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
}
