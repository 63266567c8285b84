/**
 * A subscriber's usage from its PPP sessions (API mode), from outside: bytes a CPE moves through its PPPoE
 * session show in `GET /admin/api/subscribers/:id` `usage.counted_bytes` after a poll, once each, across a
 * redial, a router reboot and a controller restart.
 */
import { startApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { createRouterClient } from '../../src/router';
import { createHarness, type Harness } from '../helpers/harness';
import { routerBack } from '../usage/helpers';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES } from './helpers';
import { waitFor } from '../helpers/wait';

const CPE = 'aa:bb:cc:00:01:01';
const MB = 1_000_000;
const PASSWORD = 'Juan-pass-1';

let h: Harness;
let id: number;

const poll = () => h.core!.services.usage.runCycle();
const counted = async (): Promise<number> => {
  const res = await adminApi(h, 'GET', `/subscribers/${id}`);
  return res.json.subscriber.usage.counted_bytes as number;
};
/** Bytes through the session over a minute (well under its 5M/10M queue). */
const traffic = (up: number, down: number) => h.sim.pppoe.addTraffic('juan.dc', { up, down }, 60);
const dial = () => h.sim.pppoe.dial({ mac: CPE, user: 'juan.dc', password: PASSWORD });

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  id = (await addSubscriber(h, { password: PASSWORD })).id;
  await waitFor(() => h.sim.rows('/ppp/secret').some((r) => r.name === 'juan.dc'));
});
afterAll(async () => {
  await h.close();
});

describe("a subscriber's usage from its PPP session", () => {
  it('counts what the session moved within a poll, and counts it once', async () => {
    expect(await dial()).toMatchObject({ ok: true });
    await poll();
    expect(await counted()).toBe(0);
    traffic(3 * MB, 7 * MB);
    await poll();
    expect(await counted()).toBe(10 * MB);
    await poll();
    expect(await counted()).toBe(10 * MB);
    traffic(1 * MB, 2 * MB);
    await poll();
    expect(await counted()).toBe(13 * MB);
  });

  it('counts a new session from zero after a redial, keeping what was booked', async () => {
    traffic(1 * MB, 1 * MB);
    await poll();
    expect(await counted()).toBe(15 * MB);
    h.sim.pppoe.hangUp(CPE);
    expect(await dial()).toMatchObject({ ok: true });
    traffic(2 * MB, 3 * MB);
    await poll();
    expect(await counted()).toBe(20 * MB);
  });

  it('counts every byte of the sessions after a router reboot, even past the old counters', async () => {
    await h.sim.reboot();
    await routerBack(h);
    expect(await dial()).toMatchObject({ ok: true });
    // More than the session before the reboot had moved: nothing of it may be taken for old bytes.
    traffic(4 * MB, 8 * MB);
    await poll();
    expect(await counted()).toBe(32 * MB);
  });

  it('loses nothing across a controller restart: the session that lasted through it keeps its counters', async () => {
    traffic(1 * MB, 1 * MB);
    await poll();
    expect(await counted()).toBe(34 * MB);
    traffic(2 * MB, 2 * MB);
    const log = createLogger('silent');
    await h.app!.stop();
    const router = createRouterClient({
      host: '127.0.0.1',
      port: h.sim.port,
      user: 'admin',
      password: '',
      tls: false,
      timeoutSeconds: 3,
      logger: log,
      reconnect: { minMs: 50, maxMs: 500 },
    });
    h.app = await startApp(h.config, { router, log, clock: h.clock });
    h.core = h.app.core;
    await router.waitConnected(5000);
    await poll();
    expect(await counted()).toBe(38 * MB);
    await poll();
    expect(await counted()).toBe(38 * MB);
  });
});
