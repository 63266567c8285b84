/**
 * `pisonet invoices list|show`, `pisonet subscribers pay` and `pisonet billing run`: subscribers' invoices and the
 * counter's payments from the terminal, on the same invoice service as the admin API (the same bounds, errors
 * and audit). --json prints the API's shapes in camelCase, money in pesos with `…Centavos` beside it.
 */
import { randomUUID } from 'node:crypto';
import { confirmed } from '../lib/ask';
import { formatMoney } from '../../src/domain/units';
import { AppError } from '../../src/domain/errors';
import { invoiceJson, type InvoiceView } from '../../src/services/subscriptions/billing/invoices';
import { runBilling } from '../../src/services/subscriptions/billing/schedule';
import { paymentJson, paymentOutcomeJson } from '../../src/services/subscriptions/billing/json';
import {
  AboveOwedError,
  SameReferenceError,
  type PaymentOutcome,
} from '../../src/services/subscriptions/billing/payments';
import { parseCommand, optionSpec, YES_OPTION } from '../lib/args';
import { cliActor } from '../lib/context';
import { table } from '../lib/table';
import type { Core } from '../../src/core';
import { CommandDef, print, printJson, withCore } from './shared';

const LIST = `Usage: pisonet invoices list [--status open|paid|void] [--subscriber ID|USERNAME] [--json]

Subscribers' invoices, oldest first: number, subscriber, period, due date, amount, what is still due, status.`;

const SHOW = `Usage: pisonet invoices show NUMBER [--json]

One invoice: its lines, the credit applied, what was paid and by which payments, what is due, a void's reason.`;

const PAY = `Usage: pisonet subscribers pay ID|USERNAME AMOUNT [--method cash|gcash|maya|bank|other] [--reference TEXT]
                              [--yes] [--json]

Records money received for a subscriber (AMOUNT in pesos, e.g. 999 or 999.50; --method default cash): paid into
its oldest open invoices first, the rest kept as credit for the next invoice. An amount above what is owed asks
first unless --yes (without a terminal, --yes is required for it). Prints where the money went, the credit and
what is still owed.`;

const RUN = `Usage: pisonet billing run [--json]

Issues now every invoice that is due by today (what the server does at midnight and at start). Running it again
issues nothing: each invoice is issued once.`;

export function invoiceTable(list: InvoiceView[]): string {
  return table(list, [
    { header: 'NUMBER', get: (v) => v.number },
    { header: 'ACCOUNT', get: (v) => v.accountNo },
    { header: 'NAME', get: (v) => v.subscriberName, shrink: true },
    { header: 'PERIOD', get: (v) => `${v.periodStart}..${v.periodEnd}` },
    { header: 'DUE ON', get: (v) => v.dueOn },
    { header: 'AMOUNT', get: (v) => formatMoney(v.amount), align: 'right' },
    { header: 'DUE', get: (v) => formatMoney(v.due), align: 'right' },
    { header: 'STATUS', get: (v) => v.status },
  ]);
}

const list: CommandDef = {
  name: 'invoices list',
  summary: "subscribers' invoices, by status or subscriber",
  usage: LIST,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['status', 'subscriber'], ['json']), LIST);
    return withCore(async (core) => {
      const who =
        values.subscriber === undefined
          ? undefined
          : (await core.services.subscribers.get(String(values.subscriber))).id;
      const all = await core.services.invoices.list({ status: values.status, subscriberId: who });
      if (values.json) printJson({ invoices: all.map(invoiceJson) }, { api: true });
      else if (!all.length) print('No invoices.');
      else print(invoiceTable(all));
      return 0;
    });
  },
};

