/**
 * A voucher's checkout started: for a device the hotspot sees at its address now, for a plan sold online on its
 * site, one pending `payments` row, then the gateway's hosted checkout (the phone is sent to its address).
 */
import { AppError } from '../../../domain/errors';
import { deviceOf } from '../../../domain/network';
import type { PaymentGateway } from '../../../payments/gateway';
import type { ShopDeps } from '../../deps';
import type { ProfileService } from '../profiles/types';
import { assertFewStarts, startGatewayCheckout } from './checkout-start';
import type { LearnOutcome, PaymentOffer, PaymentService, PaymentView } from './types';

/** How long a started checkout is watched: GCash gives its customer up to 4 hours to authorise. */
export const WATCH_MS = 4 * 3600_000;

/** What the payment flow's steps share (index.ts builds it). */
export interface PaymentFlow {
  deps: ShopDeps;
  o: {
    profiles: ProfileService;
    seesDevice: (mac: string, ip: string, siteId: number | null) => Promise<boolean>;
    canLogIn: () => boolean;
    realClock?: { now(): number };
  };
  /** The gateway and the methods in effect now; undefined while payments are off. */
  current(): Promise<{ gw: PaymentGateway; methods: string[] } | undefined>;
  learn(sessionId: string): Promise<LearnOutcome>;
  /** Tries a paid voucher's login again (credit.ts). */
  loginPaid(id: number): Promise<unknown>;
  offers(siteId: number | null): Promise<PaymentOffer[]>;
  /** A payment as the faces show it, by its id. */
  view(id: number): Promise<PaymentView>;
}

type StartInput = Parameters<PaymentService['start']>[0];

/** The device the portal says the checkout is for, seen by the hotspot at that address now. */
async function deviceThere(f: PaymentFlow, input: StartInput): Promise<{ mac: string; ip: string }> {
  const device = deviceOf(input);
  if (!device)
    throw new AppError(
      'PAYMENT_NO_DEVICE',
      "This page does not know your device; open the WiFi's login page again",
      400,
    );
  const { mac, ip } = device;
  // Only for a device the hotspot reports at that address now, as a redemption: never a payment for a phone
  // that is not there and cannot be put online.
  if (!(await f.o.seesDevice(mac, ip, input.siteId)))
    throw new AppError(
      'PAYMENT_NO_DEVICE',
      "This device is not on the WiFi now; open the WiFi's login page again",
      409,
    );
  return { mac, ip };
}

/**
 * The plan asked for, if it is sold online on the portal's site. A monthly plan is not among the offers: refused
 * as any plan not for sale (the customer is told so, never "the payment service had a problem").
 */
async function offerOf(f: PaymentFlow, input: StartInput): Promise<PaymentOffer> {
  const offer = (await f.offers(input.siteId)).find((p) => p.id === input.profileId);
  if (!offer)
    throw new AppError('PAYMENT_PROFILE_NOT_FOR_SALE', 'That plan cannot be bought online here', 404);
  return offer;
}

export async function startCheckout(
  f: PaymentFlow,
  input: StartInput,
): Promise<{ reference: string; checkoutUrl: string }> {
  const { db, clock, log } = f.deps;
  const on = await f.current();
  if (!on) throw new AppError('PAYMENTS_OFF', 'Online payment is not offered here', 404);
  const { mac, ip } = await deviceThere(f, input);
  const offer = await offerOf(f, input);
  const now = clock.now();
  // A phone pressing Pay again and again (or a script on the hotspot) starts at most a few checkouts.
  await assertFewStarts(db, { mac }, now);
  const row = { profile_id: offer.id, mac, ip, site: input.site ? input.site.slice(0, 64) : null };
  return startGatewayCheckout(
    { db, log },
    on.gw,
    { row, amount: offer.price, lang: input.lang, now, watchMs: WATCH_MS, returnBase: input.returnBase },
    (back) => ({
      item: { name: `Internet: ${offer.name}`, amount: offer.price },
      methods: on.methods,
      successUrl: back('/portal/pay/done'),
      cancelUrl: back('/portal/pay/cancel'),
    }),
    'a checkout',
  );
}
