/**
 * What proves a payment, and crediting it exactly once. Only the session as the gateway's API answers it proves
 * anything: its paid payments, in PHP, adding up to the price, for one of our references, in the key's mode.
 * The credit is one transaction: the voucher is made, then the payment row is moved from pending (or expired) to
 * paid with a conditional UPDATE; when another delivery, the poller or the returning phone was first, the UPDATE
 * changes nothing and the transaction (voucher included) is rolled back. No check-then-act: the row is the lock.
 * The login that follows is outside the transaction: a device that left, or a router that is down, leaves the
 * voucher paid and unused (its code shown to the customer and the owner; the login retried by the poller).
 */
import type { Knex } from 'knex';
import { formatMoney } from '../../../domain/units';
import { maskCode } from '../../../lib/logger';
import { recordEvent } from '../../business/events';
import type { ShopDeps } from '../../deps';
import type { RedemptionService } from '../redemption/types';
import type { ProfileRow } from '../vouchers/state';
import { insertSaleVoucher } from '../vendos/sale';
import { saleCodeStyle } from '../vouchers/code-style';
import type { PaymentGateway, SessionFacts, SessionState } from '../../../payments/gateway';
import type { BillPayments, LearnOutcome } from './types';

export interface PaymentRow {
  id: number;
  gateway: string;
  reference: string | null;
  session_id: string | null;
  gateway_payment_id: string | null;
  state: string;
  profile_id: number | null;
  mac: string | null;
  ip: string | null;
  site: string | null;
  lang: string | null;
  amount: number;
  currency: string;
  method: string | null;
  livemode: boolean | number;
  voucher_id: number | null;
  problem: string | null;
  login_error: string | null;
  login_attempts: number;
  created_at: number;
  expires_at: number | null;
  checked_at: number | null;
  credited_at: number | null;
  online_at: number | null;
  join_mode?: string | null;
  joined_into?: string | null;
  /** `voucher` (a profile for a device) or `subscriber` (a subscriber's bill: src/services/subscriptions/billing/bill-payment.ts). */
  purpose?: string;
  subscriber_id?: number | null;
}

export interface CreditDeps {
  deps: ShopDeps;
  redemption: RedemptionService;
  /**
   * The portal's way with a code the controller holds (self-service redeemHeld): a paid voucher for a device whose
   * code is still running joins that code (added, or queued) instead of running beside it unseen. Absent: the
   * plain redemption (a second voucher beside the first).
   */
  join?: (
    input: { code: string; mac: string; ip: string; site?: string },
    sale: { kind: string; message: string; data?: Record<string, unknown> },
  ) => Promise<JoinOutcome>;
  /** A subscriber's bill proven paid: recorded as its payment (src/services/subscriptions/billing). Absent: not creditable here. */
  bill?: BillPayments['credit'];
}

/** What the paid voucher did on its device: logged in as its own, or joined the running code. */
export type JoinOutcome =
  | { kind: 'redeemed' | 'moved' | 'confirm-move' }
  | { kind: 'topped-up'; topUp: { mode: 'add' | 'queue' | 'data'; into: string } };

class AlreadyCredited extends Error {}

type Paid = Extract<SessionState, { kind: 'paid' }>;

/** Why a paid session cannot be credited, or null when it proves the payment. */
export function creditProblem(
  row: PaymentRow,
  s: SessionFacts,
  paid: Paid,
  livemode: boolean,
): string | null {
  // The mode named is the one that differs from the key's: the session's, or else one of its payments'.
  const other = s.livemode !== livemode || paid.payments.some((p) => p.livemode !== livemode);
  if (other)
    return `paid in ${livemode ? 'test' : 'live'} mode, but the shop's key is for ${livemode ? 'live' : 'test'} mode`;
  const foreign = paid.payments.find((p) => p.currency !== 'PHP');
  if (foreign || (s.currency !== '' && s.currency !== 'PHP'))
    return `paid in ${foreign?.currency || s.currency}, not in pesos (PHP)`;
  if (s.total !== Number(row.amount))
    return `the checkout's total is ${formatMoney(s.total)}, not the price ${formatMoney(Number(row.amount))}`;
  if (paid.amount < Number(row.amount))
    return `amount short: ${formatMoney(paid.amount)} paid of ${formatMoney(Number(row.amount))}`;
  return null;
}

/** A paid session that is none of ours (another reference, or none): kept for the owner, once. */
async function keepUnknown(c: CreditDeps, gw: PaymentGateway, s: SessionFacts, paid: Paid): Promise<void> {
  const { db, clock } = c.deps;
  await db('payments')
    .insert({
      gateway: gw.name,
      reference: null,
      session_id: s.id,
      gateway_payment_id: paid.payments[0].id,
      state: 'rejected',
      amount: paid.amount,
      currency: paid.payments[0].currency,
      method: paid.method,
      livemode: s.livemode,
      problem: `a paid checkout whose reference (${(s.reference ?? 'none').slice(0, 60)}) is not one this shop made`,
      created_at: clock.now(),
    })
    .onConflict('session_id')
    .ignore();
}