/** One invoice as `invoices show` prints it (the menu's too). */
export async function printInvoice(core: Core, number: string, json: boolean): Promise<void> {
  const v = await core.services.invoices.get(number);
  const { payments } = await core.services.invoices.payments(v.subscriberId);
  const paidBy = payments.filter((p) => p.allocations.some((a) => a.invoice === v.number));
  if (json) {
    printJson({ invoice: invoiceJson(v), payments: paidBy.map(paymentJson) }, { api: true });
    return;
  }
  print(`${v.number}: ${v.status}, ${v.accountNo} ${v.subscriberName}`);
  print(`  period:  ${v.periodStart} to ${v.periodEnd}; issued ${v.issuedOn}, due ${v.dueOn}`);
  for (const l of v.lines) print(`  ${formatMoney(l.amount).padStart(12)}  ${l.description}`);
  print(`  amount:  ${formatMoney(v.amount)}`);
  if (v.creditApplied) print(`  credit:  ${formatMoney(v.creditApplied)} applied`);
  print(`  paid:    ${formatMoney(v.paid)}`);
  print(`  due:     ${formatMoney(v.due)}`);
  for (const p of paidBy) {
    const part = p.allocations.find((a) => a.invoice === v.number)!.amount;
    const ref = p.reference ? ` ref ${p.reference}` : '';
    print(
      `  payment #${p.id}: ${formatMoney(part)} of ${formatMoney(p.amount)} ${p.method}${ref} by ${p.actor}, ${new Date(p.at).toISOString()}`,
    );
  }
  if (v.voided)
    print(`  void:    ${v.voided.reason} (by ${v.voided.by}, ${new Date(v.voided.at).toISOString()})`);
}

const show: CommandDef = {
  name: 'invoices show',
  summary: 'one invoice: lines, credit, paid, due',
  usage: SHOW,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, SHOW, 1);
    return withCore(async (core) => {
      await printInvoice(core, positionals[0], values.json === true);
      return 0;
    });
  },
};

export function printOutcome(out: PaymentOutcome): void {
  const p = out.payment;
  print(
    `Payment #${p.id}: ${formatMoney(p.amount)} ${p.method}${p.reference ? ` ref ${p.reference}` : ''} recorded.`,
  );
  for (const a of p.allocations) print(`  ${a.invoice}  ${formatMoney(a.amount).padStart(12)}`);
  if (!p.allocations.length) print('  nothing was owed: all of it is credit');
  print(`  credit: ${formatMoney(out.credit)}`);
  print(`  owed:   ${formatMoney(out.owed)}`);
}

const pay: CommandDef = {
  name: 'subscribers pay',
  summary: "record a subscriber's payment (cash at the counter, GCash, ...)",
  usage: PAY,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { ...optionSpec(['method', 'reference'], ['json']), ...YES_OPTION },
      PAY,
      2,
    );
    return withCore(async (core) => {
      const s = await core.services.subscribers.get(positionals[0]);
      const input = { amount: positionals[1], method: values.method ?? 'cash', reference: values.reference };
      // One key for this command: the question's second try records once.
      const o = { idempotencyKey: randomUUID(), actor: cliActor() };
      let out: PaymentOutcome;
      try {
        out = await core.services.invoices.pay(s.id, { ...input, confirm: values.yes === true }, o);
      } catch (e) {
        if (!(e instanceof AboveOwedError || e instanceof SameReferenceError)) throw e;
        if (!process.stdin.isTTY || values.json)
          throw new AppError(
            'CONFIRM_REQUIRED',
            e.message.replace(/confirm it\.$/, 'add --yes to record it.'),
            409,
          );
        const yes = await confirmed(
          e instanceof SameReferenceError
            ? `${s.accountNo} (${s.name}): ${e.question}`
            : `${formatMoney(e.amount)} is more than the ${formatMoney(e.owed)} owed by ${s.accountNo} (${s.name}); record ${formatMoney(e.amount - e.owed)} as credit?`,
          'Nothing recorded.',
        );
        if (!yes) return 1;
        out = await core.services.invoices.pay(s.id, { ...input, confirm: true }, o);
      }
      if (values.json) printJson(paymentOutcomeJson(out), { api: true });
      else printOutcome(out);
      return 0;
    });
  },
};

const run: CommandDef = {
  name: 'billing run',
  summary: 'issue the invoices due by today (idempotent)',
  usage: RUN,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, RUN);
    return withCore(async (core) => {
      const { subscribers, invoices, suspensions } = core.services;
      const { issued } = await runBilling({ subscribers, invoices, suspensions, log: core.log });
      if (values.json) printJson({ issued });
      else if (!issued.length) print('Nothing was due: no invoice issued.');
      else print(`Issued ${issued.length} invoice${issued.length === 1 ? '' : 's'}: ${issued.join(', ')}.`);
      return 0;
    });
  },
};

export const invoiceCommands: CommandDef[] = [pay, list, show, run];
