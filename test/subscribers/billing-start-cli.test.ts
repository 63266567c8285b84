/**
 * When billing starts, from the terminal: `pisonet subscribers add` takes --paid-until, --opening-balance and
 * --opening-due-on as the API takes them, a future --starts-on makes the subscriber scheduled, and
 * `pisonet subscribers activate` starts it now, billed from today. The terminal runs on the real clock.
 */
import { addDays, localDate } from '../../src/domain/calendar';
import { createHarness, type Harness } from '../helpers/harness';
import { runCli } from '../cli/helpers';
import { PROFILES } from './helpers';

const base = (username: string) => [
  'subscribers',
  'add',
  '--name',
  'Lito Cruz',
  '--mobile',
  '09171234567',
  '--profile',
  'HOME10',
  '--billing-day',
  '5',
  '--username',
  username,
];

describe('pisonet subscribers: when billing starts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({ profiles: PROFILES });
  });
  afterAll(async () => {
    await h.close();
  });

  it('adds with a paid-until date and an opening balance, schedules a later start, and activates it', async () => {
    const today = localDate(Date.now(), h.config.tz);
    const paid = await runCli(h, [
      ...base('lito'),
      '--paid-until',
      addDays(today, 10),
      '--opening-balance',
      '1,250.75',
      '--opening-due-on',
      addDays(today, 3),
      '--json',
    ]);
    expect(paid.stderr).toBe('');
    expect(JSON.parse(paid.stdout).subscriber).toMatchObject({
      status: 'active',
      paid_until: addDays(today, 10),
      opening_balance: 1250.75,
      opening_balance_centavos: 125_075,
      opening_due_on: addDays(today, 3),
      owed_centavos: 125_075,
    });
    const shown = await runCli(h, ['subscribers', 'show', 'lito']);
    expect(shown.stdout).toContain(`paid until:  ${addDays(today, 10)} (billed from the day after)`);
    expect(shown.stdout).toContain(`opening:     ₱1,250.75 brought forward, due ${addDays(today, 3)}`);

    const later = await runCli(h, [...base('mila'), '--starts-on', addDays(today, 20), '--json']);
    const s = JSON.parse(later.stdout).subscriber;
    expect(s.status).toBe('scheduled');
    const listed = await runCli(h, ['subscribers', 'list', '--status', 'scheduled']);
    expect(listed.stdout).toMatch(/mila\s+HOME10\s+5\s+scheduled/);

    const on = await runCli(h, ['subscribers', 'activate', 'mila', '--json']);
    expect(on.stderr).toBe('');
    expect(JSON.parse(on.stdout).subscriber).toMatchObject({ status: 'active', starts_on: today });
    const invoices = await h.core!.db('invoices').where({ subscriber_id: s.id });
    expect(invoices.map((i) => [i.kind, i.issued_on, i.period_start])).toEqual([['cycle', today, today]]);
    const again = await runCli(h, ['subscribers', 'activate', 'mila']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/active; it cannot be activated/);

    const bad = await runCli(h, [...base('nora'), '--opening-balance', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/opening_balance/);
  }, 120_000);

  it('asks before an opening balance above six months of the fee: refused without --yes, added with it', async () => {
    const typo = await runCli(h, [...base('typo'), '--opening-balance', '50000']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      '₱50,000.00 brought forward is 50 months of HOME10 (₱999.00 a month): a typo? Check it, or add --yes if it is right. (CONFIRM_REQUIRED)',
    );
    expect(await h.core!.db('subscribers').where({ username: 'typo' })).toEqual([]);
    const meant = await runCli(h, [...base('typo'), '--opening-balance', '50000', '--yes', '--json']);
    expect(meant.code).toBe(0);
    expect(JSON.parse(meant.stdout).subscriber).toMatchObject({ opening_balance: 50_000 });
  });
});
