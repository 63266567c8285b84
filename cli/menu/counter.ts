/**
 * Sales at the counter from the terminal menu: more time on a code, and a code's extra data once its data is used
 * up. The customer at the counter is often the one whose phone is offline (paused, out of data, logged out), so
 * any code can be typed, beside the devices online now. The same service calls and questions as
 * `pisonet users extend` and `pisonet vouchers overage`.
 */
import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import {
  CONFIRM_EXTENSION_ABOVE_SECONDS,
  formatDurationHuman,
  parseExtension,
} from '../../src/domain/durations';
import { formatMoney, parsePrice } from '../../src/domain/quantities';
import type { VoucherDetail } from '../../src/services/types';
// The subcommand's offer, question and receipt lines: one copy of them.
import { overageDone, overageOffer, overageQuestion } from '../commands/vouchers-overage';
import { out } from '../lib/ansi';
import { cliActor, preferRouter } from '../lib/context';
import { siteLabels, siteOfVoucher, withSiteRouter } from '../lib/site-router';
import { ask, askCode, confirmAction, confirmed, say, userChoice } from './prompts';

/**
 * A code picked among the devices online now (none while the router is away), or typed (any code); read afresh,
 * so a missing one is refused.
 */
async function pickCode(core: Core, message: string): Promise<VoucherDetail> {
  await preferRouter(core);
  const online = core.router.status.connected ? await core.services.bandwidth.users() : [];
  const typed = '__type__';
  const sites = await siteLabels(core);
  const code = online.length
    ? await select({
        message,
        choices: [...online.map((u) => userChoice(u, u.user, sites)), { name: 'Type a code…', value: typed }],
        pageSize: 10,
      })
    : typed;
  return core.services.vouchers.get(code === typed ? await askCode() : code);
}

/** The same bounds as the service (1 s–365 days), checked as the operator types. */
const extension = (v: string): number => parseExtension(v, 'time');

/**
 * The price of time sold at the counter: the plan's pro-rata price for that time is shown and offered (Enter takes
 * it), another can be typed (0: given free), with the service's bounds (₱0–₱100,000) checked as it is typed. A
 * price above the plan's rate looks like a typo (₱25 for ₱2.50): it is asked about first. Null: nothing is sold.
 */
async function counterPrice(code: string, seconds: number, rate: number): Promise<number | null> {
  const time = formatDurationHuman(seconds);
  say(`The plan's rate for ${time} on ${code}: ${out.bold(formatMoney(rate))}.`);
  const price = await ask("Price in pesos (Enter: the plan's rate; 0: free)", (v) => parsePrice(v, 'price'), {
    default: (rate / 100).toFixed(2),
  });
  if (
    price > rate &&
    !(await confirmAction(
      `${formatMoney(price)} is more than the plan's ${formatMoney(rate)} for ${time}. Are you sure?`,
    ))
  )
    return null;
  return price;
}

export async function extendTime(core: Core): Promise<void> {
  // Read before asking: a sale made meanwhile (another cashier) makes this one refused, not sold twice.
  const before = await pickCode(core, 'Extend which user?');
  const code = before.code;
  const seconds = await ask('Add how much time? (e.g. 30m, 1h, 1d)', extension);
  if (
    seconds > CONFIRM_EXTENSION_ABOVE_SECONDS &&
    !(await confirmAction(`Add ${formatDurationHuman(seconds)} to ${code}? That is more than a day.`))
  )
    return;
  const rate = await core.services.vouchers.quoteTime(code, seconds);
  const price = await counterPrice(code, seconds, rate);
  const sold = price === 0 ? 'free' : `for ${formatMoney(price ?? 0)}`;
  if (price === null || !(await confirmAction(`Add ${formatDurationHuman(seconds)} to ${code} ${sold}?`))) {
    say(out.dim('Nothing added or sold.'));
    return;
  }
  // On the router of the voucher's site (its hotspot user's time limit changes there; down: nothing changes).
  const sale = await withSiteRouter(core, await siteOfVoucher(core, code), (s) =>
    s.vouchers.sellTime(code, seconds, cliActor(), {
      confirmed: true,
      price: (price / 100).toFixed(2),
      priceConfirmed: true, // asked above
      addedSeconds: before.addedSeconds,
    }),
  );
  const v = sale.voucher;
  say(
    out.green(
      `Added ${formatDurationHuman(seconds)} to ${v.code} ${sold}${v.remainingSeconds !== null ? `; ${formatDurationHuman(v.remainingSeconds)} left` : ''}.`,
    ),
  );
}

/** One purchase of the plan's extra data for a code waiting at its data cap, as `pisonet vouchers overage`. */
export async function sellExtraData(core: Core): Promise<void> {
  const v = await pickCode(core, 'Sell extra data to which code?');
  const what = overageOffer(v);
  if (!(await confirmed(overageQuestion(what, v.code), 'Nothing was sold.'))) return;
  // The .env router raised now when it is connected; a branch's at the server's next poll of it.
  const sale = await core.services.vouchers.addOverage(v.code, cliActor());
  for (const line of overageDone(what, sale)) say(line);
}
