/**
 * A voucher follows its customer to a new WiFi address. Phones use a different (randomised) MAC per
 * network and sometimes change it, and then look like a new device that the voucher's device count
 * refuses. Entering the code on the new address moves the voucher there when the browser proves it is the
 * code's own (its device cookie; after confirming when the old address still has a session), or when every
 * device of the code has been offline for the shop's delay; a code in use is never taken by another phone
 * (domain moveDecision). The order keeps every byte and second counted
 * once: a poll cycle counts up to now, the old session is ended (the site's sessions part), a second cycle takes the old queue's
 * last bytes (and removes it), then the device row is re-keyed and the new device logged in as a
 * redemption's relogin (its own queue, counted from its own baseline). A failed login puts the row back; one the
 * router did not answer leaves the move standing (the phone may be online; entering the code again finishes it).
 */
import { moveAllowance, moveDecision, SELF_SERVICE_WINDOW_MS } from '../../../domain/self-service';
import { CodeInUseError, MoveLimitError } from '../../../domain/errors';
import { isLoginUnconfirmed } from '../redemption/refusals';
import { maskCode } from '../../../lib/logger';
import type { SiteDeps } from '../../deps';
import { recordEvent } from '../../business/events';
import * as lifecycle from '../voucher-lifecycle';
import type { RedeemResult, RedemptionService, UsageService } from '../../types';
import type { Logins } from '../vouchers/logins';
import type { Sessions } from '../vouchers/sessions';
import { eventTimes, meterNow, unreachable, waitText, type Voucher } from './shared';

type MoveOutcome =
  { kind: 'moved'; result: RedeemResult; from: string } | { kind: 'confirm'; message: string };

export function createMoves(
  deps: SiteDeps,
  d: {
    usage: Pick<UsageService, 'runCycle'>;
    redemption: Pick<RedemptionService, 'redeem'>;
    logins: Pick<Logins, 'moved' | 'paused'>;
    sessions: Sessions;
    movesPerDay: () => Promise<number>;
    moveOfflineMinutes: () => Promise<number>;
  },
) {
  const { db, clock, log } = deps;
  const { sessions } = d;

  async function rekey(v: Voucher, from: string, to: string, ip: string): Promise<boolean> {
    return db.transaction((trx) =>
      lifecycle.moveDevice(trx, {
        voucherId: v.row.id,
        from,
        to,
        ip,
        bound: v.profile.users === 1,
        at: clock.now(),
      }),
    );
  }

  /** Back to the old address after a failed login on the new one (the old device can log in again). */
  async function undo(v: Voucher, from: string, to: string, oldIp: string | null): Promise<void> {
    await rekey(v, to, from, oldIp ?? '').catch((e: Error) =>
      log.error({ err: e.message }, 'move undo failed'),
    );
    await d.logins.moved(v.row, to, from, v.profile.users === 1).catch(() => undefined);
  }

  /**
   * The device the voucher moves from, or a refusal: moves off, a code in use by another phone
   * (moveDecision), or the daily count used up. Refused before the count is looked at, a stranger learns
   * nothing about the code's moves.
   */
  async function sourceOf(v: Voucher, provenMac: string | null) {
    const limit = await d.movesPerDay();
    if (limit === 0) throw new CodeInUseError(null);
    if (!sessions.reachable()) throw unreachable();
    const online = new Set(await sessions.online(v.row.code));
    const devices = (await db('voucher_devices')
      .where({ voucher_id: v.row.id })
      .select('mac', 'ip', 'connected', 'last_seen_at')) as Array<{
      mac: string;
      ip: string | null;
      connected: boolean | number;
      last_seen_at: number;
    }>;
    const offlineMinutes = await d.moveOfflineMinutes();
    const now = clock.now();
    const decision = moveDecision({
      devices: devices.map((x) => ({
        mac: x.mac,
        online: online.has(x.mac),
        onlineAtLastPoll: Boolean(x.connected),
        lastSeenAt: Number(x.last_seen_at),
      })),
      provenMac,
      offlineMinutes,
      now,
    });
    if (!decision) throw unreachable();
    if (decision.kind === 'refuse') throw new CodeInUseError(offlineMinutes);
    const allowance = moveAllowance(
      limit,
      await eventTimes(db, v.row.id, 'move', now - SELF_SERVICE_WINDOW_MS),
      now,
    );
    if (allowance.left === 0)
      throw new MoveLimitError(
        limit,
        allowance.nextAt ? Math.max(1, Math.ceil((allowance.nextAt - now) / 60_000)) : null,
        allowance.nextAt ? waitText(allowance.nextAt, now) : '',
      );
    return {
      mac: decision.from,
      confirm: decision.confirm,
      online: online.has(decision.from),
      byOwner: decision.from === provenMac,
      oldIp: devices.find((x) => x.mac === decision.from)?.ip ?? null,
    };
  }

  async function move(
    v: Voucher,
    to: { mac: string; ip: string },
    /** `provenMac`: the MAC the asker's browser proved with its device cookie, or null. */
    opts: { confirmed: boolean; provenMac: string | null },
  ): Promise<MoveOutcome> {
    const source = await sourceOf(v, opts.provenMac);
    if (source.confirm && !opts.confirmed)
      return {
        kind: 'confirm',
        message:
          'This code is being used on another device right now. Move it to this device? The other device will be logged out.',
      };
    await meterNow(d.usage);
    if (source.online) {
      await sessions.end(v.row.code, [source.mac]).catch(() => {
        throw unreachable();
      });
      await meterNow(d.usage); // the old queue's last bytes, counted before its row changes address
    }
    if (!(await rekey(v, source.mac, to.mac, to.ip))) throw unreachable();
    let result: RedeemResult;
    try {
      // Its login follows the device (a one-device plan's binding, the codes kept for it, the device counted).
      await d.logins.moved(v.row, source.mac, to.mac, v.profile.users === 1);
      // A paused code that moves is resumed on its new address (the move ended the pause): its login is let in.
      if (v.row.paused_at !== null && v.row.paused_at !== undefined) await d.logins.paused(v.row, false);
      // The code was found and checked above: its login is no guess, so it carries no asker.
      result = await d.redemption.redeem({ code: v.row.code, mac: to.mac, ip: to.ip });
    } catch (err) {
      // A login the router did not answer may have put this phone online: the move stands (the old phone is logged
      // out already), and entering the code again here finishes its login. Any other failure puts it back.
      if (isLoginUnconfirmed(err)) await recordMove(v, source, to.mac);
      else await undo(v, source.mac, to.mac, source.oldIp);
      throw err;
    }
    await recordMove(v, source, to.mac);
    return { kind: 'moved', result, from: source.mac };
  }

  /** The move in the code's events (its daily count reads them) and the shop's log. */
  async function recordMove(
    v: Voucher,
    source: { mac: string; byOwner: boolean; confirm: boolean },
    to: string,
  ): Promise<void> {
    const masked = maskCode(v.row.code);
    await recordEvent(db, clock, {
      voucherId: v.row.id,
      kind: 'move',
      message: `Moved from ${source.mac} to ${to}${source.byOwner ? ' by the browser that redeemed it' : ' after all its devices were offline'}${source.confirm ? ' (the old device was logged out)' : ''}`,
      data: { from: source.mac, to, confirmed: source.confirm, byOwner: source.byOwner },
    });
    log.info(
      { module: 'portal', event: 'move', voucher: masked, from: source.mac, to },
      `voucher ${masked} moved from ${source.mac} to ${to}`,
    );
  }

  return { move };
}
