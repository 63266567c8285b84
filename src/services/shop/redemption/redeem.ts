/**
 * Redeeming a code on the captive portal. The rules: trust nothing from the query string (the MAC/IP pair
 * must be a device the router sees now); a code is consumed exactly once (conditional UPDATE inside a
 * transaction, so of two devices racing only one wins); never a consumed voucher without internet and
 * never internet without a consumed voucher (router steps are undone and the claim rolled back on failure).
 * Round trips are kept to two in a row: [login ∥ queue order read] → [queue ∥ MAC binding, once the claim is
 * committed]; the router itself refuses a MAC/IP pair it does not see (unknown host IP, wrong MAC provided).
 */
import type { Knex } from 'knex';
import { statements } from '../../../db/statements';
import { isPlausibleCode, normaliseCode, voucherPasswordMatches } from '../../../domain/codes';
import { AppError } from '../../../domain/errors';
import { deviceOf } from '../../../domain/network';
import { voucherTiming } from '../../../domain/vouchers';
import { isCappedWaiting } from '../../../domain/overage';
import type { SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import type { Asker, GuessTicket } from '../guess-limiter';
import type { RedeemResult, RedemptionService } from '../../types';
import * as lifecycle from '../voucher-lifecycle';
import { profileFromRow, toVoucherState, type VoucherRow } from '../vouchers/state';
import {
  dataUsedUp,
  deviceLimit,
  expired,
  invalidCode,
  otherSite,
  unknownDevice,
  unreachable,
} from './refusals';
import type { Attempt, Claim, RedemptionDeps, SaleEvent } from './shared';

/** What to do with this voucher for this device, or the refusal. */
async function chooseClaim(r: RedemptionDeps, a: Attempt): Promise<Claim> {
  const { row } = a;
  if (row.status === 'revoked')
    throw new AppError('VOUCHER_REVOKED', 'This code has been cancelled by the shop.', 410, 'code');
  if (row.status === 'expired' || row.status === 'exhausted') throw expired();
  if (!lifecycle.usableAt(row, r.site.id)) throw await otherSite(r.deps, row.site_id ?? null);
  if (row.status === 'unused') return 'activate';
  const state = toVoucherState(row, a.profile);
  const now = r.deps.clock.now();
  if (voucherTiming(state, now).expired) throw expired();
  // No device of a code waiting at its cap goes online until extra data is bought (the status page sells it).
  if (isCappedWaiting(state, now, r.deps.config.tz)) throw dataUsedUp();
  const devices = (await r
    .reader('voucher_devices')
    .where({ voucher_id: row.id })
    .select('mac', 'login_pending_at', 'claim_activated')) as Array<{
    mac: string;
    login_pending_at: unknown;
    claim_activated: unknown;
  }>;
  const mine = devices.find((d) => d.mac === a.mac);
  if (mine) {
    a.finishesSale = mine.login_pending_at != null && Boolean(mine.claim_activated);
    return 'relogin';
  }
  if (devices.length < a.profile.users) return 'add-device';
  throw deviceLimit();
}

/** Many wrong codes shop-wide within a minute: someone is guessing. Told once per minute. */
async function reportGuessCeiling(deps: SiteDeps): Promise<void> {
  const { db, clock, log } = deps;
  log.warn({ module: 'portal' }, 'many wrong voucher codes this minute: someone may be guessing codes');
  await recordEvent(db, clock, {
    kind: 'guessing',
    level: 'warn',
    message: 'Many wrong voucher codes were tried on the portal within a minute; guessers are slowed down.',
  }).catch(() => undefined);
}

/**
 * Redeems a code for a device: the device and the code checked, the asker's wrong guesses counted, then the
 * voucher connected (a race lost to another device is tried again from a fresh read).
 */
export async function redeem(
  r: RedemptionDeps,
  input: { code: string; password?: string; mac: string; ip: string; site?: string | number },
  asker?: Asker & { ticket?: GuessTicket },
  known?: FoundVoucher,
  sale?: SaleEvent,
): Promise<RedeemResult> {
  const { db, router } = r.deps;
  const device = deviceOf(input);
  if (!device) throw unknownDevice();
  const { mac, ip } = device;
  // A code someone typed is limited by who asks (guess-limiter/index.ts), never by the device the body names. A
  // code the controller itself holds (no asker: a queued code starting, a resume, a move's login, a vendo's
  // sale) is no guess. A caller that admitted the asker already (the self-service prelude) hands its ticket.
  const ticket =
    asker?.ticket ?? (asker ? await r.limiter.admit({ ...asker, device: { mac, ip } }) : undefined);
  try {
    // Where the router checks codes itself (its own login page), a code works while this controller is away.
    if (!r.login.withoutRouter && !router.status.connected) throw unreachable();
    const code = normaliseCode(String(input.code ?? ''));
    // A caller that has just read this voucher (the self-service prelude) hands it over: one lookup less.
    const looked =
      known && normaliseCode(known.row.code) === code
        ? known
        : isPlausibleCode(code)
          ? await findRow(r.reader, { code })
          : undefined;
    // A typed code whose voucher has a separate password is found only with it: a wrong password is answered
    // and counted as a wrong code, so a guesser never learns that the code was right.
    const found =
      looked && (!asker || voucherPasswordMatches(looked.row.password, input.password)) ? looked : undefined;
    if (!found) {
      // Looked up and wrong: the asker is told so (429 means a code was not looked up at all); the next
      // request learns of the lock the count may have brought.
      if (ticket && (await ticket.fail()).ceilingReached) await reportGuessCeiling(r.deps);
      throw invalidCode(Boolean(input.password));
    }
    ticket?.release(); // a real code: nothing is counted, whatever happens next
    for (let attempt = 0; attempt < 3; attempt++) {
      const { row, profileName, profile } =
        attempt === 0 ? found : ((await findRow(db, { id: found.row.id })) as FoundVoucher);
      const a: Attempt = { row, profile, profileName, mac, ip };
      const kind = await chooseClaim(r, a);
      const result = await r.login.connect(r, kind, a, sale);
      if (result !== 'lost') return result;
    }
    throw deviceLimit();
  } finally {
    if (ticket !== asker?.ticket) ticket?.release();
  }
}

/** A voucher with its profile, as RedemptionService.redeem takes it `known`. */
type FoundVoucher = NonNullable<Parameters<RedemptionService['redeem']>[2]>;

/** The voucher and its profile in one query (the portal's hot path: plain SQL, src/db/statements.ts). */
async function findRow(
  db: Knex,
  where: { code: string } | { id: number },
): Promise<FoundVoucher | undefined> {
  const byCode = 'code' in where;
  const r = await statements(db).get<VoucherRow & { profile_name: string; profile_spec: string }>(
    `SELECT v.*, p.name AS profile_name, p.spec AS profile_spec
       FROM vouchers v JOIN profiles p ON p.id = v.profile_id
      WHERE ${byCode ? 'UPPER(v.code)' : 'v.id'} = ? LIMIT 1`,
    [byCode ? where.code : where.id],
  );
  if (!r) return undefined;
  const { profile_name, profile_spec, ...row } = r;
  return {
    row: row as VoucherRow,
    profileName: profile_name,
    profile: profileFromRow({ spec: profile_spec }),
  };
}
