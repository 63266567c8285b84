/**
 * Who is online, from outside: a subscriber's PPP session (address, uptime, speed now) in
 * `GET /admin/api/subscribers/:id`, on the subscribers list and its page, and the dashboard's "Online now" with
 * phones and subscribers apart. All from what the poll read (the router's /ppp/active and the session's
 * counters), never a router read of their own.
 */
import { AdminClient } from '../admin/client';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES } from './helpers';
import { waitFor } from '../helpers/wait';

const CPE = 'aa:bb:cc:00:02:01';
const MB = 1_000_000;
const PASSWORD = 'Juan-pass-1';

let h: Harness;
let id: number;

const poll = () => h.core!.services.usage.runCycle();
const session = async () => (await adminApi(h, 'GET', `/subscribers/${id}`)).json.subscriber.session;
const dashboard = async () => (await adminApi(h, 'GET', '/dashboard')).json;

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await ownersSetUp(h);
  id = (await addSubscriber(h, { password: PASSWORD })).id;
  await waitFor(() => h.sim.rows('/ppp/secret').some((r) => r.name === 'juan.dc'));
});
afterAll(async () => {
  await h.close();
});

describe('who is online', () => {
  it('says offline before the subscriber ever dialled', async () => {
    await poll();
    expect(await session()).toEqual({
      online: false,
      address: null,
      uptime_seconds: null,
      rate: null,
      seen_at: null,
    });
    expect(await dashboard()).toMatchObject({ online: 0, subscribers_online: 0 });
  });

  it("shows the session's address, uptime and speed now, read by the poll", async () => {
    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'juan.dc', password: PASSWORD })).toMatchObject({
      ok: true,
    });
    await poll();
    const address = h.sim.rows('/ppp/active').find((r) => r.name === 'juan.dc')!.address;
    expect(address).toMatch(/^10\.10\.0\.\d+$/);
    expect(await session()).toEqual({
      online: true,
      address,
      uptime_seconds: expect.any(Number),
      rate: { up: 0, down: 0 },
      seen_at: new Date(h.clock.now()).toISOString(),
    });
    // A minute of 3 MB up and 6 MB down: 400 kbps and 800 kbps.
    h.sim.pppoe.addTraffic('juan.dc', { up: 3 * MB, down: 6 * MB }, 60);
    h.clock.advance(60_000);
    await poll();
    const now = await session();
    expect(now).toMatchObject({ online: true, address, rate: { up: 400_000, down: 800_000 } });
    expect(now.uptime_seconds).toBeGreaterThanOrEqual(60);
    // The dashboard: no phone on the hotspot, one subscriber.
    expect(await dashboard()).toMatchObject({ online: 0, subscribers_online: 1 });

    const owner = new AdminClient(h.app!.url);
    await owner.login();
    const list = await owner.html('/admin/subscribers');
    expect(list).toContain('data-online="true"');
    expect(list).toContain(address);
    expect(list).toContain('800 kbps ↓ / 400 kbps ↑');
    const page = await owner.html(`/admin/subscribers/${id}`);
    expect(page).toMatch(/data-testid="subscriber-session">[\s\S]*online[\s\S]*up 1m/);
    expect(page).toContain('800 kbps ↓ / 400 kbps ↑');
    const home = await owner.html('/admin');
    expect(home).toMatch(/data-tile="online-subscribers">1</);
  });

  it('says offline once the session is gone, or when the poll has not seen it lately', async () => {
    h.sim.pppoe.hangUp(CPE);
    await poll();
    expect(await session()).toMatchObject({ online: false, address: null, rate: null });
    expect(await dashboard()).toMatchObject({ subscribers_online: 0 });

    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'juan.dc', password: PASSWORD })).toMatchObject({
      ok: true,
    });
    await poll();
    expect(await session()).toMatchObject({ online: true });
    // No poll for ten minutes (the router away, the controller stopped): not said to be online.
    h.clock.advance(10 * 60_000);
    expect(await session()).toMatchObject({ online: false, address: null });
    expect((await session()).seen_at).not.toBeNull();
  });
});
