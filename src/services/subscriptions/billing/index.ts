/**
 * Billing, the one room of a subscriber's money: invoices (the first at creation, a plan change's, the billing run
 * and its catch-up), payments at the counter and online, their voids, credit, suspension for an unpaid invoice and
 * its lifting, the owner's billing reports and settings. Composed here for src/core.ts: what billing gives the
 * subscribers room (its hooks: subscribers import nothing of billing's), what it builds on them once they exist,
 * and the subscriber's bill paid through the payments service's neutral gateway. See README.md.
 */
import type { ShopDeps } from '../../deps';
import type { BillingHooks, SubscriberService } from '../subscribers/types';
import { billPayments } from './bill-payment';
import { createInvoiceService } from './invoices';
import { balancesOf } from './payments';
import { createBillingReports } from './reports';
import { createSuspensionEnforcer } from './suspension';

export { billingJob, billingPart } from './schedule';

/** Billing's services, built before the subscribers room; `onSubscribers` finishes it once that room exists. */
export function createBilling(deps: Pick<ShopDeps, 'db' | 'clock' | 'config' | 'audit' | 'log'>) {
  const invoices = createInvoiceService(deps);
  const hooks: BillingHooks = {
    afterCreate: (trx, s) => invoices.issueFirst(trx, s).then(() => undefined),
    afterActivate: (trx, s) => invoices.issueFirst(trx, s).then(() => undefined),
    afterPlanChange: (trx, c) => invoices.planChanged(trx, c).then(() => undefined),
    pastDue: (id) => invoices.pastDue(id),
    balances: (ids) => balancesOf(deps.db, ids),
  };
  return {
    invoices,
    /** What a subscriber's changes tell billing (the subscriber service's `billing`). */
    hooks,
    /** A subscriber's bill paid online, for the payments service (its `bills`). */
    bills: (shop: ShopDeps) => billPayments(shop, invoices),
    onSubscribers(subscribers: SubscriberService) {
      return {
        // Billing's suspensions: after each billing run, and at once after a payment or a void.
        suspensions: createSuspensionEnforcer({ ...deps, subscribers, invoices }),
        billingReports: createBillingReports({ ...deps, subscribers }),
      };
    },
  };
}
