/**
 * The PPP check at the server's start: its first periodic run comes before the router's first connection, finds
 * nothing to read and says nothing above debug; it runs at the connection. A router lost later still warns.
 */
import { createLogger } from '../../src/lib/logger';
import { createPppSubscribers, type PppSubscribers } from '../../src/services/network/ppp-subscribers';
import { DEFAULT_SITE } from '../../src/services/deps';
import type { RouterBinding } from '../../src/services/network/router-binding';
import { createHarness, type Harness } from '../helpers/harness';
import { waitFor } from '../helpers/wait';
import { localRouterClient } from '../router/helpers';

const lines: Array<{ level: number; msg: string; err?: string }> = [];
const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s)) });
const pppLines = (level: number) =>
  lines.filter((l) => l.msg.startsWith('PPP not checked') && l.level === level);
const WARN = 40;
const DEBUG = 20;

let h: Harness;
let ppp: PppSubscribers | undefined;
const router = () => localRouterClient(h.sim.port, { timeoutSeconds: 3, logger: createLogger('silent') });
let client: ReturnType<typeof router> | undefined;

beforeEach(async () => {
  lines.length = 0;
  h = await createHarness();
});
afterEach(async () => {
  await ppp?.stop();
  await client?.stop();
  await h.close();
});

test('the first check before the router connects is quiet and runs again at the connection; a router lost later warns', async () => {
  client = router(); // not started yet: the server's start, before its first connection
  const core = h.core!;
  ppp = createPppSubscribers({
    db: core.db,
    clock: h.clock,
    tz: () => h.config.tz,
    log,
    site: DEFAULT_SITE,
    router: client,
    binding: { ready: async () => true, state: () => ({ mode: 'bound' }) } as unknown as RouterBinding,
    profiles: core.services.profiles,
    box: { open: () => '' },
  });
  ppp.start(); // the periodic check runs at once
  await waitFor(() => pppLines(DEBUG).length > 0);
  expect(pppLines(DEBUG)[0]).toMatchObject({ err: expect.stringMatching(/Router not connected/) });
  expect(pppLines(WARN)).toEqual([]);

  await client.start();
  await waitFor(() => ppp!.online() !== undefined); // the check ran at the connection and read the router
  expect(pppLines(WARN)).toEqual([]);

  h.sim.setReachable(false);
  await waitFor(() => !client!.status.connected);
  ppp.requestCheck('subscriber changed');
  await waitFor(() => pppLines(WARN).length > 0);
  expect(pppLines(WARN)[0]).toMatchObject({ err: expect.stringMatching(/not connected|not reachable/i) });
});
