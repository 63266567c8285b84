/**
 * Learning of a payment, the two ways: the gateway's signed webhook, and reading our pending sessions (the
 * poller's rounds, and at once when the phone comes back). Either way only the session as the gateway's API
 * answers it proves a payment (credit.ts); a round also retries the logins of paid vouchers.
 */
import type { PaymentRow } from './credit';
import type { PaymentFlow } from './checkout';
import type { LearnOutcome, PaymentService, PaymentView, WebhookOutcome } from './types';

/** Read on every poll for the first minutes, then every 5 minutes until the watch ends. */
const EAGER_MS = 15 * 60_000;
const LATER_EVERY_MS = 5 * 60_000;
/** A paid voucher's login is retried this long, and this often at most. */
const LOGIN_RETRY_MS = 6 * 3600_000;
const LOGIN_TRIES = 200;

const REFERENCE = /^PN[0-9A-F]{24}$/;

export async function webhookOutcome(
  f: PaymentFlow,
  header: (name: string) => string | undefined,
  raw: Buffer,
): Promise<WebhookOutcome> {
  const { clock, log } = f.deps;
  const on = await f.current();
  if (!on) return { kind: 'refused', reason: 'payments-off' };
  const v = on.gw.verifyWebhook(header, raw, (f.o.realClock ?? clock).now());
  if (!v.ok) {
    log.warn({ module: 'payments', why: v.why }, 'a webhook was refused: its signature does not check');
    return { kind: 'refused', reason: v.why };
  }
  // Every signed event is taken, acted on or not, so the gateway keeps the webhook enabled.
  if (v.action.kind === 'ignored')
    return { kind: 'ignored', reason: 'not-a-payment', detail: v.action.reason };
  let outcome: LearnOutcome;
  try {
    outcome = await f.learn(v.action.sessionId);
  } catch (err) {
    // The API was not reachable for the check: the poller reads our pending sessions again.
    log.warn({ module: 'payments', err: (err as Error).message }, 'a webhook could not be checked now');
    return { kind: 'ignored', reason: 'retry-later' };
  }
  return outcome === 'credited' || outcome === 'already-credited'
    ? { kind: outcome }
    : { kind: 'ignored', reason: outcome };
}

/** A pending checkout the phone came back from, read from the gateway at once (a failure is only logged). */
async function learnReturning(f: PaymentFlow, row: PaymentRow): Promise<void> {
  if (row.state === 'pending' && row.session_id)
    await f
      .learn(row.session_id)
      .catch((err: Error) =>
        f.deps.log.warn(
          { module: 'payments', err: err.message },
          'a returning payment could not be checked now',
        ),
      );
}

export async function voucherReturned(f: PaymentFlow, reference: string): Promise<PaymentView | undefined> {
  if (!REFERENCE.test(reference)) return undefined;
  const row = (await f.deps.db('payments').where({ reference, purpose: 'voucher' }).first()) as
    PaymentRow | undefined;
  if (!row) return undefined;
  await learnReturning(f, row);
  return f.view(row.id);
}

export async function billReturned(
  f: PaymentFlow,
  reference: string,
): ReturnType<PaymentService['billReturned']> {
  if (!REFERENCE.test(reference)) return undefined;
  const find = async () =>
    (await f.deps.db('payments').where({ reference, purpose: 'subscriber' }).first()) as
      PaymentRow | undefined;
  const row = await find();
  if (!row || row.subscriber_id === null || row.subscriber_id === undefined) return undefined;
  await learnReturning(f, row);
  const fresh = (await find())!;
  return {
    state: fresh.state as PaymentView['state'],
    amount: Number(fresh.amount),
    lang: fresh.lang ?? 'en',
    subscriberId: Number(fresh.subscriber_id),
  };
}

/** Our pending sessions read: each at every round at first, then every 5 minutes; stops when the gateway is away. */
async function readPending(f: PaymentFlow, now: number): Promise<void> {
  const pending = (await f.deps
    .db('payments')
    .where({ state: 'pending' })
    .whereNotNull('session_id')
    .orderBy('id')
    .limit(200)) as PaymentRow[];
  for (const p of pending) {
    const age = now - Number(p.created_at);
    const due = p.checked_at === null || age < EAGER_MS || now - Number(p.checked_at) >= LATER_EVERY_MS;
    if (!due) continue;
    try {
      await f.learn(p.session_id!);
    } catch (err) {
      f.deps.log.warn(
        { module: 'payments', err: (err as Error).message },
        'pending payments could not be read',
      );
      break; // the gateway is away: the next round tries again
    }
  }
}

/** Paid vouchers not online yet: their logins tried again, for a while and a number of times. */
async function retryLogins(f: PaymentFlow, now: number): Promise<void> {
  const waiting = (await f.deps
    .db('payments')
    .where({ state: 'paid', purpose: 'voucher' })
    .whereNull('online_at')
    .where('login_attempts', '<', LOGIN_TRIES)
    .where('credited_at', '>', now - LOGIN_RETRY_MS)
    .orderBy('id')
    .limit(50)
    .select('id')) as { id: number }[];
  for (const w of waiting) await f.loginPaid(w.id);
}

/** One round of the poller (payments on only); the logins only while the router can log a device in. */
export async function pollRound(f: PaymentFlow): Promise<void> {
  if (!(await f.current())) return;
  const now = f.deps.clock.now();
  await readPending(f, now);
  if (!f.o.canLogIn()) return;
  await retryLogins(f, now);
}
