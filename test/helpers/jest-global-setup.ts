import { startBrowserServers } from './browser-servers';

/** Before the run: the shared browsers (browser-servers.ts), one per worker jest will use. */
export default async function globalSetup(config: { maxWorkers: number }): Promise<void> {
  await startBrowserServers(Math.max(1, config.maxWorkers));
}