/** Reads the session from the gateway and acts on what it proves. */
export async function learnSession(
  c: CreditDeps,
  gw: PaymentGateway,
  s: SessionFacts,
): Promise<LearnOutcome> {
  const { db, clock } = c.deps;
  const now = clock.now();
  const row = s.reference
    ? ((await db('payments').where({ reference: s.reference }).first()) as PaymentRow | undefined)
    : undefined;
  if (!row || row.session_id !== s.id) {
    if (s.state.kind !== 'paid') return 'unknown';
    if (s.livemode !== gw.livemode) return 'other-mode';
    await keepUnknown(c, gw, s, s.state);
    return 'rejected';
  }
  if (row.state === 'paid') return 'already-credited';
  if (s.state.kind !== 'paid') {
    const over = s.state.kind === 'expired' || (row.expires_at !== null && now > Number(row.expires_at));
    await db('payments')
      .where({ id: row.id, state: 'pending' })
      .update(over ? { state: 'expired', checked_at: now } : { checked_at: now });
    return over ? 'expired' : 'unpaid';
  }
  const paid = s.state;
  const problem = creditProblem(row, s, paid, gw.livemode);
  const { method } = paid;
  const paymentId = paid.payments[0].id;
  if (problem) {
    await db('payments')
      .where({ id: row.id })
      .whereIn('state', ['pending', 'expired'])
      .update({ state: 'rejected', problem, method, gateway_payment_id: paymentId, checked_at: now });
    c.deps.log.warn(
      { module: 'payments', payment: row.id, session: s.id },
      `a payment was not credited: ${problem}`,
    );
    return 'rejected';
  }
  if (row.purpose === 'subscriber') {
    if (!c.bill || row.subscriber_id === null || row.subscriber_id === undefined) return 'rejected';
    return c.bill(
      { ...row, subscriber_id: Number(row.subscriber_id) },
      { sessionId: s.id, paymentId, method, paid: paid.amount },
    );
  }
  return credit(c, row, paymentId, method);
}

async function credit(c: CreditDeps, row: PaymentRow, paymentId: string, method: string | null) {
  const { db, clock, settings, log } = c.deps;
  const profileRow = (await db('profiles').where({ id: row.profile_id }).first()) as ProfileRow | undefined;
  if (!profileRow) return 'rejected';
  // Read before the transaction (SQLite's pool has one connection: never inside one).
  const style = await saleCodeStyle(settings);
  let code = '';
  try {
    await db.transaction(async (trx: Knex.Transaction) => {
      const now = clock.now();
      const made = await insertSaleVoucher(trx, style, {
        profileRow,
        price: Number(row.amount),
        // Sold for the phone at hand, wherever it is: the login gives it the site whose router sees the phone.
        siteId: null,
        roaming: true,
        now,
      });
      code = made.code;
      const n = await trx('payments').where({ id: row.id }).whereIn('state', ['pending', 'expired']).update({
        state: 'paid',
        voucher_id: made.id,
        gateway_payment_id: paymentId,
        method,
        credited_at: now,
        checked_at: now,
        problem: null,
      });
      if (n !== 1) throw new AlreadyCredited();
    });
  } catch (err) {
    if (err instanceof AlreadyCredited) return 'already-credited';
    // The payment id is unique too: a second session claiming the same payment is refused by the database.
    if (/unique|duplicate/i.test((err as Error).message)) return 'already-credited';
    throw err;
  }
  log.info(
    { module: 'payments', payment: row.id, voucher: maskCode(code), method },
    `online payment of ${formatMoney(Number(row.amount))} credited (${method ?? 'PayMongo'}): voucher ${maskCode(code)}`,
  );
  await loginPaid(c, row.id);
  return 'credited';
}

/**
 * Logs the paying device in with its voucher; a failure (device gone, router down) is noted and retried by the
 * poller while the voucher stays unused. Never throws.
 */
export async function loginPaid(c: CreditDeps, paymentId: number): Promise<boolean> {
  const { db, clock, log } = c.deps;
  const p = (await db('payments as p')
    .join('vouchers as v', 'v.id', 'p.voucher_id')
    .where('p.id', paymentId)
    .first('p.*', 'v.code', 'v.status as voucher_status')) as
    (PaymentRow & { code: string; voucher_status: string }) | undefined;
  if (!p || p.online_at !== null || !p.mac || !p.ip) return false;
  if (p.voucher_status !== 'unused') {
    // Used already (typed on another phone, say): nothing left to log in.
    await db('payments').where({ id: p.id }).update({ login_error: null, login_attempts: 999 });
    return false;
  }
  const sale = {
    kind: 'payment-sale',
    message: `Bought online for ${formatMoney(Number(p.amount))} (${p.method ?? 'PayMongo'}), by ${p.mac}`,
    data: { payment: p.id, amount: Number(p.amount), method: p.method, mac: p.mac },
  };
  const input = { code: p.code, mac: p.mac, ip: p.ip, ...(p.site ? { site: p.site } : {}) };
  try {
    const out = c.join ? await c.join(input, sale) : undefined;
    if (!out) await c.redemption.redeem(input, undefined, undefined, sale);
    const joined = out?.kind === 'topped-up' && out.topUp.mode !== 'data' ? out.topUp : null;
    if (joined) {
      // Its time went to the running code: the feed says where the money went.
      await recordEvent(db, clock, {
        voucherId: Number(p.voucher_id),
        kind: sale.kind,
        message: `${sale.message}: ${joined.mode === 'add' ? 'added to' : 'queued after'} ${joined.into}`,
        data: { ...sale.data, join: joined.mode, into: joined.into },
      });
    }
    await db('payments')
      .where({ id: p.id })
      .update({
        online_at: clock.now(),
        login_error: null,
        ...(joined ? { join_mode: joined.mode, joined_into: joined.into.slice(0, 32) } : {}),
      });
    return true;
  } catch (err) {
    const message = (err as Error).message.slice(0, 300);
    await db('payments')
      .where({ id: p.id })
      .update({ login_error: message, login_attempts: Number(p.login_attempts) + 1 });
    log.warn(
      { module: 'payments', payment: p.id, mac: p.mac, err: message },
      'a paid voucher was not logged in on its device yet',
    );
    return false;
  }
}
