/**
 * Suspension for unpaid invoices from outside (API mode, the simulator, a fake clock): suspended at 00:00 of the
 * day after the due date (not on it), its session's address in pisonet-suspended; out of the list within 5 s of a
 * cash payment; a suspension by hand recorded as such and never lifted by a payment; a resume by hand lifts
 * billing's suspension until the next run; the catch-up at start after days off.
 */
import { startApp } from '../../src/app';
import { createRouterClient } from '../../src/router/client';
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES } from './helpers';
import { waitFor } from '../helpers/wait';

const LIST = 'pisonet-suspended';
const CPE = 'aa:bb:cc:00:02:01';
const manila = (at: string) => Date.parse(`${at}+08:00`);

async function pay(h: Harness, id: number, amount: number) {
  const res = await fetch(`${h.app!.url}/admin/api/subscribers/${id}/payments`, {
    method: 'POST',
    headers: { authorization: 'Bearer test-token-0123456789abcdef', 'content-type': 'application/json' },
    body: JSON.stringify({ amount, method: 'cash' }),
  });
  expect(res.status).toBe(201);
}

const listed = (h: Harness) => h.sim.rows('/ip/firewall/address-list').filter((r) => r.list === LIST);
const statusOf = async (h: Harness, id: number) =>
  (await adminApi(h, 'GET', `/subscribers/${id}`)).json.subscriber as {
    status: string;
    status_reason: string;
  };
const suspensions = (h: Harness, id: number) =>
  h.core!.db('subscriber_suspensions').where({ subscriber_id: id }).orderBy('id') as Promise<
    Array<{
      cause: string;
      reason: string | null;
      started_by: string;
      ended_at: unknown;
      ended_by: string | null;
    }>
  >;

/** The server's billing job looked at the moved clock, and its run (if it started one) finished. */
async function billingSettled(h: Harness): Promise<void> {
  await h.app!.billingJob.look();
  await h.app!.billingJob.settled();
}

describe('suspension for an unpaid invoice (grace 0)', () => {
  let h: Harness;
  let rosa: { id: number };
  beforeAll(async () => {
    h = await createHarness({ http: true, profiles: PROFILES });
    await ownersSetUp(h);
    // The harness's day is 2026-11-21: INV-000001 (₱466.20) is due 2026-11-28.
    rosa = await addSubscriber(h, { username: 'rosa', password: 'Rosa-pass-1' });
    await waitFor(() => h.sim.rows('/ppp/secret').length === 1);
    expect(await h.sim.pppoe.dial({ mac: CPE, user: 'rosa', password: 'Rosa-pass-1' })).toMatchObject({
      ok: true,
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('stays active through its due date; suspended by the midnight run of the next day', async () => {
    h.clock.set(manila('2026-11-28T23:59:00'));
    await adminApi(h, 'POST', '/billing/run');
    expect((await statusOf(h, rosa.id)).status).toBe('active');
    expect(listed(h)).toHaveLength(0);

    // No call from the test: the hourly billing job meets 00:00 on its own.
    h.clock.set(manila('2026-11-29T00:00:05'));
    await waitFor(async () => (await statusOf(h, rosa.id)).status === 'suspended', 5_000);
    expect((await statusOf(h, rosa.id)).status_reason).toBe('Unpaid: INV-000001 was due 2026-11-28');
    expect(await suspensions(h, rosa.id)).toEqual([
      expect.objectContaining({
        cause: 'unpaid',
        reason: 'Unpaid: INV-000001 was due 2026-11-28',
        started_by: 'billing',
        ended_at: null,
      }),
    ]);
    const address = h.sim.rows('/ppp/active').find((r) => r.name === 'rosa')!.address;
    await waitFor(() => listed(h).some((r) => r.address === address), 5_000);
    const audit = (await adminApi(h, 'GET', '/audit')).json.entries as Array<Record<string, unknown>>;
    expect(audit.find((e) => e.action === 'subscriber.suspend')).toMatchObject({
      actor: 'system',
      via: 'system',
    });

    // A second run changes nothing.
    await adminApi(h, 'POST', '/billing/run');
    await adminApi(h, 'POST', '/billing/run');
    expect(await suspensions(h, rosa.id)).toHaveLength(1);
  });

  it('is out of pisonet-suspended within 5 s of a cash payment', async () => {
    const started = Date.now();
    await pay(h, rosa.id, 466.2);
    await waitFor(() => listed(h).length === 0, 5_000);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await statusOf(h, rosa.id)).status).toBe('active');
    expect((await suspensions(h, rosa.id))[0]).toMatchObject({ ended_by: 'billing' });
    expect(h.sim.rows('/ppp/active').find((r) => r.name === 'rosa')).toBeDefined();
  });

  it('records a suspension by hand, and a payment never lifts it', async () => {
    // The next invoice: issued 2026-12-05, due 2026-12-12.
    h.clock.set(manila('2026-12-05T00:00:05'));
    await adminApi(h, 'POST', '/billing/run');
    const res = await adminApi(h, 'POST', `/subscribers/${rosa.id}/suspend`, { reason: 'cable cut, asked' });
    expect(res.status).toBe(200);
    const rows = await suspensions(h, rosa.id);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({ cause: 'manual', reason: 'cable cut, asked', ended_at: null });
    expect(rows[1].started_by).not.toBe('billing');
    await pay(h, rosa.id, 999);
    await new Promise((r) => setTimeout(r, 1_000));
    await adminApi(h, 'POST', '/billing/run');
    expect((await statusOf(h, rosa.id)).status).toBe('suspended');
    expect((await suspensions(h, rosa.id))[1].ended_at).toBeNull();

    // Resumed by hand: the row is closed with who did it.
    expect((await adminApi(h, 'POST', `/subscribers/${rosa.id}/resume`)).status).toBe(200);
    expect((await suspensions(h, rosa.id))[1]).toMatchObject({ ended_by: rows[1].started_by });
    expect((await suspensions(h, rosa.id))[1].ended_at).not.toBeNull();
  });

  it("a resume by hand lifts billing's suspension; still past due, the next run suspends again; an end closes it", async () => {
    // The invoice of 2027-01-05, due 2027-01-12, unpaid on the 13th.
    h.clock.set(manila('2027-01-13T00:00:05'));
    // The server's own hourly run for this hour has run and finished before anything else (it follows the moved
    // clock by itself, and would otherwise suspend again after the resume below).
    await billingSettled(h);
    await adminApi(h, 'POST', '/billing/run');
    expect((await statusOf(h, rosa.id)).status).toBe('suspended');
    expect((await adminApi(h, 'POST', `/subscribers/${rosa.id}/resume`)).status).toBe(200);
    let rows = await suspensions(h, rosa.id);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ cause: 'unpaid', started_by: 'billing' });
    expect(rows[2].ended_by).not.toBe('billing');
    expect(rows[2].ended_at).not.toBeNull();
    h.clock.set(manila('2027-01-14T00:00:05'));
    await billingSettled(h);
    await adminApi(h, 'POST', '/billing/run');
    expect((await statusOf(h, rosa.id)).status).toBe('suspended');
    expect((await adminApi(h, 'DELETE', `/subscribers/${rosa.id}`)).status).toBe(200);
    rows = await suspensions(h, rosa.id);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.ended_at !== null)).toBe(true);
    // Ended: a suspend is refused, clearly, and writes nothing; billing leaves it alone.
    const again = await adminApi(h, 'POST', `/subscribers/${rosa.id}/suspend`, { reason: 'late again' });
    expect(again.status).toBe(409);
    expect(again.json).toMatchObject({ code: 'SUBSCRIBER_ENDED' });
    h.clock.set(manila('2027-02-20T00:00:05'));
    await billingSettled(h);
    await adminApi(h, 'POST', '/billing/run');
    expect(await suspensions(h, rosa.id)).toEqual(rows);
  });
});

