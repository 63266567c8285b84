import { stopBrowserServers } from './browser-servers';

/** After the run: the shared browsers stopped. */
export default async function globalTeardown(): Promise<void> {
  await stopBrowserServers();
}
