/**
 * Monthly billing's settings the owner changes in the admin: the days to pay an invoice, the grace days before
 * an unpaid subscriber is suspended, the days before the due date the reminder goes, and the invoice numbers'
 * prefix. `.env` gives the defaults (BILLING_DUE_DAYS, BILLING_GRACE_DAYS, BILLING_REMIND_DAYS, INVOICE_PREFIX);
 * a value saved here overrides it until it is reset (''). The effective values live in `config.billing`, which
 * the invoice service, the reminders and the suspensions read at the moment they use them: this service is the
 * only writer of those four fields after start, so a change applies to the next invoice without a restart. A
 * change made in another process reaches the server at its next poll (`refresh`). The bounds live here, so the
 * admin page, the API and the terminal refuse the same values.
 */
import type { AppConfig } from '../../../config/env';
// The invoice number's prefix as .env takes it, and as an invoice number starts (src/services/subscriptions/billing/index.ts).
import { BILLING_DAYS_MAX, INVOICE_PREFIX } from '../../../config/env-billing';
import { ErrorCollector } from '../../../domain/error-collector';
import { ValidationError } from '../../../domain/errors';
import { matching } from '../../../domain/setting-fields';
import type { Actor } from '../../business/audit/actor';
import type { SettingsService } from '../../business/settings/types';
import {
  overridesRoom,
  parseGiven,
  type OverridesService,
  type OverridesView,
} from '../../business/settings/overrides';

export const BILLING_SETTING_FIELDS = ['due_days', 'grace_days', 'remind_days', 'invoice_prefix'] as const;
export type BillingSettingField = (typeof BILLING_SETTING_FIELDS)[number];

export interface BillingSettingValues {
  due_days: number;
  grace_days: number;
  remind_days: number;
  invoice_prefix: string;
}

export type BillingSettingsView = OverridesView<BillingSettingField, BillingSettingValues>;

/** `refresh` reads the owner's values into `config.billing` (at start, and at each poll of the server). */
export interface BillingSettingsService extends OverridesService<BillingSettingField, BillingSettingValues> {
  /**
   * Checks every given field (all problems at once, each naming its field), then saves the changed ones (each
   * audited `settings.set`) and applies them at once; '' resets a field to `.env`. Returns the changed fields.
   */
  update(input: Partial<Record<BillingSettingField, unknown>>, actor: Actor): Promise<BillingSettingField[]>;
}

/** The most days each may be: the same as in .env. */
export const BILLING_DAY_BOUNDS = {
  due_days: BILLING_DAYS_MAX.dueDays,
  grace_days: BILLING_DAYS_MAX.graceDays,
  remind_days: BILLING_DAYS_MAX.remindDays,
} as const;

const KEY_PREFIX = 'billing.';

const DAY_WORDS: Record<keyof typeof BILLING_DAY_BOUNDS, string> = {
  due_days: 'days to pay',
  grace_days: 'grace days',
  remind_days: 'reminder days',
};

function days(field: keyof typeof BILLING_DAY_BOUNDS, v: unknown): number | '' {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : null;
  if (s === '') return '';
  const max = BILLING_DAY_BOUNDS[field];
  if (s === null || !/^\d{1,3}$/.test(s) || Number(s) > max)
    throw ValidationError.invalid(
      field,
      v,
      `a number of ${DAY_WORDS[field]}`,
      `use a whole number from 0 to ${max}`,
    );
  return Number(s);
}

function prefix(v: unknown): string {
  if (typeof v !== 'string') throw ValidationError.invalid('invoice_prefix', v, 'text', 'send a string');
  const s = v.trim().toUpperCase();
  return matching(
    s,
    v,
    'invoice_prefix',
    INVOICE_PREFIX,
    'an invoice prefix',
    'use 1 to 10 letters, digits or dashes, starting with a letter or digit, e.g. INV- or OR2027-',
  );
}

const parsers: Record<BillingSettingField, (v: unknown) => number | string> = {
  due_days: (v) => days('due_days', v),
  grace_days: (v) => days('grace_days', v),
  remind_days: (v) => days('remind_days', v),
  invoice_prefix: prefix,
};

function fromConfig(config: AppConfig): BillingSettingValues {
  const b = config.billing;
  return {
    due_days: b.dueDays,
    grace_days: b.graceDays,
    remind_days: b.remindDays,
    invoice_prefix: b.invoicePrefix,
  };
}

function applyTo(config: AppConfig, v: BillingSettingValues): void {
  config.billing.dueDays = v.due_days;
  config.billing.graceDays = v.grace_days;
  config.billing.remindDays = v.remind_days;
  config.billing.invoicePrefix = v.invoice_prefix;
}

/** The reminder that would not come before the due date, under the field the owner changed. */
function reminderProblem(
  after: BillingSettingValues,
  parsed: ReadonlyMap<BillingSettingField, unknown>,
  c: ErrorCollector,
): void {
  // The reminder goes before the due date: fewer days than the days to pay (0 = on the due date itself).
  if (after.remind_days === 0 || after.remind_days < after.due_days) return;
  const field = parsed.has('remind_days') || !parsed.has('due_days') ? 'remind_days' : 'due_days';
  c.add(
    field,
    field === 'remind_days'
      ? `must be fewer than the days to pay (${after.due_days}), or 0 for a reminder on the due date`
      : `must be more than the reminder days (${after.remind_days}); lower those first`,
  );
}

export function createBillingSettings(config: AppConfig, settings: SettingsService): BillingSettingsService {
  const room = overridesRoom(settings, {
    fields: BILLING_SETTING_FIELDS,
    key: (f: BillingSettingField) => KEY_PREFIX + f,
    parsers,
    empty: (v) => v === '',
    env: fromConfig(config),
    applyTo: (v: BillingSettingValues) => applyTo(config, v),
  });
  return {
    view: room.view,
    refresh: room.refresh,
    async update(input, actor) {
      const c = new ErrorCollector();
      for (const k of Object.keys(input))
        if (!(BILLING_SETTING_FIELDS as readonly string[]).includes(k))
          c.add(k, `not a billing setting; they are ${BILLING_SETTING_FIELDS.join(', ')}`);
      const parsed = parseGiven(c, BILLING_SETTING_FIELDS, input, parsers);
      return room.save(parsed, actor, (after) => {
        // The reminder against the days to pay, unless one of them is already refused: every problem at once.
        const refused = new Set(c.errors.map((e) => e.field));
        if (!refused.has('due_days') && !refused.has('remind_days')) reminderProblem(after, parsed, c);
        c.throwIfAny('Billing settings not saved');
      });
    },
  };
}
