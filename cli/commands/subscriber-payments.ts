/**
 * `pisonet subscribers payments` and `pisonet subscribers void-payment`: a subscriber's payments from the
 * terminal (voided ones and their reversals marked), and the owner's correction of one (money that never came:
 * cash not in the drawer, a transfer that bounced), on the same invoice service as
 * `POST /admin/api/subscribers/:id/payments/:paymentId/void` (the same reason's bounds, errors and audit).
 * --json prints the API's shapes.
 */
import { parseCommand, usageError, type OptionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { formatMoney } from '../../src/domain/units';
import { paymentsJson, paymentVoidJson } from '../../src/services/subscriptions/billing/json';
import type { PaymentView } from '../../src/services/subscriptions/billing/payments';
import type { SubscriberView } from '../../src/services/subscriptions/subscribers/types';
import type { Core } from '../../src/core';
import { CommandDef, print, printJson, withCore } from './shared';

const PAYMENTS = `Usage: pisonet subscribers payments ID|USERNAME [--json]

A subscriber's payments, oldest first: #No. (its receipt's number, what void-payment takes), when, amount,
method, reference, who took it and the invoices it paid; a voided one with who voided it, when and why, a void's
reversal entry as "void of #N". Then its credit and what it owes.`;

const VOID = `Usage: pisonet subscribers void-payment ID|USERNAME PAYMENT_ID --reason TEXT [--json]

Voids a payment whose money never came (cash not in the drawer, a transfer that bounced): a reversal entry of
the opposite amount is written, never an edit; the invoices it paid are owed again and the credit it left is
taken back. PAYMENT_ID is the payment's number (#N in subscribers payments, No. on its receipt). --reason:
why, 3-200 characters on one line, kept with your name. A payment voided already, or a void's own entry, is
refused. The owner's correction, as in the admin (the subscriber's page) and the API.`;

/** One payment as `subscribers payments` prints it: a line, and a second one when it was voided. */
function paymentLines(p: PaymentView): string[] {
  const ref = p.reference ? ` ref ${p.reference}` : '';
  const paid = p.allocations.map((a) => `${a.invoice} ${formatMoney(a.amount)}`);
  const into = [p.reverses ? `void of #${p.reverses}` : '', ...paid].filter(Boolean).join(', ') || 'credit';
  const line = `#${p.id}  ${new Date(p.at).toISOString()}  ${formatMoney(p.amount)} ${p.method}${ref} by ${p.actor}: ${into}`;
  if (!p.voided) return [line];
  const v = p.voided;
  return [
    line,
    `    VOIDED ${new Date(v.at).toISOString()} by ${v.by}: ${v.reason} (reversal #${v.reversalId})`,
  ];
}

type Values = Record<string, string | boolean | undefined>;

/** A command on one subscriber (named first): its arguments parsed, the core open, the subscriber found. */
function onSubscriber(
  usage: string,
  options: OptionSpec,
  count: number,
  fn: (core: Core, s: SubscriberView, values: Values, rest: string[]) => Promise<number>,
): CommandDef['run'] {
  return async (args) => {
    const spec: OptionSpec = { ...options, json: { type: 'boolean' } };
    const { values, positionals } = parseCommand(args, spec, usage, count);
    return withCore(async (core) =>
      fn(core, await core.services.subscribers.get(positionals[0]), values, positionals.slice(1)),
    );
  };
}

const payments: CommandDef = {
  name: 'subscribers payments',
  summary: "a subscriber's payments, voided ones marked, with its credit and what it owes",
  usage: PAYMENTS,
  run: onSubscriber(PAYMENTS, {}, 1, async (core, s, values) => {
    const list = await core.services.invoices.payments(s.id);
    if (values.json) printJson(paymentsJson(list), { api: true });
    else {
      for (const line of list.payments.flatMap(paymentLines)) print(line);
      if (!list.payments.length) print('No payment yet.');
      print(`${s.accountNo} ${s.name}: credit ${formatMoney(list.credit)}, owed ${formatMoney(list.owed)}`);
    }
    return 0;
  }),
};

/** PAYMENT_ID as typed: a payment's number, else a usage error (a typo never voids another payment). */
function paymentIdOf(raw: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(raw) || !Number.isSafeInteger(Number(raw)))
    throw usageError(`PAYMENT_ID must be a payment's number, like 12 (not "${raw}")`, VOID);
  return Number(raw);
}

const voidPayment: CommandDef = {
  name: 'subscribers void-payment',
  summary: "void a subscriber's payment whose money never came (a reversal entry, with a reason)",
  usage: VOID,
  run: onSubscriber(VOID, { reason: { type: 'string' } }, 2, async (core, s, values, [id]) => {
    const out = await core.services.invoices.voidPayment(s.id, paymentIdOf(id), values.reason, cliActor());
    if (values.json) {
      printJson(paymentVoidJson(out), { api: true });
      return 0;
    }
    const p = out.payment;
    print(`Payment #${p.id}: ${formatMoney(p.amount)} ${p.method} voided (reversal #${out.reversal.id}).`);
    for (const a of out.reversal.allocations)
      print(`  ${a.invoice}  ${formatMoney(-a.amount).padStart(12)} owed again`);
    print(`  credit: ${formatMoney(out.credit)}`);
    print(`  owed:   ${formatMoney(out.owed)}`);
    return 0;
  }),
};

export const subscriberPaymentCommands: CommandDef[] = [payments, voidPayment];
