/**
 * "What is due" and "Your payments" on a subscriber's own page (`/portal/account`): its last payments, newest first (date and time
 * in the shop's zone, amount, method, the invoices each paid; a voided one marked), and the shop's contact, in
 * English or Filipino. Read through the invoice service, as the admin's subscriber page reads them.
 */
import { formatMoney } from '../../domain/units';
import { registerMessages, type Translator } from '../../i18n';
import { localDate } from '../../domain/calendar';
import { localMobile, shopContact } from '../../services/business/settings/shop-contact';
import type { WebContext } from '../context';
import en from './account-payments.en.json';
import fil from './account-payments.fil.json';

registerMessages('en', en);
registerMessages('fil', fil);

/** How many payments the page lists. */
const ACCOUNT_PAYMENTS_SHOWN = 12;

/**
 * The open invoices making up what is owed, oldest first, so the customer sees which to pay by when: each
 * bill's number and period, what is left, its due date, whether past it.
 */
export async function accountBills(ctx: WebContext, t: Translator, subscriberId: number) {
  const today = localDate(ctx.clock.now(), ctx.config.tz);
  const open = await ctx.services.invoices.list({ subscriberId, status: 'open' });
  return open
    .filter((i) => i.due > 0)
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.number.localeCompare(b.number))
    .map((i) => ({
      text: t.t('account.bills.row', {
        number: i.number,
        from: i.periodStart,
        to: i.periodEnd,
        amount: formatMoney(i.due),
        due: i.dueOn,
      }),
      pastDue: i.dueOn < today,
    }));
}

const clockIn = (tz: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hour12: false });

export async function accountPayments(ctx: WebContext, t: Translator, subscriberId: number) {
  const tz = ctx.config.tz;
  const clock = clockIn(tz);
  const [{ payments }, c] = await Promise.all([
    ctx.services.invoices.payments(subscriberId),
    shopContact(ctx.services.shopSettings),
  ]);
  // Payments only: a void's reversal entry shows as its payment marked voided.
  const rows = payments
    .filter((p) => p.reverses === null)
    .reverse()
    .slice(0, ACCOUNT_PAYMENTS_SHOWN)
    .map((p) => ({
      date: localDate(p.at, tz),
      time: clock.format(p.at),
      amount: formatMoney(p.amount),
      method: t.t(`account.payments.method.${p.method}`),
      // Invoice numbers it paid; empty: all kept as credit.
      invoices: p.allocations.map((a) => a.invoice),
      voided: p.voided !== null,
    }));
  const mobile = c.mobile ? localMobile(c.mobile) : '';
  const contact = [c.name, mobile].filter(Boolean).join(' · ');
  return { rows, shown: ACCOUNT_PAYMENTS_SHOWN, contact: contact || null };
}