describe('suspension with BILLING_GRACE_DAYS=2, and the catch-up at start', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('suspends two days later than without grace', async () => {
    h = await createHarness({ http: true, profiles: PROFILES, env: { BILLING_GRACE_DAYS: '2' } });
    const s = await addSubscriber(h); // due 2026-11-28
    h.clock.set(manila('2026-11-30T23:59:00'));
    await adminApi(h, 'POST', '/billing/run');
    expect((await statusOf(h, s.id)).status).toBe('active');
    h.clock.set(manila('2026-12-01T00:00:05'));
    await waitFor(async () => (await statusOf(h, s.id)).status === 'suspended', 5_000);
  });

  it('suspends at start a subscriber that fell past due while the box was off; a restart does nothing more', async () => {
    h = await createHarness({ http: true, profiles: PROFILES });
    const s = await addSubscriber(h); // due 2026-11-28
    const log = h.app!.core.log;
    const start = async () => {
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
    };
    await h.app!.stop();
    // Off over the night the invoice fell past due (and a billing day): back on 2026-12-06.
    h.clock.set(manila('2026-12-06T10:00:00'));
    await start();
    expect((await statusOf(h, s.id)).status).toBe('suspended');
    expect(await suspensions(h, s.id)).toHaveLength(1);
    await h.app!.stop();
    await start();
    expect(await suspensions(h, s.id)).toHaveLength(1);
  });
});

describe('the reason of a suspension for unpaid invoices', () => {
  it('names the oldest invoice still past due once the one it named is paid', async () => {
    const h = await createHarness({ http: true, profiles: PROFILES });
    try {
      // INV-000001 (₱466.20) due 2026-11-28; INV-000002 (₱999.00) due 2026-12-12.
      const s = await addSubscriber(h);
      h.clock.set(manila('2026-12-05T00:00:05'));
      await adminApi(h, 'POST', '/billing/run');
      h.clock.set(manila('2026-12-13T00:00:05'));
      await billingSettled(h);
      expect((await statusOf(h, s.id)).status_reason).toBe('Unpaid: INV-000001 was due 2026-11-28');
      await pay(h, s.id, 466.2);
      await waitFor(
        async () => (await statusOf(h, s.id)).status_reason === 'Unpaid: INV-000002 was due 2026-12-12',
        5_000,
      );
      expect((await statusOf(h, s.id)).status).toBe('suspended');
      // Why it began stays in its history.
      expect(await suspensions(h, s.id)).toEqual([
        expect.objectContaining({
          cause: 'unpaid',
          reason: 'Unpaid: INV-000001 was due 2026-11-28',
          ended_at: null,
        }),
      ]);
    } finally {
      await h.close();
    }
  });
});
