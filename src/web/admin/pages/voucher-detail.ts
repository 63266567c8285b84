import { Router, Request, Response } from 'express';
import type { WebContext } from '../../context';
import {
  CONFIRM_EXTENSION_ABOVE_SECONDS,
  formatDurationHuman,
  MAX_EXTENSION_SECONDS,
  parseDuration,
} from '../../../domain/units';
import { actorOf, failIfAny, field, flash, formFailure, Formatters, page } from './common';
import { hourlyTrafficChart } from './series';

/** One voucher: state, usage chart, devices, events, and the revoke / extend / move actions. */
export function voucherDetailRoutes(ctx: WebContext): Router {
  const router = Router();
  const { services, config } = ctx;

  async function renderDetail(
    req: Request,
    res: Response,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const code = String(req.params.code);
    const [voucher, profiles] = await Promise.all([services.vouchers.get(code), services.profiles.list()]);
    // Printing its card makes sense while it can be sold or used; its print page says what the QR code opens.
    const printable = voucher.status === 'unused' || voucher.status === 'active';
    const usage = await hourlyTrafficChart(
      services.usage,
      ctx.clock.now(),
      config.tz,
      res.locals.fmt as Formatters,
      { voucherCode: voucher.code },
    );
    page(
      res,
      'vouchers/detail',
      'vouchers',
      `Voucher ${voucher.code}`,
      {
        voucher,
        profiles,
        usage,
        printable,
        values: { move: voucher.profile, extend: '30m' },
        ...extra,
      },
      status,
    );
  }

  router.get('/vouchers/:code', (req, res) => renderDetail(req, res));

  /** Runs a voucher action; on a form problem shows the voucher page again with the message under the field. */
  function action(name: string, run: (req: Request, code: string) => Promise<string>) {
    router.post(`/vouchers/:code/${name}`, async (req, res) => {
      const code = String(req.params.code);
      try {
        flash(req, 'ok', await run(req, code));
        res.redirect(303, `/admin/vouchers/${encodeURIComponent(code)}`);
      } catch (err) {
        const f = formFailure(err, () => name);
        await renderDetail(
          req,
          res,
          {
            errors: f.fields,
            formError: f.message,
            values: { move: field(req.body, 'profile'), extend: field(req.body, 'duration') },
          },
          f.status,
        );
      }
    });
  }

  action('revoke', async (req, code) => {
    if (field(req.body, 'confirm') !== 'yes')
      failIfAny({ revoke: 'tick the box to confirm: the customer is cut off at once' });
    const v = await services.vouchers.revoke(code, actorOf(req));
    return `Voucher ${v.code} revoked; its devices were logged out.`;
  });

  action('extend', async (req, code) => {
    let seconds = 0;
    try {
      seconds = parseDuration(field(req.body, 'duration'), 'duration');
    } catch {
      failIfAny({ extend: 'use a duration like 30m, 1h or 1d' });
    }
    if (seconds <= 0 || seconds > MAX_EXTENSION_SECONDS)
      failIfAny({ extend: 'use more than 0 and at most 365 days, like 30m, 1h or 1d' });
    if (seconds > CONFIRM_EXTENSION_ABOVE_SECONDS && field(req.body, 'confirm_long') !== 'yes')
      failIfAny({
        extend: `that adds ${formatDurationHuman(seconds)}, more than a day: tick "Yes, add more than a day" to go ahead`,
      });
    const v = await services.vouchers.extend(code, seconds, actorOf(req), { confirmed: true });
    return `Added ${field(req.body, 'duration')} to ${v.code}.`;
  });

  action('move', async (req, code) => {
    const profile = field(req.body, 'profile');
    if (!profile) failIfAny({ move: 'choose a profile' });
    const v = await services.vouchers.changeProfile(code, profile, actorOf(req));
    return `${v.code} moved to ${v.profile}; the new speeds apply at the next poll.`;
  });

  return router;
}
