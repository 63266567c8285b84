/**
 * Settings → "Monthly billing": the days to pay, the grace days, the reminder days and the invoice prefix that
 * `.env` sets first, changed here and applied to the next invoice at once. The service owns the bounds
 * (src/services/business/settings/billing.ts); this page passes what was typed.
 */
import type { Request, Response, Router } from 'express';
import type { WebContext } from '../../context';
import { postedFields, saveSection, savedText, type SettingsRender } from './settings-notify';
import {
  BILLING_DAY_BOUNDS,
  BILLING_SETTING_FIELDS,
  type BillingSettingField,
  type BillingSettingsView,
} from '../../../services/subscriptions/billing/settings';
import { actorOf } from './common';

const LABELS: Record<BillingSettingField, string> = {
  due_days: 'days to pay',
  grace_days: 'grace days',
  remind_days: 'reminder days',
  invoice_prefix: 'invoice prefix',
};

/** The form's values: the owner's own ('' where .env's applies). */
export function billingFormValues(view: BillingSettingsView): Record<string, string> {
  const own = (f: BillingSettingField) => (view.overridden.includes(f) ? String(view.effective[f]) : '');
  return Object.fromEntries(BILLING_SETTING_FIELDS.map((f) => [f, own(f)]));
}

/** What the section shows: .env's values, what applies now, the bounds. */
export function billingFormFacts(view: BillingSettingsView) {
  return { env: view.env, effective: view.effective, overridden: view.overridden, max: BILLING_DAY_BOUNDS };
}

/** POST /settings/billing; `render` shows the Settings page again with the typed values and the errors. */
export function billingSettingsRoute(ctx: WebContext, router: Router, render: SettingsRender): void {
  const { billingSettings } = ctx.services;
  router.post('/settings/billing', async (req: Request, res: Response) => {
    const typed = postedFields((req.body ?? {}) as Record<string, unknown>, BILLING_SETTING_FIELDS);
    await saveSection(req, res, render, {
      anchor: 'billing',
      shown: typed,
      notSaved: 'The billing settings were not saved.',
      save: async () =>
        savedText(
          await billingSettings.update(typed, actorOf(req)),
          await billingSettings.view(),
          LABELS,
          'the next invoice uses them, no restart needed.',
        ),
    });
  });
}
