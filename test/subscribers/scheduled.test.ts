/**
 * A subscriber whose service starts later (SQLite and PostgreSQL), from outside: `scheduled` until its day, listed,
 * editable and endable, with no invoice and no secret on the router; at 00:00 shop time on `starts_on` the server's
 * billing job makes it active with its first invoice prorated from that day and the router gets its secret;
 * "Activate now" bills from today; one ended before it starts leaves no invoice.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, ownersSetUp, PROFILES } from './helpers';

const manilaMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

async function waitFor<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`condition not met in time: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Invoice = Record<string, unknown> & { number: string };

describe('scheduled subscribers', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({ http: true, profiles: PROFILES, env: { TZ: 'Asia/Manila' } });
    await ownersSetUp(h);
  });
  afterEach(async () => {
    await h.close();
  });

  const get = async (id: number) => (await adminApi(h, 'GET', `/subscribers/${id}`)).json.subscriber;
  const invoicesOf = async (id: number): Promise<Invoice[]> =>
    (await adminApi(h, 'GET', `/subscribers/${id}/invoices`)).json.invoices;
  const secret = (name: string) => h.sim.rows('/ppp/secret').find((r) => r.name === name);
  const run = async (): Promise<string[]> => (await adminApi(h, 'POST', '/billing/run')).json.issued;

  it('waits for its day with no invoice and no secret, then starts at 00:00 with a prorated invoice', async () => {
    // Today is 2026-11-21; installation on 2026-12-10, billing day 5.
    const s = await addSubscriber(h, {
      username: 'sched',
      starts_on: '2026-12-10',
      password: 'Sched-pass-1',
    });
    expect(s).toMatchObject({ status: 'scheduled', starts_on: '2026-12-10', owed_centavos: 0 });
    // A subscriber added after it is on the router: the check that wrote it left the scheduled one off.
    await addSubscriber(h, { username: 'now.one' });
    await waitFor(
      async () => secret('now.one'),
      (x) => x !== undefined,
    );
    expect(secret('sched')).toBeUndefined();
    expect(await invoicesOf(s.id)).toEqual([]);
    const listed = (await adminApi(h, 'GET', '/subscribers?status=scheduled')).json.subscribers;
    expect(listed.map((x: { username: string }) => x.username)).toEqual(['sched']);

    // Billing runs before its day, over a billing day (Dec 5): nothing for it, never suspended.
    h.clock.set(manilaMidnight('2026-12-05'));
    await run();
    h.clock.set(manilaMidnight('2026-12-09') + 23 * 3600_000);
    await run();
    expect((await get(s.id)).status).toBe('scheduled');
    expect(await invoicesOf(s.id)).toEqual([]);

    // 00:00 on Dec 10: the server's own billing job starts it (no call from the test).
    h.clock.set(manilaMidnight('2026-12-10') + 30_000);
    const on = await waitFor(
      () => get(s.id),
      (x) => x.status === 'active',
    );
    expect(on).toMatchObject({ starts_on: '2026-12-10', cycle: { start: '2026-12-10', end: '2027-01-04' } });
    // 26 of the 31 days of Dec 5 – Jan 4: 999 × 26 / 31 = 837.870… → ₱837.87.
    expect(await invoicesOf(s.id)).toEqual([
      expect.objectContaining({
        kind: 'cycle',
        issued_on: '2026-12-10',
        period_start: '2026-12-10',
        period_end: '2027-01-04',
        due_on: '2026-12-17',
        amount_centavos: 83_787,
        lines: [expect.objectContaining({ description: 'HOME10, 2026-12-10 to 2027-01-04 (26 of 31 days)' })],
      }),
    ]);
    await waitFor(
      async () => secret('sched'),
      (x) => x !== undefined,
    );
    expect(secret('sched')).toMatchObject({ password: 'Sched-pass-1', profile: 'pisonet-HOME10' });
    // A repeat changes nothing.
    expect(await run()).toEqual([]);
    expect(await invoicesOf(s.id)).toHaveLength(1);
    const audit = await h
      .core!.db('audit_log')
      .where({ action: 'subscriber.activate', target: s.account_no });
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toMatch(/^system/);
  });

  it('is edited and refused a suspension while scheduled; "activate now" bills from today', async () => {
    const s = await addSubscriber(h, { username: 'early', starts_on: '2027-02-10' });
    // A plan and a billing day changed before it starts: taken as they are, nothing billed.
    const put = await adminApi(h, 'PUT', `/subscribers/${s.id}`, { profile: 'HOME25', billing_day: 10 });
    expect(put.status).toBe(200);
    expect(put.json.subscriber).toMatchObject({ profile: 'HOME25', billing_day: 10, billing_day_next: null });
    expect(await invoicesOf(s.id)).toEqual([]);
    const suspend = await adminApi(h, 'POST', `/subscribers/${s.id}/suspend`, { reason: 'x' });
    expect(suspend.status).toBe(409);
    expect(suspend.json.error).toMatch(/not started yet/);
    // A month before its day, over two billing days: never invoiced, never suspended (it was, before).
    h.clock.set(manilaMidnight('2027-01-14') + 3600_000);
    await run();
    expect((await get(s.id)).status).toBe('scheduled');
    expect(await invoicesOf(s.id)).toEqual([]);

    // Installed early, on Jan 14: active now, billed from today: Jan 14 – Feb 9 of Jan 10 – Feb 9 (31 days), 27
    // days of ₱1,499: 1499 × 27 / 31 = 1305.580… → ₱1,305.58.
    const res = await adminApi(h, 'POST', `/subscribers/${s.id}/activate`);
    expect(res.status).toBe(200);
    expect(res.json.subscriber).toMatchObject({
      status: 'active',
      starts_on: '2027-01-14',
      cycle: { start: '2027-01-14', end: '2027-02-09' },
    });
    expect(await invoicesOf(s.id)).toEqual([
      expect.objectContaining({
        issued_on: '2027-01-14',
        period_start: '2027-01-14',
        period_end: '2027-02-09',
        amount_centavos: 130_558,
      }),
    ]);
    await waitFor(
      async () => secret('early'),
      (x) => x !== undefined,
    );
    const again = await adminApi(h, 'POST', `/subscribers/${s.id}/activate`);
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('SUBSCRIBER_STATUS');
    // Its day coming later changes nothing more.
    h.clock.set(manilaMidnight('2027-02-10') + 3600_000);
    await run();
    expect((await invoicesOf(s.id)).map((i) => i.period_start)).toEqual(['2027-01-14', '2027-02-10']);
  });

  it('leaves no invoice when ended before it starts', async () => {
    const s = await addSubscriber(h, { username: 'gone', starts_on: '2026-12-20' });
    const end = await adminApi(h, 'DELETE', `/subscribers/${s.id}`);
    expect(end.status).toBe(200);
    expect(end.json.subscriber.status).toBe('ended');
    for (const day of ['2026-12-20', '2027-01-05', '2027-02-05']) {
      h.clock.set(manilaMidnight(day) + 3600_000);
      await run();
    }
    expect(await invoicesOf(s.id)).toEqual([]);
    expect((await get(s.id)).status).toBe('ended');
    expect(secret('gone')).toBeUndefined();
    expect((await adminApi(h, 'POST', `/subscribers/${s.id}/activate`)).json.code).toBe('SUBSCRIBER_ENDED');
  });
});
