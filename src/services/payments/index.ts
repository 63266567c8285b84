/**
 * Online payments: a customer pays for a profile on the portal through a gateway's hosted checkout (PayMongo:
 * src/payments/paymongo.ts), and the device gets the profile as a voucher logged in for it. Two ways to learn
 * of a payment, one credit (credit.ts): the gateway's signed webhook, and polling (a timer while a session is
 * pending, and at once when the phone comes back). The gateway adapter is built from the settings in effect on
 * every use, so a key saved in the admin applies at once.
 */
import type { Clock } from '../../lib/clock';
import crypto from 'node:crypto';
import type { PaymentsConfig } from '../../config/env-payments';
import { AppError } from '../../domain/errors';
import { normaliseMac, parseIPv4 } from '../../domain/network';
import type { PaymentGateway } from '../../payments/gateway';
import type { ShopDeps } from '../deps';
import { assertSoldAsVoucher, isMonthly } from '../profiles/billing';
import type { ProfileService } from '../profiles/types';
import type { RedemptionService } from '../redemption/types';
import type { CredentialsBox } from '../sites/credentials';
import { learnSession, loginPaid, type CreditDeps, type PaymentRow } from './credit';
import { paymentSettingsStore } from './settings';
import { checkoutReachLog } from './checkout-reach';
import { checkoutFailed } from './checkout-failed';
import type { BillPayments, GatewayInEffect, LearnOutcome, PaymentService, PaymentView, WebhookOutcome } from './types';

export type * from './types';
export { PAYMENT_FIELDS, type PaymentField, type PaymentSettingsView } from './settings';

/** PayMongo refuses a checkout below ₱20.00 (parameter_below_minimum). */
export const MIN_AMOUNT = 2000;
/** How long a started checkout is watched: GCash gives its customer up to 4 hours to authorise. */
export const WATCH_MS = 4 * 3600_000;
/** Read on every poll for the first minutes, then every 5 minutes until the watch ends. */
const EAGER_MS = 15 * 60_000;
const LATER_EVERY_MS = 5 * 60_000;
/** A paid voucher's login is retried this long, and this often at most. */
const LOGIN_RETRY_MS = 6 * 3600_000;
const LOGIN_TRIES = 200;

export interface PaymentServiceOptions {
  redemption: RedemptionService;
  /** A paid voucher for a device whose code still runs joins that code (self-service redeemHeld; credit.ts). */
  join?: CreditDeps['join'];
  profiles: ProfileService;
  box: CredentialsBox;
  /** Whether the shop's hotspots see `mac` at `ip` now (the portal's site: `siteId`): no checkout for another. */
  seesDevice: (mac: string, ip: string, siteId: number | null) => Promise<boolean>;
  /**
   * Whether a paid voucher's login can be tried now (the `default` site's router is connected): asked of the
   * site's stack, so this shop-wide service never holds a router.
   */
  canLogIn: () => boolean;
  /**
   * The machine's own time, for a webhook signature's freshness: the gateway signs with the real time, so a
   * controller clock started elsewhere (CLOCK_START) must not make every webhook stale. Default: the shop's clock.
   */
  realClock?: Clock;
  /** The gateway adapter for these settings, chosen where the product is composed (src/core.ts). */
  gatewayOf: (s: PaymentsConfig & { secretKey: string }) => PaymentGateway;
  /**
   * Subscribers' bills paid online, on the gateway in effect (src/services/billing/bill-payment.ts); absent: none
   * are offered.
   */
  bills?: (gateway: GatewayInEffect) => BillPayments;
}

function viewOf(
  r: PaymentRow & {
    profile_name?: string | null;
    code?: string | null;
    voucher_status?: string | null;
    subscriber_name?: string | null;
  },
): PaymentView {
  return {
    id: r.id,
    gateway: r.gateway,
    reference: r.reference,
    sessionId: r.session_id,
    state: r.state as PaymentView['state'],
    profile: r.profile_name ?? null,
    mac: r.mac,
    amount: Number(r.amount),
    method: r.method,
    livemode: Boolean(r.livemode),
    voucherCode: r.code ?? null,
    voucherUsed: r.voucher_status !== undefined && r.voucher_status !== null && r.voucher_status !== 'unused',
    problem: r.problem,
    loginError: r.login_error,
    createdAt: Number(r.created_at),
    creditedAt: r.credited_at === null ? null : Number(r.credited_at),
    onlineAt: r.online_at === null ? null : Number(r.online_at),
    joined:
      r.join_mode === 'add' || r.join_mode === 'queue'
        ? { mode: r.join_mode, into: r.joined_into ?? '' }
        : null,
    purpose: r.purpose === 'subscriber' ? 'subscriber' : 'voucher',
    subscriberId: r.subscriber_id === null || r.subscriber_id === undefined ? null : Number(r.subscriber_id),
    subscriberName: r.subscriber_name ?? null,
  };
}

