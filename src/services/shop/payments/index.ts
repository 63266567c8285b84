/**
 * Online payments: a customer pays for a profile on the portal through a gateway's hosted checkout (PayMongo:
 * src/payments/paymongo.ts), and the device gets the profile as a voucher logged in for it. Two ways to learn
 * of a payment, one credit (credit.ts): the gateway's signed webhook, and polling (a timer while a session is
 * pending, and at once when the phone comes back). The gateway adapter is built from the settings in effect on
 * every use, so a key saved in the admin applies at once.
 */
import type { Clock } from '../../../lib/clock';
import type { PaymentsConfig } from '../../../config/env-payments';
import { AppError } from '../../../domain/errors';
import type { PaymentGateway } from '../../../payments/gateway';
import type { ShopDeps } from '../../deps';
import { isMonthly } from '../profiles/billing';
import type { ProfileService } from '../profiles/types';
import type { RedemptionService } from '../redemption/types';
import type { CredentialsBox } from '../../business/sites/credentials';
import { learnSession, loginPaid, type CreditDeps, type PaymentRow } from './credit';
import { paymentSettingsStore } from './settings';
import { checkoutReachLog } from './checkout-reach';
import { startCheckout, WATCH_MS, type PaymentFlow } from './checkout';
import { billReturned, pollRound, voucherReturned, webhookOutcome } from './learning';
import type { BillPayments, GatewayInEffect, LearnOutcome, PaymentService, PaymentView } from './types';

export type * from './types';

/** PayMongo refuses a checkout below ₱20.00 (parameter_below_minimum). */
const MIN_AMOUNT = 2000;

interface PaymentServiceOptions {
  redemption: RedemptionService;
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
   * Subscribers' bills paid online, on the gateway in effect (src/services/subscriptions/billing/bill-payment.ts); absent: none
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
  const { db, clock, config } = deps;
  const store = paymentSettingsStore(db, () => config.payments, deps.settings, o.box);

  async function current(): Promise<{ gw: PaymentGateway; methods: string[] } | undefined> {
    const { settings: s } = await store.read();
    if (!s.secretKey) return undefined;
    return { gw: o.gatewayOf({ ...s, secretKey: s.secretKey }), methods: s.methods };
  }
  const bills = o.bills?.({ current, watchMs: WATCH_MS });
  const c: CreditDeps = {
    deps,
    redemption: o.redemption,
    join: o.join,
    bill: bills?.credit,
  };
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

  const flow: PaymentFlow = {
    deps,
    o,
    current,
    learn,
    loginPaid: (id) => loginPaid(c, id),
    offers,
    view: async (id) => viewOf(await rows().where('p.id', id).first()),
  };
  return {
    async enabled() {
      return (await current()) !== undefined;
    },
    offers,
    start: (input) => startCheckout(flow, input),
    learn,
    webhook: (header, raw) => webhookOutcome(flow, header, raw),
    returned: (reference) => voucherReturned(flow, reference),
    async billOffer(subscriberId) {
      return bills ? bills.offer(subscriberId) : { kind: 'off' };
    },
    async startBill(input) {
      if (!bills) throw new AppError('PAYMENTS_OFF', 'Online payment is not offered here', 404);
      return bills.start(input);
    },
    billReturned: (reference) => billReturned(flow, reference),
    async device(reference) {
      if (!/^PN[0-9A-F]{24}$/.test(reference)) return undefined;
      const row = (await db('payments').where({ reference }).first()) as PaymentRow | undefined;
      if (!row?.mac || !row.ip) return undefined;
      return { mac: row.mac, ip: row.ip, site: row.site, lang: row.lang ?? 'en' };
    },
    poll: () => pollRound(flow),
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
