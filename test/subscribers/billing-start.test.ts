/**
 * When a subscriber's billing starts, from outside (SQLite and PostgreSQL): a paid-until date moves the first
 * invoice to the day after it (the worked examples of docs/subscribers.md, to the centavo), a start in the past
 * bills from today only (one invoice, no suspension), and an opening balance is one invoice due on its own date,
 * never suspended for before that date plus grace.
 */
import { createHarness, type Harness } from '../helpers/harness';
import { adminApi } from '../vendos/helpers';
import { addSubscriber, PROFILES } from './helpers';

/** Midnight in Manila of a shop date, as ms. */
const manilaMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

type Invoice = Record<string, unknown> & { number: string };
const invoicesOf = async (h: Harness, id: number): Promise<Invoice[]> =>
  (await adminApi(h, 'GET', `/subscribers/${id}/invoices`)).json.invoices;
const run = async (h: Harness): Promise<string[]> => (await adminApi(h, 'POST', '/billing/run')).json.issued;
const statusOf = async (h: Harness, id: number) =>
  (await adminApi(h, 'GET', `/subscribers/${id}`)).json.subscriber.status as string;

describe('when billing starts', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness({
      http: true,
      profiles: PROFILES,
      env: { TZ: 'Asia/Manila', BILLING_GRACE_DAYS: '3' },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it('bills from the day after paid_until: ₱999.00 on the billing day, ₱805.65 for Dec 11 – Jan 4', async () => {
    h.clock.set(manilaMidnight('2026-11-25') + 9 * 3600_000);
    const a = await addSubscriber(h, { username: 'ana', paid_until: '2026-12-04' });
    const b = await addSubscriber(h, { username: 'ben', paid_until: '2026-12-10' });
    expect(a).toMatchObject({ status: 'active', paid_until: '2026-12-04', starts_on: '2026-11-25' });
    expect(b.paid_until).toBe('2026-12-10');
    // Paid until a later day: nothing is invoiced now, nor by a run before that day.
    expect(await invoicesOf(h, a.id)).toEqual([]);
    expect(await run(h)).toEqual([]);
    h.clock.set(manilaMidnight('2026-12-04') + 23 * 3600_000);
    expect(await run(h)).toEqual([]);

    // 00:00 on the 5th (a billing day): Ana's first invoice is the whole month.
    h.clock.set(manilaMidnight('2026-12-05'));
    await run(h);
    expect(await invoicesOf(h, a.id)).toEqual([
      expect.objectContaining({
        kind: 'cycle',
        issued_on: '2026-12-05',
        period_start: '2026-12-05',
        period_end: '2027-01-04',
        due_on: '2026-12-12',
        amount: 999,
        amount_centavos: 99_900,
        lines: [{ description: 'HOME10, 2026-12-05 to 2027-01-04', amount: 999, amount_centavos: 99_900 }],
      }),
    ]);
    expect(await invoicesOf(h, b.id)).toEqual([]);

    // 00:00 on the 11th: Ben's first, 25 of the cycle's 31 days: 999 × 25 / 31 = 805.645… → ₱805.65.
    h.clock.set(manilaMidnight('2026-12-10') + 23 * 3600_000);
    expect(await run(h)).toEqual([]);
    h.clock.set(manilaMidnight('2026-12-11'));
    await run(h);
    expect(await invoicesOf(h, b.id)).toEqual([
      expect.objectContaining({
        kind: 'cycle',
        issued_on: '2026-12-11',
        period_start: '2026-12-11',
        period_end: '2027-01-04',
        due_on: '2026-12-18',
        amount: 805.65,
        amount_centavos: 80_565,
        lines: [
          {
            description: 'HOME10, 2026-12-11 to 2027-01-04 (25 of 31 days)',
            amount: 805.65,
            amount_centavos: 80_565,
          },
        ],
      }),
    ]);
    // From then on, one full month per billing day, for both.
    h.clock.set(manilaMidnight('2027-01-05'));
    expect((await run(h)).length).toBe(2);
    expect((await invoicesOf(h, b.id)).map((i) => [i.period_start, i.amount_centavos])).toEqual([
      ['2026-12-11', 80_565],
      ['2027-01-05', 99_900],
    ]);
  });

  it('bills a paid-until day missed while the box was off from the day after it, not from the next cycle', async () => {
    h.clock.set(manilaMidnight('2026-11-25') + 9 * 3600_000);
    const b = await addSubscriber(h, { username: 'ben', paid_until: '2026-12-10' });
    // Off from Dec 10 to Jan 6: the catch-up bills Dec 11 – Jan 4 (prorated), then Jan 5 – Feb 4.
    h.clock.set(manilaMidnight('2027-01-06') + 3600_000);
    await run(h);
    expect((await invoicesOf(h, b.id)).map((i) => [i.issued_on, i.period_start, i.amount_centavos])).toEqual([
      ['2026-12-11', '2026-12-11', 80_565],
      ['2027-01-05', '2027-01-05', 99_900],
    ]);
  });

  it('bills a customer since 2020 from today: one invoice, no suspension', async () => {
    // Today is 2026-11-21: customer since 2020-01-01, billing day 5 (the cycle Nov 5 – Dec 4 has 30 days).
    const s = await addSubscriber(h, { username: 'lola', starts_on: '2020-01-01' });
    expect(s).toMatchObject({
      status: 'active',
      starts_on: '2020-01-01',
      cycle: { start: '2026-11-21', end: '2026-12-04' },
    });
    expect(await run(h)).toEqual([]);
    const list = await invoicesOf(h, s.id);
    expect(list).toEqual([
      expect.objectContaining({
        issued_on: '2026-11-21',
        period_start: '2026-11-21',
        period_end: '2026-12-04',
        due_on: '2026-11-28',
        amount_centavos: 46_620, // 999 × 14 / 30 = 466.20
      }),
    ]);
    expect(await statusOf(h, s.id)).toBe('active');
    expect((await adminApi(h, 'GET', `/subscribers/${s.id}`)).json.subscriber.owed_centavos).toBe(46_620);
    // A start two months back, the same: from today only.
    const t = await addSubscriber(h, { username: 'tomas', starts_on: '2026-10-15' });
    expect(await run(h)).toEqual([]);
    expect((await invoicesOf(h, t.id)).map((i) => i.period_start)).toEqual(['2026-11-21']);
    expect(await statusOf(h, t.id)).toBe('active');
  });

  it('issues an opening balance today, due on its date, and suspends for it only after that date plus grace', async () => {
    h.clock.set(manilaMidnight('2026-11-25') + 9 * 3600_000);
    // Paid until Dec 4, so its first cycle invoice (due Dec 12) does not muddle the opening balance's dates.
    const s = await addSubscriber(h, {
      username: 'carla',
      paid_until: '2026-12-04',
      opening_balance: '1,500.50',
      opening_due_on: '2026-12-01',
    });
    expect(s).toMatchObject({
      opening_balance: 1500.5,
      opening_balance_centavos: 150_050,
      opening_due_on: '2026-12-01',
      owed_centavos: 150_050,
    });
    expect(await invoicesOf(h, s.id)).toEqual([
      expect.objectContaining({
        kind: 'opening',
        issued_on: '2026-11-25',
        due_on: '2026-12-01',
        amount_centavos: 150_050,
        lines: [{ description: 'Balance brought forward', amount: 1500.5, amount_centavos: 150_050 }],
      }),
    ]);
    // Due Dec 1, three days' grace: still in service on the last day to pay (Dec 4), suspended from Dec 5.
    h.clock.set(manilaMidnight('2026-12-04') + 23 * 3600_000);
    await run(h);
    expect(await statusOf(h, s.id)).toBe('active');
    h.clock.set(manilaMidnight('2026-12-05'));
    await run(h);
    const after = (await adminApi(h, 'GET', `/subscribers/${s.id}`)).json.subscriber;
    expect(after.status).toBe('suspended');
    expect(after.status_reason).toMatch(/^Unpaid: INV-\d+ was due 2026-12-01$/);
    // Without a date it is due BILLING_DUE_DAYS (7) from today; a run issues it no second time.
    const d = await addSubscriber(h, { username: 'dina', opening_balance: 250 });
    const opening = (await invoicesOf(h, d.id)).filter((i) => i.kind === 'opening');
    expect(opening).toEqual([expect.objectContaining({ due_on: '2026-12-12', amount_centavos: 25_000 })]);
    await run(h);
    expect((await invoicesOf(h, d.id)).filter((i) => i.kind === 'opening')).toHaveLength(1);
  });

  it('refuses bad dates and amounts, naming each, and writes nothing', async () => {
    const res = await adminApi(h, 'POST', '/subscribers', {
      name: 'Bad',
      mobile: '09171234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'bad.one',
      paid_until: '2027-13-01',
      opening_balance: '-5',
      starts_on: '2028-01-01',
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.fields).sort()).toEqual(['opening_balance', 'paid_until', 'starts_on']);
    expect(res.json.fields.starts_on).toMatch(/more than a year ahead/);
    const due = await adminApi(h, 'POST', '/subscribers', {
      name: 'Bad',
      mobile: '09171234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'bad.two',
      opening_due_on: '2026-12-01',
      paid_until: '2030-01-01',
    });
    expect(due.status).toBe(400);
    expect(due.json.fields.opening_due_on).toMatch(/give opening_balance too/);
    expect(due.json.fields.paid_until).toMatch(/more than a year ahead/);
    const past = await adminApi(h, 'POST', '/subscribers', {
      name: 'Bad',
      mobile: '09171234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'bad.three',
      opening_balance: '100000.01',
      opening_due_on: '2026-11-20',
    });
    expect(Object.keys(past.json.fields).sort()).toEqual(['opening_balance', 'opening_due_on']);
    expect(past.json.fields.opening_due_on).toMatch(/before today/);
    expect(past.json.fields.opening_balance).toBe(
      '₱100,000.01 is more than an opening balance may be; use an amount in pesos from 0 to ₱100,000, like 1500 or 1,500.50',
    );
    expect(Number((await h.core!.db('subscribers').count({ n: '*' }))[0].n)).toBe(0);
    expect(Number((await h.core!.db('invoices').count({ n: '*' }))[0].n)).toBe(0);
  });

  it('asks before an opening balance above six months of the fee (one digit too many), nothing written', async () => {
    const lito = {
      name: 'Lito',
      mobile: '09171234567',
      profile: 'HOME10',
      billing_day: 5,
      username: 'lito',
      opening_balance: '50000',
    };
    const asked = await adminApi(h, 'POST', '/subscribers', lito);
    expect([asked.status, asked.json.code]).toEqual([409, 'CONFIRM_REQUIRED']);
    expect(asked.json.fields.opening_balance).toBe(
      '₱50,000.00 brought forward is 50 months of HOME10 (₱999.00 a month): a typo? Check it, or confirm it.',
    );
    expect(Number((await h.core!.db('subscribers').count({ n: '*' }))[0].n)).toBe(0);
    // Six months' fee is not asked; a confirmed one is added.
    const six = await adminApi(h, 'POST', '/subscribers', {
      ...lito,
      username: 'six',
      opening_balance: '5994',
    });
    expect(six.status).toBe(201);
    const meant = await adminApi(h, 'POST', '/subscribers', { ...lito, confirm: true });
    expect([meant.status, meant.json.subscriber.opening_balance]).toEqual([201, 50_000]);
  });
});
