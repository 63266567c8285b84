/**
 * `pisonet vouchers overage CODE`: extra data sold at the counter to a voucher waiting at its cap (a plan's
 * `overage`, src/domain/overage.ts), through the same service as the admin's button and the API.
 */
import { confirmed } from '../lib/ask';
import { formatBytes, formatMoney } from '../../src/domain/units';
import { overageError } from '../../src/services/shop/vouchers/overage';
import type { OverageSale } from '../../src/services/shop/vouchers/types';
import type { VoucherDetail } from '../../src/services/types';
import { out } from '../lib/ansi';
import { cliActor, preferRouter } from '../lib/context';
import { overageChargeJson, voucherJson } from '../../src/services/shop/vouchers/json';
import { CommandDef, parseConfirmable, print, printJson, withCore } from './shared';

const OVERAGE = `Usage: pisonet vouchers overage CODE [--yes] [--json]

Sells the voucher's extra data at the counter: one purchase of its plan's offer ("overage": bytes for a
price), a sale kept in the reports as "Extra data". Only for a voucher whose data is used up on a plan that
sells extra data (it waits, offline, with its time running); its cap grows by the offer's bytes. The router
takes it at once when it is connected here, else at the server's next poll. Asks first unless --yes (without a
terminal, --yes is required).`;

/** Why it cannot be sold now, as the service would refuse it (nothing is sold, nothing asked). */
function refusal(v: VoucherDetail): Error {
  if (!v.overage) return overageError({ code: 'OVERAGE_NOT_OFFERED' }, v.profile);
  if (v.status !== 'active' || v.state === 'expired')
    return overageError({ code: 'VOUCHER_NOT_ACTIVE' }, v.profile);
  return overageError({ code: 'DATA_NOT_USED_UP', leftBytes: v.usage.left }, v.profile);
}

/** What is sold (`100.0 MB of extra data for ₱5.00`), or why it cannot be sold now (thrown: nothing asked). */
export function overageOffer(v: VoucherDetail): string {
  if (!v.overage?.availableNow) throw refusal(v);
  return `${formatBytes(v.overage.bytes)} of extra data for ${formatMoney(v.overage.price)}`;
}

/** The question asked before selling (the terminal menu asks it too). */
export const overageQuestion = (what: string, code: string) => `Sell ${what} to ${code}?`;

/** What the terminal says after the sale: the receipt, then whether its devices can log in again now. */
export function overageDone(what: string, sale: OverageSale): string[] {
  const code = sale.voucher.code;
  const receipt = `/admin/vouchers/${encodeURIComponent(code)}/charges/${sale.charge.chargeId}/receipt`;
  return [
    out.green(`Sold ${what} to ${code}. Receipt No. ${sale.charge.chargeId}: ${receipt}`),
    sale.appliedNow
      ? out.green('Its devices can log in again now.')
      : out.yellow("The router takes it at the server's next poll; its devices can log in again then."),
  ];
}

export const vouchersOverage: CommandDef = {
  name: 'vouchers overage',
  summary: "sell a voucher's extra data once its data is used up",
  usage: OVERAGE,
  async run(args) {
    const { values, positionals } = parseConfirmable(args, OVERAGE, 'sell');
    return withCore(async (core) => {
      const v = await core.services.vouchers.get(positionals[0]);
      const what = overageOffer(v);
      if (!values.yes && !(await confirmed(overageQuestion(what, v.code), 'Nothing was sold.'))) return 1;
      // The .env router raised now when it connects in time; a branch's at the server's next poll of it.
      await preferRouter(core);
      const sale = await core.services.vouchers.addOverage(v.code, cliActor());
      if (values.json)
        printJson(
          {
            voucher: voucherJson(sale.voucher),
            charge: overageChargeJson(sale.voucher.code, sale.charge),
            applied_now: sale.appliedNow,
          },
          { api: true },
        );
      else for (const line of overageDone(what, sale)) print(line);
      return 0;
    });
  },
};
