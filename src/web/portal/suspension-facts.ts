/**
 * What a suspended subscriber is told, the same on the suspension page and on its account page: why (billing's
 * reason said from its cause in the reader's language, never the stored English; a reason typed by hand as the
 * shop typed it), whether paying brings the service back (billing's suspension, and one by hand made until paid)
 * or the shop restores it (any other suspension by hand), and the shop's name and mobile to contact.
 */
import { unpaidCause } from '../../domain/billing-suspension';
import { formatMoney } from '../../domain/units';
import { localMobile, shopContact } from '../../services/business/settings/shop-contact';
import type { ShopSettingsService } from '../../services/business/settings/shop-types';
import { registerMessages, type Translator } from '../../i18n';
import type { BillOffer } from '../../services/shop/payments/types';
import { BILL_MIN_AMOUNT } from '../../services/subscriptions/billing/bill-payment';
import type { SubscriberView } from '../../services/subscriptions/subscribers/types';
import en from './suspension.en.json';
import fil from './suspension.fil.json';

registerMessages('en', en);
registerMessages('fil', fil);

/** Whom a suspended customer is told to contact: the shop, with its contact's name when set, and its mobile. */
export async function shopToContact(
  shopSettings: Pick<ShopSettingsService, 'view'>,
  shop: string,
): Promise<{ name: string; mobile: string }> {
  const c = await shopContact(shopSettings);
  return { name: c.name ? `${shop} (${c.name})` : shop, mobile: c.mobile };
}

/** A number kept on one line on a phone's narrow screen (no-break spaces). */
const oneLine = (text: string) => text.replace(/ /g, '\u00a0');

/** Whose suspension it is: billing's (`unpaid`), by hand until paid, or by hand until the shop resumes it. */
type SuspensionKind = 'unpaid' | 'until_paid' | 'manual';

function suspensionKind(s: Pick<SubscriberView, 'suspension' | 'statusReason'>): SuspensionKind {
  if (s.suspension)
    return s.suspension.cause === 'unpaid' ? 'unpaid' : s.suspension.untilPaid ? 'until_paid' : 'manual';
  // No open row (a subscriber suspended before suspensions were recorded): by its reason.
  return unpaidCause(s.statusReason) ? 'unpaid' : 'manual';
}

export function suspensionFacts(
  t: Translator,
  s: Pick<SubscriberView, 'suspension' | 'statusReason'>,
  shop: { name: string; mobile: string },
) {
  const kind = suspensionKind(s);
  const cause = unpaidCause(s.statusReason);
  // Why, in the reader's language (billing's) or as the shop typed it.
  const reason = cause
    ? t.t('suspension.reason_unpaid', { invoice: cause.number, date: cause.dueOn })
    : t.t('suspension.reason_shop', { reason: s.statusReason ?? '' });
  // "Please contact {shop} ({mobile})".
  const contact = shop.mobile
    ? t.t('suspension.contact_mobile', { shop: shop.name, mobile: oneLine(localMobile(shop.mobile)) })
    : t.t('suspension.contact', { shop: shop.name });
  // paymentLifts: paying what is past due brings the service back (false: the shop restores it).
  return { kind, paymentLifts: kind !== 'manual', reason, contact };
}

/**
 * The Pay buttons for an offer: what is past due (when it is not all that is owed and reaches the gateway's
 * minimum; not offered under a suspension by hand that paying does not end, `pastDue: false`) and the whole
 * balance; or the line saying to pay at the shop; or null for nothing to show.
 */
export function payChoices(t: Translator, offer: BillOffer, o: { pastDue: boolean } = { pastDue: true }) {
  if (offer.kind === 'below-minimum')
    return {
      note: t.t('account.pay_at_shop', {
        amount: formatMoney(offer.owed),
        min: formatMoney(BILL_MIN_AMOUNT),
      }),
    };
  if (offer.kind !== 'payable') return null;
  const all = { label: t.t('account.pay_button', { amount: formatMoney(offer.owed) }), part: 'all' as const };
  if (!o.pastDue || offer.pastDue <= 0 || offer.pastDue >= offer.owed || offer.pastDue < BILL_MIN_AMOUNT)
    return { buttons: [all] };
  const pastDue = {
    label: t.t('suspension.pay_past_due', { amount: formatMoney(offer.pastDue) }),
    part: 'past-due' as const,
  };
  return { buttons: [pastDue, all] };
}
