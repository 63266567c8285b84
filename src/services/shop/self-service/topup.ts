/**
 * A second code on a device whose code still has time: added to it (the profile's `topup: "add"`, the
 * default) or kept for the device and started when the first ends (`"queue"`, or plans too different to
 * merge). The consumption of the second and the credit to the first are one transaction.
 */
import { addedAmounts, addRefusal, topUpModeOf } from '../../../domain/self-service';
import { formatBytes, formatDurationHuman } from '../../../domain/units';
import { maskCode } from '../../../lib/logger';
import { siteOf, type SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import * as lifecycle from '../voucher-lifecycle';
import * as voucherDevices from '../voucher-devices';
import { loginUnconfirmed } from '../redemption/refusals';
import { routerUptimeLimit } from '../vouchers/state';
import { userPassword } from '../../../router/hotspot/users';
import type { Logins } from '../vouchers/logins';
import type { Sessions } from '../vouchers/sessions';
import { consumeCode, timingOf, unreachable, voucherById, type Voucher } from './shared';
import type { TopUpOutcome } from './types';

type TopUpParts = { logins: Pick<Logins, 'requestCheck' | 'grown' | 'kept'>; sessions: Sessions };

/** What the steps work with: the deps, the login and session seams, and the service's own site. */
interface T extends TopUpParts {
  deps: SiteDeps;
  siteId: number;
}

export function createTopUps(deps: SiteDeps, d: TopUpParts) {
  const t: T = { deps, ...d, siteId: siteOf(deps).id };
  return {
    /**
     * The second code on a device whose `first` voucher is running. Refused while the first's login is not
     * confirmed (LOGIN_UNCONFIRMED, nothing used): the poll may give the first back as unused, and a code added to
     * it or queued after it would be spent with nothing to show.
     */
    async topUp(first: Voucher, second: Voucher, mac: string): Promise<TopUpOutcome> {
      if (await voucherDevices.loginPending(deps.db, first.row.id)) throw loginUnconfirmed();
      const mode = topUpModeOf(second.profile);
      const refusal = addRefusal(first.profile, second.profile, Boolean(first.row.staff));
      if (mode === 'add' && refusal === null) return add(t, first, second, mac);
      return queue(t, first, second, mac, mode === 'add' ? refusal : null);
    },
  };
}

const remaining = (t: T, v: Voucher): number | null => timingOf(v, t.deps.clock.now()).remainingSeconds;

async function add(t: T, first: Voucher, second: Voucher, mac: string): Promise<TopUpOutcome> {
  const { db, log } = t.deps;
  if (!t.sessions.reachable()) throw unreachable();
  const added = addedAmounts(second.profile);
  const into = maskCode(first.row.code);
  const extra = await commitAdd(t, { first, second, mac, added, into });
  const after = await voucherById(db, first.row.id);
  await tellLoginGrown(t, { first, after, added, into, extraSeconds: extra.extraSeconds });
  log.info(
    { module: 'portal', event: 'topup', voucher: into, code: maskCode(second.row.code), mac },
    `voucher ${into} topped up with ${maskCode(second.row.code)} (${second.profileName}) by ${mac}`,
  );
  return {
    mode: 'add',
    into,
    code: maskCode(second.row.code),
    addedSeconds: added.seconds,
    addedBytes: added.capBytes,
    queuedBecause: null,
    remainingSeconds: after ? remaining(t, after) : null,
  };
}

type Added = ReturnType<typeof addedAmounts>;

/** The second code consumed and its time and data credited to the first, with both feeds, in one transaction. */
async function commitAdd(
  t: T,
  c: { first: Voucher; second: Voucher; mac: string; added: Added; into: string },
): Promise<{ extraSeconds: number }> {
  const { db, clock } = t.deps;
  const { first, second, mac, added, into } = c;
  const now = clock.now();
  return consumeCode(db, 'time', async (trx) => {
    const out = await lifecycle.addTopUp(trx, {
      first: first.row,
      firstProfile: first.profile,
      second: second.row,
      firstLabel: into,
      added,
      at: now,
      siteId: t.siteId,
    });
    const what = `${formatDurationHuman(added.seconds)}${added.capBytes ? ` and ${formatBytes(added.capBytes)}` : ''}`;
    await recordEvent(trx, clock, {
      voucherId: first.row.id,
      kind: 'topup',
      message: `Topped up by ${mac} with code ${maskCode(second.row.code)} (${second.profileName}): ${what} added`,
      data: { mode: 'add', mac, code: second.row.id, seconds: added.seconds, bytes: added.capBytes },
    });
    await recordEvent(trx, clock, {
      voucherId: second.row.id,
      kind: 'topup',
      message: `Sold as a top-up: added to ${into} by ${mac}`,
      data: { mode: 'add', mac, into: first.row.id },
    });
    return out;
  });
}

/**
 * The login's own time limit and data follow (the router would otherwise log the customer out at the old
 * ones), then its devices online take them (a session takes both at login). The database is the truth: if
 * the login cannot take it now, the users check puts it right.
 */
async function tellLoginGrown(
  t: T,
  c: { first: Voucher; after: Voucher | undefined; added: Added; into: string; extraSeconds: number },
): Promise<void> {
  const { log } = t.deps;
  const { first, after, added, into } = c;
  try {
    const limit = routerUptimeLimit(first.profile, c.extraSeconds, Boolean(first.row.staff));
    const g = { profileName: first.profileName, limitSeconds: limit, addedBytes: added.capBytes };
    if (!(await t.logins.grown(first.row, g)))
      t.logins.requestCheck('a topped-up voucher is missing on the router');
    else if (
      !(await t.sessions.renew(first.row.code, userPassword(first.row), after ? remaining(t, after) : null))
    )
      log.info({ voucher: into }, 'top-up: a device online keeps its old limits until it logs in again');
  } catch (err) {
    log.warn({ err: (err as Error).message, voucher: into }, 'top-up: login not updated yet');
    t.logins.requestCheck('a top-up was not written to the router');
  }
}

async function queue(t: T, first: Voucher, second: Voucher, mac: string, because: string | null) {
  const { db, clock, log } = t.deps;
  const now = clock.now();
  const into = maskCode(first.row.code);
  await consumeCode(db, 'time', async (trx) => {
    if (
      !(await lifecycle.queueFor(trx, second.row.id, { mac, after: first.row.id, at: now, siteId: t.siteId }))
    )
      throw new lifecycle.TopUpRaced();
    await recordEvent(trx, clock, {
      voucherId: second.row.id,
      kind: 'topup',
      message: `Kept for ${mac}: starts when ${into} ends${because ? ` (${because})` : ''}`,
      data: { mode: 'queue', mac, after: first.row.id },
    });
  });
  await bindQueued(t, second, mac);
  log.info(
    { module: 'portal', event: 'topup', voucher: into, code: maskCode(second.row.code), mac },
    `code ${maskCode(second.row.code)} queued by ${mac} after ${into}`,
  );
  return {
    mode: 'queue' as const,
    into,
    code: maskCode(second.row.code),
    addedSeconds: second.profile.validitySeconds ?? 0,
    addedBytes: second.profile.dataCapBytes ?? 0,
    queuedBecause: because,
    remainingSeconds: remaining(t, first),
  };
}

/**
 * Kept for this device at its login too (on the router, its hotspot user is bound to the device's MAC until
 * it starts, so no other device can log in with it on the router's own page). The users check puts it right
 * if the login cannot take it now.
 */
async function bindQueued(t: T, second: Voucher, mac: string): Promise<void> {
  try {
    const limitSeconds = routerUptimeLimit(
      second.profile,
      second.row.extra_seconds,
      Boolean(second.row.staff),
    );
    const plan = { profileName: second.profileName, limitSeconds, users: second.profile.users };
    await t.logins.kept(second.row, plan, mac, t.deps.clock.now());
  } catch (err) {
    t.deps.log.warn(
      { err: (err as Error).message, code: maskCode(second.row.code) },
      'queued code not bound yet',
    );
    t.logins.requestCheck('a queued code was not bound to its device');
  }
}
