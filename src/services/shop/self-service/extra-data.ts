/**
 * A code typed on the portal by a device whose voucher waits at its cap for extra data (the policy's
 * `capped-waiting`, src/domain/overage.ts). The rule: a code of a plan with a data cap is sold as extra data. It is
 * consumed as an "add" top-up consumes its second code (used up now, sold at its price, `topped_up_into` the
 * waiting voucher, a `topup` event on both) and its data cap joins the waiting voucher's; its time does not (the
 * page says so). The device is logged back in at once. A code of a plan without a data cap is no extra data: it
 * starts on the device as a voucher of its own (redeem.ts), the waiting one kept with its time.
 */
import { formatBytes } from '../../../domain/units';
import { maskCode } from '../../../lib/logger';
import { siteOf, type SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import type { RedemptionService, VoucherService } from '../../types';
import * as lifecycle from '../voucher-lifecycle';
import { consumeCode, timingOf, unreachable, voucherById, type Voucher } from './shared';
import type { TopUpOutcome } from './types';

export function createExtraData(
  deps: SiteDeps,
  d: {
    vouchers: Pick<VoucherService, 'extraDataAdded'>;
    /** The site's own redemption: the device logs back in with its waiting code, now with data. */
    redemption: Pick<RedemptionService, 'redeem'>;
  },
) {
  const { db, clock, router, log } = deps;
  const site = siteOf(deps);

  /** `second`'s data cap added to `first` (waiting at its cap on this device), then the device back online. */
  async function add(
    first: Voucher,
    second: Voucher,
    device: { mac: string; ip: string },
  ): Promise<TopUpOutcome> {
    // As a top-up: a code is used only when the device can go online with it now.
    if (!router.status.connected) throw unreachable();
    const bytes = second.profile.dataCapBytes ?? 0;
    const into = maskCode(first.row.code);
    const { mac } = device;
    await consumeCode(db, 'data', async (trx) => {
      await lifecycle.addDataCode(trx, {
        first: first.row,
        second: second.row,
        firstLabel: into,
        bytes,
        at: clock.now(),
        siteId: site.id,
      });
      await recordEvent(trx, clock, {
        voucherId: first.row.id,
        kind: 'topup',
        message: `Extra data by ${mac} with code ${maskCode(second.row.code)} (${second.profileName}): ${formatBytes(bytes)} added, its time not`,
        data: { mode: 'data', mac, code: second.row.id, bytes },
      });
      await recordEvent(trx, clock, {
        voucherId: second.row.id,
        kind: 'topup',
        message: `Sold as extra data: its ${formatBytes(bytes)} added to ${into} by ${mac}`,
        data: { mode: 'data', mac, into: first.row.id },
      });
    });
    // The router's byte limit rises now (else at the next poll), then the device logs back in.
    await d.vouchers.extraDataAdded(first.row.code, bytes);
    let online = true;
    try {
      await d.redemption.redeem({ code: first.row.code, mac, ip: device.ip, site: site.id });
    } catch (err) {
      online = false;
      log.warn(
        { module: 'portal', voucher: into, mac, err: (err as Error).message },
        'extra data added; the device was not logged back in yet',
      );
    }
    log.info(
      { module: 'portal', event: 'topup', voucher: into, code: maskCode(second.row.code), mac },
      `voucher ${into} got ${formatBytes(bytes)} of extra data from ${maskCode(second.row.code)} (${second.profileName}) by ${mac}`,
    );
    const after = await voucherById(db, first.row.id);
    return {
      mode: 'data',
      into,
      code: maskCode(second.row.code),
      addedSeconds: 0,
      addedBytes: bytes,
      queuedBecause: null,
      remainingSeconds: after ? timingOf(after, clock.now()).remainingSeconds : null,
      online,
    };
  }

  return { add };
}
