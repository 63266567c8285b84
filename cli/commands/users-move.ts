/**
 * `pisonet users move`: a voucher to another profile, with what the move gives charged or credited
 * (src/domain/plan-change.ts), shown first and confirmed. The terminal menu's move (cli/menu/users.ts) words the
 * preview and the outcome with the same functions.
 */
import { confirmed } from '../lib/ask';
import { formatMoney } from '../../src/domain/units';
import { signedAmount } from '../../src/domain/plan-change';
import type { ChargeOutcome, PlanChangePreview } from '../../src/services/shop/vouchers/charge-types';
import { out } from '../lib/ansi';
import { parseCommand, requireOption, usageError, optionSpec, YES_OPTION } from '../lib/args';
import { cliActor } from '../lib/context';
import { siteOfVoucher, withSiteRouter } from '../lib/site-router';
import { chargeJson, previewJson, voucherJson } from '../../src/services/shop/vouchers/json';
import { CommandDef, print, printJson, withCore } from './shared';

const MOVE = `Usage: pisonet users move CODE --profile NAME [--free] [--dry-run] [--yes] [--json]

Moves a voucher to another profile; usage so far is kept, the new speed applies at the next cycle. The
profile must be sold at the voucher's site; its hotspot user changes on that site's router.

The price difference for the time left is charged (a sale, under the new profile) or, for a cheaper profile,
credited to the customer: (new price − old price) × the unused share of the voucher's time, rounded to the
centavo (halves away from zero); a voucher not used yet pays the whole difference; staff vouchers and
vouchers without a time limit pay nothing. The amount is shown first. A charge or credit is asked for on a
terminal and needs --yes in a script. --free moves it without charge; --dry-run only shows the amount.`;

/** `BASIC ₱5.00 → STANDARD ₱10.00: Upgrade: … = ₱2.50 to charge.` */
export function previewLine(p: PlanChangePreview): string {
  return `${p.from.name} ${formatMoney(p.from.price)} → ${p.to.name} ${formatMoney(p.to.price)}: ${p.quote.explanation}`;
}

/** What the move did with money, and where its receipt is in the admin. */
export function chargeDoneText(code: string, c: ChargeOutcome): string {
  const receipt =
    c.id === null
      ? ''
      : ` Receipt No. ${c.id}: /admin/vouchers/${encodeURIComponent(code)}/charges/${c.id}/receipt`;
  if (c.amount > 0) return `${formatMoney(c.amount)} charged.${receipt}`;
  if (c.credit > 0) return `${formatMoney(c.credit)} credit noted for the customer.${receipt}`;
  return c.free ? 'Moved free.' : 'Nothing to charge.';
}

export const usersMove: CommandDef = {
  name: 'users move',
  summary: 'move a voucher to another profile (the time it gives charged, or credited)',
  usage: MOVE,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { ...optionSpec(['profile'], ['free', 'dry-run', 'json']), ...YES_OPTION },
      MOVE,
      1,
    );
    const profile = requireOption(values, 'profile', MOVE);
    const code = positionals[0];
    const charge = values.free !== true;
    return withCore(async (core) => {
      const preview = await core.services.vouchers.previewProfileChange(code, profile, { charge });
      const { code: shown, from, to, quote } = preview;
      if (values['dry-run']) {
        if (values.json) printJson({ dry_run: true, ...previewJson(preview) }, { api: true });
        else print(previewLine(preview));
        return 0;
      }
      if (!values.json) print(previewLine(preview));
      if (quote.direction !== 'none' && values.yes !== true) {
        if (!process.stdin.isTTY)
          throw usageError(
            `moving ${shown} ${quote.direction === 'charge' ? 'charges' : 'credits'} ${formatMoney(quote.amount || quote.credit)}: add --yes to go ahead, or --free to move it without charge`,
            MOVE,
          );
        if (!(await confirmed(`Move ${shown} from ${from.name} to ${to.name}?`, 'Nothing was changed.')))
          return 1;
      }
      // The amount shown is the one kept (plan-confirm.ts), or the move is refused with the new one.
      const expected = charge ? signedAmount(quote) : undefined;
      const moved = await withSiteRouter(core, await siteOfVoucher(core, code), (s) =>
        s.vouchers.changeProfile(code, profile, cliActor(), { charge, expected }),
      );
      if (values.json)
        printJson(
          { voucher: voucherJson(moved.voucher), charge: chargeJson(moved.voucher.code, moved.charge) },
          { api: true },
        );
      else
        print(
          out.green(`${moved.voucher.code} is now on ${moved.voucher.profile}.`) +
            ` ${chargeDoneText(moved.voucher.code, moved.charge)}`,
        );
      return 0;
    });
  },
};
