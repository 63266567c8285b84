/**
 * A payment voided from the terminal: `pisonet subscribers payments` lists them (the No. to void, a voided one
 * and its reversal marked), `pisonet subscribers void-payment` voids one with a reason as the API does (the
 * invoice owed again, the API's JSON), and bad input is refused clearly with a non-zero exit, nothing written.
 */
import { runCli, type RunResult } from '../cli/helpers';
import { createHarness, type Harness } from '../helpers/harness';
import { addSubscriber, PROFILES } from './helpers';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ http: true, profiles: PROFILES });
  await addSubscriber(h); // INV-000001: ₱466.20
  const cashier = { name: 'cashier1', via: 'admin' as const };
  await h.core!.services.invoices.pay(
    1,
    { amount: '200', method: 'gcash', reference: 'GC-1' },
    { actor: cashier },
  );
});
afterAll(async () => {
  await h.close();
});

const voids = () => h.core!.db('subscriber_payment_voids').select();
/** `pisonet subscribers void-payment WHO PAYMENT_ID --reason REASON [more…]`. */
const voidCli = (who: string, payment: string, reason: string, ...more: string[]) =>
  runCli(h, ['subscribers', 'void-payment', who, payment, '--reason', reason, ...more]);

/** Refused: the exit code, the error as JSON on stdout and on stderr. */
async function refused(run: Promise<RunResult>, exit: number, error: { code: string; message?: string }) {
  const r = await run;
  expect({ exit: r.code, error: JSON.parse(r.stdout).error }).toMatchObject({ exit, error });
  expect(r.stderr).toContain(`(${error.code})`);
}

test('bad input: a clear error, a non-zero exit, nothing voided', async () => {
  await refused(runCli(h, ['subscribers', 'void-payment', 'juan.dc', '1', '--json']), 2, {
    code: 'INVALID_INPUT',
    message: 'reason: say why, in 3 to 200 characters on one line',
  });
  await refused(voidCli('juan.dc', '1', 'no', '--json'), 2, { code: 'INVALID_INPUT' });
  await refused(voidCli('juan.dc', '1x', 'bounced', '--json'), 2, {
    code: 'USAGE',
    message: 'PAYMENT_ID must be a payment\'s number, like 12 (not "1x")',
  });
  await refused(voidCli('juan.dc', '99', 'bounced', '--json'), 1, {
    code: 'PAYMENT_NOT_FOUND',
    message: 'No such payment',
  });
  expect(await voids()).toHaveLength(0);
}, 60000);

test('void-payment voids with a reason, as the API does; payments marks it; a second void is refused', async () => {
  const done = await voidCli('juan.dc', '1', 'GCash transfer bounced');
  expect(done.stderr).toBe('');
  expect(done.code).toBe(0);
  expect(done.stdout).toMatch(
    /Payment #1: ₱200\.00 gcash voided \(reversal #2\)\.\n\s+INV-000001\s+₱200\.00 owed again\n\s+credit: ₱0\.00\n\s+owed:\s+₱466\.20/,
  );
  expect(await voids()).toHaveLength(1);
  const audit = await h.core!.db('audit_log').where({ action: 'subscriber.payment.void' });
  expect(audit).toHaveLength(1);
  expect(audit[0].actor).toMatch(/\(cli\)$/);

  const list = await runCli(h, ['subscribers', 'payments', 'juan.dc']);
  expect(list.stdout).toMatch(
    /^#1 {2}\S+Z {2}₱200\.00 gcash ref GC-1 by cashier1: INV-000001 ₱200\.00\n {4}VOIDED \S+Z by \S+: GCash transfer bounced \(reversal #2\)$/m,
  );
  expect(list.stdout).toMatch(
    /^#2 {2}\S+Z {2}-₱200\.00 gcash ref GC-1 by \S+: void of #1, INV-000001 -₱200\.00$/m,
  );
  expect(list.stdout).toContain('S-000001 Juan dela Cruz: credit ₱0.00, owed ₱466.20');
  const json = JSON.parse((await runCli(h, ['subscribers', 'payments', '1', '--json'])).stdout);
  expect(json).toMatchObject({
    payments: [
      { id: 1, amount_centavos: 20000, void_reason: 'GCash transfer bounced', reverses: null },
      { id: 2, amount_centavos: -20000, reverses: 1 },
    ],
    owed_centavos: 46620,
  });

  await refused(voidCli('1', '1', 'again', '--json'), 1, {
    code: 'PAYMENT_VOIDED',
    message: 'Payment 1 is void already',
  });
  await refused(voidCli('1', '2', 'undo the void', '--json'), 1, { code: 'PAYMENT_NOT_FOUND' });
  expect(await voids()).toHaveLength(1);
}, 60000);

test('--json answers as the API does', async () => {
  await h.core!.services.invoices.pay(
    1,
    { amount: '100', method: 'cash' },
    { actor: { name: 'x', via: 'cli' } },
  );
  const out = await voidCli('juan.dc', '3', 'not in the drawer', '--json');
  expect(out.code).toBe(0);
  expect(JSON.parse(out.stdout)).toMatchObject({
    payment: { id: 3, amount_centavos: 10000, void_reason: 'not in the drawer' },
    reversal: { id: 4, amount_centavos: -10000, reverses: 3, allocations: [{ invoice: 'INV-000001' }] },
    credit_centavos: 0,
    owed: 466.2,
    owed_centavos: 46620,
  });
}, 60000);
