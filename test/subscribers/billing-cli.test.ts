/**
 * Billing from the terminal: `pisonet invoices list|show`, `pisonet subscribers pay` (above what is owed refused
 * without --yes, with the API's code; the allocations, credit and owed printed), `pisonet billing run` (what is
 * due now, then nothing on a second run), the same errors as the API; and the menu's "Subscribers and billing"
 * in a real terminal, a payment above what is owed asked about first.
 */
import { cliEnv, runCli, TmuxCli } from '../cli/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  // 2026-11-21: Juan (billing day 5) gets INV-000001, ₱466.20, for 2026-11-21 to 2026-12-04.
  await addSubscriber(h);
});
afterAll(async () => {
  await h.close();
});

const payments = () => h.core!.db('subscriber_payments').select();

test('invoices list and show, as a table and as JSON', async () => {
  const list = await runCli(h, ['invoices', 'list', '--status', 'open']);
  expect(list.stderr).toBe('');
  expect(list.stdout).toMatch(
    /INV-000001\s+S-000001\s+Juan[^\n]*?2026-11-21\.\.2026-12-04\s+2026-11-28\s+₱466\.20\s+₱466\.20\s+open/,
  );
  const json = JSON.parse(
    (await runCli(h, ['invoices', 'list', '--subscriber', 'juan.dc', '--json'])).stdout,
  );
  expect(json.invoices[0]).toMatchObject({
    number: 'INV-000001',
    amount: 466.2,
    amount_centavos: 46620,
    status: 'open',
  });
  expect((await runCli(h, ['invoices', 'list', '--status', 'paid'])).stdout).toContain('No invoices.');
  const bad = await runCli(h, ['invoices', 'list', '--status', 'late', '--json']);
  expect(bad.code).toBe(2);
  expect(JSON.parse(bad.stdout).error.code).toBe('INVALID_INPUT');
  expect(bad.stderr).toContain('must be one of open, paid, void');
  const shown = await runCli(h, ['invoices', 'show', 'inv-000001']);
  expect(shown.stdout).toContain('INV-000001: open, S-000001 Juan dela Cruz');
  expect(shown.stdout).toMatch(/₱466\.20\s+HOME10, 2026-11-21 to 2026-12-04 \(14 of 30 days\)/);
  const none = await runCli(h, ['invoices', 'show', 'INV-999999']);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('No such invoice (INVOICE_NOT_FOUND)');
}, 60000);

test('subscribers pay: bad input refused as the API refuses it; above what is owed needs --yes', async () => {
  for (const [amount, method, msg] of [
    ['0', 'cash', /amount: must be more than ₱0\.00/],
    ['-5', 'cash', /amount/],
    ['abc', 'cash', /amount: must be an amount in pesos/],
    ['100', 'barter', /method: must be one of cash, gcash, maya, bank, other/],
  ] as const) {
    const r = await runCli(h, ['subscribers', 'pay', 'juan.dc', amount, '--method', method]);
    expect({ amount, code: r.code }).toEqual({ amount, code: 2 });
    expect(r.stderr).toMatch(msg);
  }
  const above = await runCli(h, ['subscribers', 'pay', '1', '500', '--json']);
  expect(above.code).toBe(1);
  expect(JSON.parse(above.stdout).error).toEqual({
    code: 'CONFIRM_REQUIRED',
    message:
      '₱500.00 is more than the ₱466.20 owed; the rest would be kept as credit. Check the amount, or add --yes to record it.',
  });
  expect(await payments()).toHaveLength(0);

  const part = await runCli(h, [
    'subscribers',
    'pay',
    'juan.dc',
    '200',
    '--method',
    'gcash',
    '--reference',
    'GC-1',
  ]);
  expect(part.stderr).toBe('');
  expect(part.stdout).toMatch(
    /Payment #1: ₱200\.00 gcash ref GC-1 recorded\.\n\s+INV-000001\s+₱200\.00\n\s+credit: ₱0\.00\n\s+owed:\s+₱266\.20/,
  );
  const rest = JSON.parse(
    (await runCli(h, ['subscribers', 'pay', 'juan.dc', '300', '--yes', '--json'])).stdout,
  );
  expect(rest).toMatchObject({
    payment: { amount: 300, amount_centavos: 30000, method: 'cash', actor: expect.any(String) },
    allocations: [{ invoice: 'INV-000001', amount: 266.2, amount_centavos: 26620 }],
    credit: 33.8,
    credit_centavos: 3380,
    owed: 0,
    owed_centavos: 0,
  });
  expect(await payments()).toHaveLength(2);
  const audit = await h.core!.db('audit_log').where({ action: 'subscriber.payment' });
  expect(audit).toHaveLength(2);
  const paid = await runCli(h, ['invoices', 'show', 'INV-000001']);
  expect(paid.stdout).toMatch(/payment #1: ₱200\.00 of ₱200\.00 gcash ref GC-1/);
  expect(paid.stdout).toMatch(/payment #2: ₱266\.20 of ₱300\.00 cash/);
}, 120000);

test('billing run issues what is due now, then nothing; the credit goes to the new invoice', async () => {
  // The terminal's own clock on Juan's billing day (as CLOCK_START sets a demo's).
  const env = { CLOCK_START: '2026-12-05T00:30:00+08:00' };
  const first = await runCli(h, ['billing', 'run'], { env });
  expect(first.stderr).toBe('');
  expect(first.stdout).toContain('Issued 1 invoice: INV-000002.');
  const again = await runCli(h, ['billing', 'run', '--json'], { env });
  expect(JSON.parse(again.stdout)).toEqual({ issued: [] });
  expect((await runCli(h, ['billing', 'run'], { env })).stdout).toContain(
    'Nothing was due: no invoice issued.',
  );
  const inv = await h.core!.services.invoices.get('INV-000002');
  expect(inv).toMatchObject({
    periodStart: '2026-12-05',
    periodEnd: '2027-01-04',
    amount: 99900,
    creditApplied: 3380,
  });
}, 60000);

test('the menu: Subscribers and billing lists the invoices and asks before keeping credit', async () => {
  const tmux = new TmuxCli();
  try {
    tmux.start(cliEnv(h), { width: 120 });
    await tmux.waitFor('Main menu');
    await tmux.step(['s', 'Enter'], 'Subscribers and billing');
    await tmux.step(['2', 'Enter'], 'Which invoices?');
    const open = await tmux.step(['Enter'], 'INV-000002');
    expect(open).toMatch(/INV-000002\s+S-000001\s+Juan/);
    await tmux.step(['4', 'Enter'], 'Payment for which subscriber?');
    await tmux.step(['Enter'], 'Amount in pesos:');
    await tmux.step([...Array<string>(8).fill('BSpace'), '1000', 'Enter'], 'Method:');
    await tmux.step(['Enter'], 'Reference');
    const asked = await tmux.step(['Enter'], 'as credit?');
    expect(asked).toContain('₱1,000.00 is more than the ₱965.20 owed; record ₱34.80 as credit?');
    const done = await tmux.step(['y', 'Enter'], 'owed:');
    expect(done).toMatch(/Payment #3: ₱1,000\.00 cash recorded\.\s+INV-000002\s+₱965\.20\s+credit: ₱34\.80/);
    await tmux.step(['5', 'Enter'], 'Nothing was due');
    expect(await payments()).toHaveLength(3);
  } finally {
    tmux.kill();
  }
}, 90000);
