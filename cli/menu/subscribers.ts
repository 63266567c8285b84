/**
 * Subscribers and billing in the terminal menu: the subscribers, their invoices, one invoice, a payment at the
 * counter and the billing run, on the same services as the admin and `pisonet subscribers|invoices|billing`.
 * A payment above what is owed is asked about first, as in the admin.
 */
import { randomUUID } from 'node:crypto';
import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { formatMoney, parsePrice } from '../../src/domain/units';
import {
  PAYMENT_METHODS,
  AboveOwedError,
  SameReferenceError,
} from '../../src/services/subscriptions/billing/payments';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { invoiceTable, printInvoice, printOutcome } from '../commands/invoices';
import { subscriberTable } from '../commands/subscribers';
import { ask, askOptional, confirmed, menuLoop, say } from './prompts';

async function listSubscribers(core: Core): Promise<void> {
  const all = await core.services.subscribers.list();
  say(all.length ? subscriberTable(all) : out.dim('No subscribers yet: pisonet subscribers add --help'));
}

async function listInvoices(core: Core): Promise<void> {
  const status = await select<string | undefined>({
    message: 'Which invoices?',
    choices: [
      { name: 'Open (still owed)', value: 'open' },
      { name: 'Paid', value: 'paid' },
      { name: 'Void', value: 'void' },
      { name: 'All', value: undefined },
    ],
  });
  const list = await core.services.invoices.list({ status });
  say(list.length ? invoiceTable(list) : out.dim('No invoices.'));
}

async function showInvoice(core: Core): Promise<void> {
  await printInvoice(core, await ask('Invoice number (e.g. INV-000001):', (v) => v.trim()), false);
}

async function pay(core: Core): Promise<void> {
  const active = (await core.services.subscribers.list()).filter((s) => s.status !== 'ended');
  if (!active.length) {
    say(out.dim('No subscribers yet.'));
    return;
  }
  const id = await select({
    message: 'Payment for which subscriber?',
    choices: active.map((s) => ({
      name: `${s.accountNo}  ${s.name}  owes ${formatMoney(s.owed)}${s.credit ? `, credit ${formatMoney(s.credit)}` : ''}`,
      value: s.id,
    })),
  });
  const s = active.find((x) => x.id === id)!;
  const amount = await ask('Amount in pesos:', (v) => parsePrice(v, 'amount'), {
    default: s.owed ? (s.owed / 100).toFixed(2) : undefined,
  });
  const method = await select({
    message: 'Method:',
    choices: PAYMENT_METHODS.map((m) => ({ name: m, value: m })),
  });
  const reference = await askOptional('Reference:', 'Reference (optional, Enter: none):', '');
  const input = { amount: (amount / 100).toFixed(2), method, reference: reference || undefined };
  const o = { idempotencyKey: randomUUID(), actor: cliActor() };
  try {
    printOutcome(await core.services.invoices.pay(s.id, input, o));
  } catch (e) {
    if (!(e instanceof AboveOwedError || e instanceof SameReferenceError)) throw e;
    const credit = formatMoney(e.amount - e.owed);
    const question =
      e instanceof SameReferenceError
        ? e.question
        : `${formatMoney(e.amount)} is more than the ${formatMoney(e.owed)} owed; record ${credit} as credit?`;
    if (!(await confirmed(question, out.dim('Nothing recorded.')))) return;
    printOutcome(await core.services.invoices.pay(s.id, { ...input, confirm: true }, o));
  }
}

async function billingRun(core: Core): Promise<void> {
  const { issued } = await core.services.invoices.run();
  say(
    issued.length
      ? out.green(`Issued ${issued.length}: ${issued.join(', ')}.`)
      : out.dim('Nothing was due: no invoice issued.'),
  );
}

export function subscribersMenu(core: Core): Promise<void> {
  return menuLoop('Subscribers and billing', [
    { key: '1', name: 'Subscribers', run: () => listSubscribers(core) },
    { key: '2', name: 'Invoices', run: () => listInvoices(core) },
    { key: '3', name: 'Show an invoice', run: () => showInvoice(core) },
    { key: '4', name: 'Record a payment', run: () => pay(core) },
    { key: '5', name: 'Billing run (issue what is due now)', run: () => billingRun(core) },
  ]);
}
