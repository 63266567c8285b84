/**
 * `pisonet settings billing`: monthly billing's settings from the terminal (the admin's Settings → "Monthly billing",
 * PUT /admin/api/billing/settings): the days to pay, the grace days, the reminder days and the invoice prefix. The
 * service owns the bounds and checks every given option first: a refusal prints every problem, nothing saved.
 */
import { out } from '../lib/ansi';
import { givenOptions, parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { CommandDef, print, printJson, withCore } from './shared';
import {
  BILLING_DAY_BOUNDS,
  BILLING_SETTING_FIELDS,
  type BillingSettingField,
} from '../../src/services/subscriptions/billing/settings';

const OPTION: Record<BillingSettingField, string> = {
  due_days: 'due-days',
  grace_days: 'grace-days',
  remind_days: 'remind-days',
  invoice_prefix: 'invoice-prefix',
};

const USAGE = `Usage: pisonet settings billing [--due-days N] [--grace-days N] [--remind-days N]
                                [--invoice-prefix P] [--json]

Monthly billing's settings. .env sets them first (BILLING_DUE_DAYS, BILLING_GRACE_DAYS, BILLING_REMIND_DAYS,
INVOICE_PREFIX); a value set here wins from the next invoice, and reaches the running server at its next poll. An
empty value ("") goes back to .env's. Without options it shows them. Every option is checked before anything is
saved; every problem is printed.

  --due-days N          days to pay an invoice after it is issued: 0 to ${BILLING_DAY_BOUNDS.due_days}
  --grace-days N        days after the due date before an unpaid subscriber is suspended: 0 to ${BILLING_DAY_BOUNDS.grace_days}
  --remind-days N       the SMS reminder this many days before the due date: 0 to ${BILLING_DAY_BOUNDS.remind_days},
                        fewer than the days to pay
  --invoice-prefix P    before the six digits of each new number, e.g. INV- or OR2027-`;

export const billingSettingsCommand: CommandDef = {
  name: 'settings billing',
  summary: 'show or set the days to pay, grace and reminder days, and the invoice prefix',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(OPTION, ['json']), USAGE);
    const input = givenOptions(values, OPTION);
    return withCore(async (core) => {
      const billing = core.services.billingSettings;
      const changed = Object.keys(input).length ? await billing.update(input, cliActor()) : [];
      const view = await billing.view();
      if (values.json) {
        // As GET/PUT /admin/api/billing/settings answer (without `success`).
        printJson({ changed, settings: view });
        return 0;
      }
      for (const f of BILLING_SETTING_FIELDS) {
        const from = view.overridden.includes(f) ? 'set here' : 'from .env';
        const line = `${OPTION[f].padEnd(16)} ${view.effective[f]}  (${from})`;
        print(changed.includes(f) ? out.green(line) : line);
      }
      if (changed.length) print('Saved; the next invoice uses it (the running server at its next poll).');
      return 0;
    });
  },
};