export function createPaymentService(deps: ShopDeps, o: PaymentServiceOptions): PaymentService {
  const { db, clock, log, config } = deps;
  const store = paymentSettingsStore(db, () => config.payments, deps.settings, o.box);
  const build = o.gatewayOf;

  async function current(): Promise<{ gw: PaymentGateway; methods: string[] } | undefined> {
    const { settings: s } = await store.read();
    if (!s.secretKey) return undefined;
    return { gw: build({ ...s, secretKey: s.secretKey }), methods: s.methods };
  }
  const bills = o.bills?.({ current, watchMs: WATCH_MS });
  const c: CreditDeps = {
    deps,
    redemption: o.redemption,
    join: o.join,
    bill: bills?.credit,
  };
  const noBills = () => new AppError('PAYMENTS_OFF', 'Online payment is not offered here', 404);

  const rows = () =>
    db('payments as p')
      .leftJoin('vouchers as v', 'v.id', 'p.voucher_id')
      .leftJoin('profiles as pr', 'pr.id', 'p.profile_id')
      .leftJoin('subscribers as s', 's.id', 'p.subscriber_id')
      .select(
        'p.*',
        'v.code',
        'v.status as voucher_status',
        'pr.name as profile_name',
        's.name as subscriber_name',
      );

  async function offers(siteId: number | null) {
    if (!(await current())) return [];
    return (await o.profiles.list({ siteId }))
      .filter((p) => !p.archived && !isMonthly(p) && p.price >= MIN_AMOUNT)
      .sort((a, b) => a.price - b.price || a.name.localeCompare(b.name))
      .map((p) => ({ id: p.id, name: p.name, price: p.price }));
  }

  async function learn(sessionId: string): Promise<LearnOutcome> {
    const on = await current();
    if (!on) return 'off';
    const facts = await on.gw.getSession(sessionId);
    return facts ? learnSession(c, on.gw, facts) : 'unknown';
  }

  return {
    async enabled() {
      return (await current()) !== undefined;
    },
    offers,
    async start(input) {
      const on = await current();
      if (!on) throw new AppError('PAYMENTS_OFF', 'Online payment is not offered here', 404);
      let mac: string;
      let ip: string;
      try {
        mac = normaliseMac(input.mac);
        ip = parseIPv4(input.ip, 'ip');
      } catch {
        throw new AppError(
          'PAYMENT_NO_DEVICE',
          "This page does not know your device; open the WiFi's login page again",
          400,
        );
      }
      // Only for a device the hotspot reports at that address now, as a redemption: never a payment for a phone
      // that is not there and cannot be put online.
      if (!(await o.seesDevice(mac, ip, input.siteId)))
        throw new AppError(
          'PAYMENT_NO_DEVICE',
          "This device is not on the WiFi now; open the WiFi's login page again",
          409,
        );
      const plan = (await o.profiles.list({ siteId: input.siteId })).find((p) => p.id === input.profileId);
      if (plan) assertSoldAsVoucher(plan);
      const offer = (await offers(input.siteId)).find((p) => p.id === input.profileId);
      if (!offer)
        throw new AppError('PAYMENT_PROFILE_NOT_FOR_SALE', 'That plan cannot be bought online here', 404);
      const now = clock.now();
      const reference = `PN${crypto.randomBytes(12).toString('hex').toUpperCase()}`;
      const [{ id }] = (await db('payments')
        .insert({
          gateway: on.gw.name,
          reference,
          state: 'pending',
          profile_id: offer.id,
          mac,
          ip,
          site: input.site ? input.site.slice(0, 64) : null,
          lang: input.lang === 'fil' ? 'fil' : 'en',
          amount: offer.price,
          currency: 'PHP',
          livemode: on.gw.livemode,
          created_at: now,
          expires_at: now + WATCH_MS,
        })
        .returning('id')) as { id: number }[];
      const back = (path: string) => `${input.returnBase}${path}?${new URLSearchParams({ ref: reference })}`;
      try {
        const started = await on.gw.createCheckout({
          reference,
          item: { name: `Internet: ${offer.name}`, amount: offer.price },
          methods: on.methods,
          successUrl: back('/portal/pay/done'),
          cancelUrl: back('/portal/pay/cancel'),
        });
        await db('payments').where({ id }).update({ session_id: started.sessionId });
        return { reference, checkoutUrl: started.checkoutUrl };
      } catch (err) {
        return checkoutFailed({ db, log }, id, err, 'a checkout');
      }
    },
    learn,
    async webhook(header, raw): Promise<WebhookOutcome> {
      const on = await current();
      if (!on) return { kind: 'refused', reason: 'payments-off' };
      const v = on.gw.verifyWebhook(header, raw, (o.realClock ?? clock).now());
      if (!v.ok) {
        log.warn({ module: 'payments', why: v.why }, 'a webhook was refused: its signature does not check');
        return { kind: 'refused', reason: v.why };
      }
      // Every signed event is taken, acted on or not, so the gateway keeps the webhook enabled.
      if (v.action.kind === 'ignored')
        return { kind: 'ignored', reason: 'not-a-payment', detail: v.action.reason };
      let outcome: LearnOutcome;
      try {
        outcome = await learn(v.action.sessionId);
      } catch (err) {
        // The API was not reachable for the check: the poller reads our pending sessions again.
        log.warn({ module: 'payments', err: (err as Error).message }, 'a webhook could not be checked now');
        return { kind: 'ignored', reason: 'retry-later' };
      }
      return outcome === 'credited' || outcome === 'already-credited'
        ? { kind: outcome }
        : { kind: 'ignored', reason: outcome };
    },
    async returned(reference) {
      if (!/^PN[0-9A-F]{24}$/.test(reference)) return undefined;
      const row = (await db('payments').where({ reference, purpose: 'voucher' }).first()) as
        PaymentRow | undefined;
      if (!row) return undefined;
      if (row.state === 'pending' && row.session_id)
        await learn(row.session_id).catch((err: Error) =>
          log.warn({ module: 'payments', err: err.message }, 'a returning payment could not be checked now'),
        );
      const fresh = await rows().where('p.id', row.id).first();
      return viewOf(fresh);
    },
    async billOffer(subscriberId) {
      return bills ? bills.offer(subscriberId) : { kind: 'off' };
    },
    async startBill(input) {
      if (!bills) throw noBills();
      return bills.start(input);
    },
    async billReturned(reference) {
      if (!/^PN[0-9A-F]{24}$/.test(reference)) return undefined;
      const find = async () =>
        (await db('payments').where({ reference, purpose: 'subscriber' }).first()) as PaymentRow | undefined;
      const row = await find();
      if (!row || row.subscriber_id === null || row.subscriber_id === undefined) return undefined;
      if (row.state === 'pending' && row.session_id)
        await learn(row.session_id).catch((err: Error) =>
          log.warn({ module: 'payments', err: err.message }, 'a returning payment could not be checked now'),
        );
      const fresh = (await find())!;
      return {
        state: fresh.state as PaymentView['state'],
        amount: Number(fresh.amount),
        lang: fresh.lang ?? 'en',
        subscriberId: Number(fresh.subscriber_id),
      };
    },
    async device(reference) {
      if (!/^PN[0-9A-F]{24}$/.test(reference)) return undefined;
      const row = (await db('payments').where({ reference }).first()) as PaymentRow | undefined;
      if (!row?.mac || !row.ip) return undefined;
      return { mac: row.mac, ip: row.ip, site: row.site, lang: row.lang ?? 'en' };
    },
    async poll() {
      if (!(await current())) return;
      const now = clock.now();
      const pending = (await db('payments')
        .where({ state: 'pending' })
        .whereNotNull('session_id')
        .orderBy('id')
        .limit(200)) as PaymentRow[];
      for (const p of pending) {
        const age = now - Number(p.created_at);
        const due = p.checked_at === null || age < EAGER_MS || now - Number(p.checked_at) >= LATER_EVERY_MS;
        if (!due) continue;
        try {
          await learn(p.session_id!);
        } catch (err) {
          log.warn({ module: 'payments', err: (err as Error).message }, 'pending payments could not be read');
          break; // the gateway is away: the next round tries again
        }
      }
      if (!o.canLogIn()) return;
      const waiting = (await db('payments')
        .where({ state: 'paid', purpose: 'voucher' })
        .whereNull('online_at')
        .where('login_attempts', '<', LOGIN_TRIES)
        .where('credited_at', '>', now - LOGIN_RETRY_MS)
        .orderBy('id')
        .limit(50)
        .select('id')) as { id: number }[];
      for (const w of waiting) await loginPaid(c, w.id);
    },
    async list(opts = {}) {
      const limit = Math.min(Math.max(opts.limit ?? 100, 1), 1000);
      const offset = Math.max(opts.offset ?? 0, 0);
      const [{ n }] = (await db('payments').count({ n: '*' })) as { n: number | string }[];
      const list = await rows().orderBy('p.id', 'desc').limit(limit).offset(offset);
      return { total: Number(n), rows: list.map(viewOf) };
    },
    async checkoutOrigin() {
      return (await current())?.gw.checkoutOrigin ?? null;
    },
    reach: checkoutReachLog(clock),
    settingsView: () => store.view(),
    updateSettings: (input, actor) => store.update(input, actor),
  };
}
