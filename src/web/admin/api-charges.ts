/**
 * The admin API's undo of a sale on a running voucher: `POST /admin/api/vouchers/:code/charges/:id/void`
 * `{ "reason" }`. The service (src/services/shop/vouchers/charge-void.ts) checks who may, takes back the time or data
 * still unused and keeps the void exactly once; this answers it as the other charge endpoints do (centavos).
 */
import { Router } from 'express';
import type { WebContext } from '../context';
import { voucherChargeJson, voucherJson } from '../../services/shop/vouchers/json';
import { actorOf } from './api-common';

export function chargeApiRouter(ctx: WebContext): Router {
  const r = Router();
  const { vouchers } = ctx.services;

  r.post('/vouchers/:code/charges/:id/void', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const out = await vouchers.voidCharge(String(req.params.code), req.params.id, body.reason, actorOf(req));
    res.json({
      success: true,
      charge: voucherChargeJson(out.charge),
      taken_back: { seconds: out.takenBack.seconds, bytes: out.takenBack.bytes },
      voucher: voucherJson(out.voucher),
    });
  });

  return r;
}
