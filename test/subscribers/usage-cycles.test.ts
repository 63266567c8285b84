/**
 * A subscriber's usage per billing cycle, from outside (API mode, the simulator): bytes each way and counted
 * bytes booked into the current cycle's row, a new row at 00:00 on the billing day whose counted bytes start
 * from zero, every past cycle kept, and a cap's throttle or block lifted within one poll of that midnight (the
 * poll itself asks, not the PPP room's periodic check).
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES, BLOCK_PLAN } from './helpers';
import { waitFor as waitUntil } from '../helpers/wait';

const GB = 1e9;

let h: Harness;

const waitFor = (cond: () => boolean | Promise<boolean>, ms = 5_000) => waitUntil(cond, ms);

const poll = () => h.core!.services.usage.runCycle();
const ppp = () => h.core!.defaultStack.pppSubscribers!;
const secret = (name: string) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
const online = (name: string) => h.sim.rows('/ppp/active').some((r) => r.name === name);
const speedOf = (name: string): string | undefined =>
  h.sim.rows('/queue/simple').find((q) => q.disabled !== 'true' && q.target === `<pppoe-${name}>`)?.[
    'max-limit'
  ];
const usage = async (id: number) => {
  const res = await adminApi(h, 'GET', `/subscribers/${id}/usage`);
  expect(res.status).toBe(200);
  return res.json.cycles as Array<Record<string, unknown>>;
};

async function subscriberOnline(username: string, mac: string, extra: Record<string, unknown> = {}) {
  const password = `${username}-pass-1`;
  const s = await addSubscriber(h, { username, password, ...extra });
  await waitFor(() => secret(username) !== undefined);
  expect(await h.sim.pppoe.autoRedial({ mac, user: username, password }, 100)).toMatchObject({ ok: true });
  return s;
}

beforeAll(async () => {
  h = await createHarness({ http: true, profiles: [...PROFILES, BLOCK_PLAN] });
  await ownersSetUp(h);
});
afterAll(async () => {
  await h.close();
});

describe("a subscriber's usage per billing cycle", () => {
  let juan: { id: number };
  let pedro: { id: number };
  let before: { up: number; down: number };

  it('books bytes up and down beside the counted bytes, in the current cycle', async () => {
    // The clock starts on 2026-11-21 (Manila); they bill on the 5th: the first cycle runs to 2026-12-04.
    juan = await subscriberOnline('juan.dc', 'aa:bb:cc:00:03:01');
    pedro = await subscriberOnline('pedro', 'aa:bb:cc:00:03:02', {
      mobile: '09171234569',
      profile: 'HOME5B',
    });
    const a = h.sim.pppoe.addTraffic('juan.dc', { up: 3 * GB, down: 98 * GB }, 100_000);
    h.sim.pppoe.addTraffic('pedro', { up: 0, down: 1 * GB }, 10_000);
    await poll();
    await waitFor(() => speedOf('juan.dc') === '512000/1000000');
    await waitFor(() => secret('pedro')?.disabled === 'true' && !online('pedro'));
    const cycles = await usage(juan.id);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ start: '2026-11-21', end: '2026-12-04' });
    // The router's receive counter on the PPP interface is the CPE's upload.
    expect(cycles[0].bytes_up).toBeGreaterThanOrEqual(a.up);
    expect(cycles[0].bytes_down).toBeGreaterThanOrEqual(a.down);
    expect(cycles[0].bytes_up).toBeLessThan(a.up + 1e6);
    expect(cycles[0].counted_bytes).toBe(Number(cycles[0].bytes_up) + Number(cycles[0].bytes_down));
    before = { up: Number(cycles[0].bytes_up), down: Number(cycles[0].bytes_down) };
  });

  it('starts a new cycle from zero at 00:00 on the billing day; the cap and the block end within one poll', async () => {
    h.clock.set(Date.parse('2026-12-04T23:59:50+08:00'));
    await poll();
    // The PPP room's periodic check (every 30 s) restarted here: its next one is at 00:00:20, after the poll below.
    await ppp().stop();
    ppp().start();
    // Its first run (at once) finished before the clock moves: a check after it waits for it.
    await new Promise((r) => setTimeout(r, 300));
    await ppp().check();
    expect(speedOf('juan.dc')).toBe('512000/1000000');
    // Ten seconds on: the poll alone must see the new cycle and have the speeds looked at.
    h.clock.set(Date.parse('2026-12-05T00:00:00+08:00'));
    await poll();
    await waitFor(() => speedOf('juan.dc') === '5000000/10000000');
    expect(secret('juan.dc')).toMatchObject({ profile: 'pisonet-HOME10' });
    await waitFor(() => secret('pedro')?.disabled === 'false' && online('pedro'));
    const cycles = await usage(juan.id);
    expect(cycles.map((c) => c.start)).toEqual(['2026-12-05', '2026-11-21']);
    expect(cycles[0]).toMatchObject({ end: '2027-01-04' });
    expect(Number(cycles[0].counted_bytes)).toBeLessThan(1e6);
    expect(cycles[1]).toMatchObject({ bytes_up: expect.any(Number) });
    expect(Number(cycles[1].bytes_up)).toBeGreaterThanOrEqual(before.up);
  });

  it('books later bytes in the new cycle and keeps the past one as it was', async () => {
    const past = (await usage(juan.id))[1];
    const a = h.sim.pppoe.addTraffic('juan.dc', { up: 2_000_000, down: 5_000_000 }, 10);
    await poll();
    const cycles = await usage(juan.id);
    expect(cycles[1]).toEqual(past);
    expect(Number(cycles[0].bytes_up)).toBeGreaterThanOrEqual(a.up);
    expect(Number(cycles[0].bytes_down)).toBeGreaterThanOrEqual(a.down);
    expect(cycles[0].counted_bytes).toBe(Number(cycles[0].bytes_up) + Number(cycles[0].bytes_down));
    expect(await usage(pedro.id)).toHaveLength(2);
  });

  it('answers 404 for an unknown subscriber', async () => {
    const res = await adminApi(h, 'GET', '/subscribers/9999/usage');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ code: 'SUBSCRIBER_NOT_FOUND' });
  });
});
