/**
 * The customer's side of a vendo: reserve the box for this device, watch the coins land, and Done, which turns
 * the credit into a voucher bound to the device and logs it in through the redemption service (or tops up the
 * device's active voucher). The coins are claimed in the same transaction that makes the voucher; a login that
 * fails gives them back as saved credit, so there is never a consumed credit without internet, and never
 * internet without the credit consumed. A window that times out keeps its coins as the device's saved credit.
 */
import crypto from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import { insertedId } from '../../db/knex';
import { normaliseMac, parseIPv4, formatMoney, formatDurationHuman } from '../../domain/units';
import { bestPurchase, minimumAmount } from '../../domain/vendo';
import { AppError } from '../../domain/errors';
import { maskCode } from '../../lib/logger';
import type { ServiceDeps } from '../deps';
import { recordEvent } from '../events';
import { profileFromRow, type ProfileRow } from '../voucher-state';
import type { RedemptionService, VoucherService } from '../types';
import {
  DEFAULT_SAVED_CREDIT_HOURS,
  expireWindows,
  OFFLINE_AFTER_MS,
  ratesOf,
  requireVendo,
  SAVED_CREDIT_KEY,
  type SessionRow,
  type VendoRow,
} from './store';
import { activeVoucherOfDevice, newCode } from './sale';
import { newPassword, saleCodeStyle } from '../vouchers/code-style';
import { settleInterruptedFinishes, undoFinish } from './settle';
import { assertVendoSellsHere, type LocateDevice } from './site-check';
import type { FinishResult, SessionView, StartResult } from './types';

const sessionNotFound = () =>
  new AppError('VENDO_SESSION_NOT_FOUND', 'That coin window does not exist', 404, 'session');

export function vendoPortal(
  deps: ServiceDeps,
  d: {
    redemption: RedemptionService;
    vouchers: VoucherService;
    events: EventEmitter;
    /** Absent (the terminal menu): no router is asked, a vendo of one site is not checked here. */
    locate?: LocateDevice;
  },
) {
  const { db, clock, log, settings } = deps;

  async function cutoff(now: number): Promise<number> {
    const hours = Number(await settings.get<number>(SAVED_CREDIT_KEY, DEFAULT_SAVED_CREDIT_HOURS));
    const h = Number.isFinite(hours) && hours >= 0 ? hours : DEFAULT_SAVED_CREDIT_HOURS;
    return now - h * 3600_000;
  }

  /** Coins of the device's closed windows, not yet spent and not older than the saved-credit time. */
  async function savedCoins(q: Knex, mac: string, now: number, except?: string) {
    const rows = (await q('vendo_coins as c')
      .join('vendo_sessions as s', 's.id', 'c.session_id')
      .where('c.mac', mac)
      .whereNull('c.claimed_at')
      .where('c.received_at', '>=', await cutoff(now))
      .whereNot('s.state', 'armed')
      .modify((b) => (except ? void b.whereNot('c.session_id', except) : undefined))
      .select('c.id', 'c.amount')) as { id: number; amount: number }[];
    return rows;
  }

  const sum = (rows: { amount: number }[]) => rows.reduce((s, r) => s + Number(r.amount), 0);

  /**
   * Whether the request comes from the address the hotspot gives this MAC now (one read of the router's host
   * list). A router that cannot be asked proves nothing: the window is opened unproven, which is safe.
   */
  async function askingFromHotspotAddress(mac: string, peerIp: string | null): Promise<boolean> {
    if (!peerIp) return false;
    try {
      return (await deps.hotspot.hostAddresses(mac)).includes(peerIp);
    } catch (err) {
      log.warn({ err: (err as Error).message, mac }, 'coin window: could not read the hotspot hosts');
      return false;
    }
  }

  async function sessionCoins(q: Knex, id: string, unclaimedOnly: boolean) {
    const b = q('vendo_coins').where({ session_id: id });
    if (unclaimedOnly) b.whereNull('claimed_at');
    return (await b.select('id', 'amount')) as { id: number; amount: number }[];
  }

  async function requireSession(id: unknown): Promise<SessionRow> {
    const key = typeof id === 'string' ? id : '';
    const s = key
      ? ((await db('vendo_sessions').where({ id: key }).first()) as SessionRow | undefined)
      : undefined;
    if (!s) throw sessionNotFound();
    return s;
  }

  function device(mac: unknown, ip: unknown): { mac: string; ip: string } {
    try {
      return { mac: normaliseMac(mac), ip: parseIPv4(ip, 'ip') };
    } catch {
      throw new AppError(
        'UNKNOWN_DEVICE',
        'Your device is not connected to this WiFi hotspot. Reconnect to the WiFi and open the login page again.',
        403,
      );
    }
  }

  const activeVoucherOf = (mac: string, now: number) => activeVoucherOfDevice(db, mac, now);
  // Read before a transaction (the pool has one connection: never inside one).
  const codeStyle = () => saleCodeStyle(settings);

  /** Marks the window as being finished and claims the coins, in one transaction; false if someone was first. */
  async function claimWindow(
    trx: Knex,
    s: SessionRow,
    coinIds: number[],
    set: Record<string, unknown>,
    now: number,
  ) {
    const n = await trx('vendo_sessions')
      .where({ id: s.id })
      .whereIn('state', ['armed', 'expired'])
      .update({
        state: 'finishing',
        ended_at: now,
        ...('voucher_id' in set ? { voucher_id: set.voucher_id } : {}),
      });
    if (n !== 1)
      throw new AppError('VENDO_SESSION_BUSY', 'This coin window is being finished already', 409, 'session');
    const claimed = await trx('vendo_coins')
      .whereIn('id', coinIds)
      .whereNull('claimed_at')
      .update({ claimed_at: now, ...set });
    if (claimed !== coinIds.length)
      throw new AppError(
        'VENDO_SESSION_BUSY',
        'These coins are being used already; try again',
        409,
        'session',
      );
  }

  async function finish(id: string): Promise<FinishResult> {
    await settleInterrupted();
    const s = await requireSession(id);
    const now = clock.now();
    await expireWindows(db, now, s.vendo_id);
    if (s.state === 'finished')
      throw new AppError(
        'VENDO_SESSION_FINISHED',
        'This coin window is done already; your time is on your voucher',
        409,
      );
    if (s.state === 'finishing')
      throw new AppError('VENDO_SESSION_BUSY', 'This coin window is being finished already', 409, 'session');
    const vendo = await requireVendo(db, s.vendo_id);
    // The device's saved credit is spent by a window the device itself opened (see start()), or by one that got
    // coins of its own: someone paid at the box for this device (a customer whose phone could not prove itself,
    // behind NAT say), and the router checks the device's MAC and address at the login. Naming someone else's
    // device without paying spends nothing of theirs.
    const own = await sessionCoins(db, s.id, true);
    const coins = [...own, ...(s.proven || own.length > 0 ? await savedCoins(db, s.mac, now, s.id) : [])];
    const credit = sum(coins);
    if (credit === 0)
      throw new AppError('NO_CREDIT', 'Insert a coin first: there is no credit to turn into time yet.', 400);
    const rates = ratesOf(vendo);
    const bought = bestPurchase(rates, credit);
    if (bought.seconds === 0)
      throw new AppError(
        'CREDIT_TOO_SMALL',
        `${formatMoney(credit)} buys no time yet; insert at least ${formatMoney(minimumAmount(rates))} in all.`,
        400,
      );
    const ids = coins.map((c) => c.id);
    const active = await activeVoucherOf(s.mac, now);
    // Checked before any coin is claimed: a refusal leaves them in the window (then saved credit), as above.
    await assertVendoSellsHere(db, d.locate, vendo, s, active);
    const actor = { name: `vendo ${vendo.name}`, via: 'portal' as const };
    if (active) {
      // Top-up: the device keeps its voucher, which gets the bought time.
      let topupId = 0;
      await db.transaction(async (trx) => {
        topupId = insertedId(
          await trx('vendo_topups')
            .insert({
              voucher_id: active.id,
              vendo_id: vendo.id,
              session_id: s.id,
              amount: credit,
              seconds: bought.seconds,
              at: now,
            })
            .returning('id'),
        );
        await claimWindow(trx, s, ids, { voucher_id: active.id, topup_id: topupId }, now);
      });
      let extended;
      try {
        extended = await d.vouchers.extend(active.code, bought.seconds, actor, { confirmed: true });
      } catch (err) {
        await undo(s, ids, active.id, topupId);
        throw err;
      }
      await db('vendo_topups').where({ id: topupId }).update({ applied_at: clock.now() });
      await db('vendo_sessions')
        .where({ id: s.id })
        .update({ state: 'finished', ended_at: clock.now(), voucher_id: active.id });
      log.info(
        {
          module: 'vendo',
          event: 'vendo-topup',
          vendo: vendo.id,
          voucher: maskCode(active.code),
          mac: s.mac,
          amount: credit,
        },
        `${formatMoney(credit)} of coins at ${vendo.name} added ${formatDurationHuman(bought.seconds)} to voucher ${maskCode(active.code)}`,
      );
      await recordEvent(db, clock, {
        voucherId: active.id,
        kind: 'vendo-topup',
        message: `Topped up with ${formatMoney(credit)} of coins at ${vendo.name}: +${formatDurationHuman(bought.seconds)}`,
        data: { vendo: vendo.id, amount: credit, seconds: bought.seconds },
      }).catch(() => undefined);
      let relogin = true;
      try {
        // Back online if it was not (a device that was logged out when its time ran low).
        await d.redemption.redeem({ code: active.code, mac: s.mac, ip: s.ip });
      } catch (err) {
        relogin = false;
        log.warn(
          { module: 'vendo', mac: s.mac, err: (err as Error).message },
          'top-up: the device was not logged in again',
        );
      }
      return {
        code: extended.code,
        profile: extended.profile,
        expiresAt: extended.expiresAt,
        rateUp: extended.rateUp,
        rateDown: extended.rateDown,
        relogin,
        credit,
        seconds: bought.seconds,
        topUp: true,
      };
    }

    const profileRow = (await db('profiles').where({ id: vendo.profile_id }).first()) as ProfileRow;
    const profile = profileFromRow(profileRow);
    let voucherId = 0;
    let code = '';
    const style = await codeStyle();
    await db.transaction(async (trx) => {
      code = await newCode(trx, style);
      voucherId = insertedId(
        await trx('vouchers')
          .insert({
            code,
            // Never typed by this customer (the sale logs the phone in), but it guards the code as a card's does.
            password: newPassword(style),
            profile_id: profileRow.id,
            batch_id: null,
            price: credit,
            rate_limit_up: profile.rateUp,
            rate_limit_down: profile.rateDown,
            staff: false,
            status: 'unused',
            // The profile's validity plus this: the time the coins bought (negative when they bought less).
            extra_seconds: bought.seconds - (profile.validitySeconds ?? 0),
            vendo_id: vendo.id,
            // A shared vendo's voucher is for the phone at hand, wherever it is: the redemption below gives it the
            // site whose router sees the phone (src/services/site-dispatch.ts), so a box at any branch sells. A
            // vendo of one site sells there only: its voucher is that site's, logged in on that router.
            site_id: vendo.site_id ?? null,
            roaming: vendo.site_id == null,
            created_at: now,
            updated_at: now,
          })
          .returning('id'),
      );
      await claimWindow(trx, s, ids, { voucher_id: voucherId }, now);
    });
    let result;
    try {
      // The purchase is one entry in the shop's feed: the redemption writes this one in place of its own sale.
      const site = vendo.site_id == null ? {} : { site: Number(vendo.site_id) };
      result = await d.redemption.redeem({ code, mac: s.mac, ip: s.ip, ...site }, undefined, undefined, {
        kind: 'vendo-sale',
        message: `Bought with ${formatMoney(credit)} of coins at ${vendo.name}: ${formatDurationHuman(bought.seconds)}, by ${s.mac}`,
        data: { vendo: vendo.id, amount: credit, seconds: bought.seconds, mac: s.mac },
      });
    } catch (err) {
      await undo(s, ids, voucherId, null);
      log.warn(
        { module: 'vendo', vendo: vendo.id, mac: s.mac, err: (err as Error).message },
        `Done at ${vendo.name} did not get the device online; ${formatMoney(credit)} kept as its saved credit`,
      );
      throw err;
    }
    await db('vendo_sessions').where({ id: s.id }).update({ state: 'finished', ended_at: clock.now() });
    return { ...result, credit, seconds: bought.seconds, topUp: false };
  }

  const settleInterrupted = () => settleInterruptedFinishes(deps);
  const undo = (s: SessionRow, ids: number[], voucherId: number | null, topupId: number | null) =>
    undoFinish(deps, s, ids, voucherId, topupId);

  return {
    finish,
    settleInterrupted,

    async portalList(siteId?: number | null) {
      const now = clock.now();
      const rows = (await db('vendos')
        .where({ enabled: true })
        .modify((q) => {
          if (siteId === null) q.whereNull('site_id');
          else if (siteId !== undefined) q.where((w) => w.whereNull('site_id').orWhere('site_id', siteId));
        })
        .orderBy('name')) as VendoRow[];
      const busy = new Set(
        (
          await db('vendo_sessions')
            .where({ state: 'armed' })
            .where('expires_at', '>', now)
            .select('vendo_id')
        ).map((r: { vendo_id: string }) => r.vendo_id),
      );
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        location: r.location,
        online: r.last_seen_at !== null && now - Number(r.last_seen_at) < OFFLINE_AFTER_MS,
        busy: busy.has(r.id),
        minimum: minimumAmount(ratesOf(r)),
      }));
    },

    async savedCredit(macInput: string): Promise<number> {
      let mac: string;
      try {
        mac = normaliseMac(macInput);
      } catch {
        return 0;
      }
      return sum(await savedCoins(db, mac, clock.now()));
    },

    /**
     * Opens a coin window at a vendo for the device the page names. The device proves itself by its portal cookie
     * (`asker.provenMac`) or by asking from the address the hotspot gives that MAC now; a window opened without
     * that proof only turns its own coins into time: it neither shows nor spends the device's saved credit, and
     * leaves the device's window at another box alone (someone on the WiFi naming another device gains nothing
     * and takes nothing from it).
     */
    async start(
      input: { vendo: unknown; mac: unknown; ip: unknown },
      asker: { peerIp: string | null; provenMac: string | null } = { peerIp: null, provenMac: null },
    ): Promise<StartResult> {
      await settleInterrupted();
      const { mac, ip } = device(input.mac, input.ip);
      const proven = asker.provenMac === mac || (await askingFromHotspotAddress(mac, asker.peerIp));
      const vendo = await requireVendo(db, input.vendo);
      if (!vendo.enabled)
        throw new AppError('VENDO_DISABLED', `${vendo.name} is switched off by the shop`, 409, 'vendo');
      const now = clock.now();
      if (vendo.last_seen_at === null || now - Number(vendo.last_seen_at) >= OFFLINE_AFTER_MS)
        throw new AppError(
          'VENDO_OFFLINE',
          `${vendo.name} is not responding. Ask the shop, or pick another coin box.`,
          503,
          'vendo',
        );
      // Before a window opens, so no coin goes into a box that cannot sell to this phone.
      await assertVendoSellsHere(db, d.locate, vendo, { mac, ip });
      await expireWindows(db, now, vendo.id);
      const open = (await db('vendo_sessions').where({ vendo_id: vendo.id, state: 'armed' }).first()) as
        SessionRow | undefined;
      const saved = async (window: { proven: boolean | number }, except?: string) =>
        window.proven ? sum(await savedCoins(db, mac, now, except)) : 0;
      if (open && open.mac === mac) {
        // The same device again (a reload, a second tab): a proof given now proves the window from now on.
        if (proven && !open.proven)
          await db('vendo_sessions').where({ id: open.id }).update({ proven: true });
        return {
          session: open.id,
          expiresIn: Math.ceil((Number(open.expires_at) - now) / 1000),
          savedCredit: await saved({ proven: proven || open.proven }, open.id),
        };
      }
      if (open)
        throw new AppError(
          'VENDO_BUSY',
          `Someone else is using ${vendo.name} right now. Try again in ${Math.ceil((Number(open.expires_at) - now) / 1000)} seconds.`,
          409,
          'vendo',
        );
      const id = crypto.randomBytes(12).toString('base64url');
      try {
        await db.transaction(async (trx) => {
          // One box at a time per device: a window it left open elsewhere closes (its coins become saved credit).
          // Only the device itself may close it; anyone else is told the device is busy at that box.
          const elsewhere = (await trx('vendo_sessions')
            .join('vendos', 'vendos.id', 'vendo_sessions.vendo_id')
            .where({ 'vendo_sessions.mac': mac, 'vendo_sessions.state': 'armed' })
            .first('vendos.name')) as { name: string } | undefined;
          if (elsewhere && !proven)
            throw new AppError(
              'VENDO_DEVICE_BUSY',
              `This device has a coin window open at ${elsewhere.name}. Finish there first, or wait for it to close.`,
              409,
              'vendo',
            );
          if (elsewhere)
            await trx('vendo_sessions')
              .where({ mac, state: 'armed' })
              .update({ state: 'expired', ended_at: now });
          await trx('vendo_sessions').insert({
            id,
            vendo_id: vendo.id,
            mac,
            ip,
            state: 'armed',
            started_at: now,
            expires_at: now + vendo.window_seconds * 1000,
            proven,
          });
        });
      } catch (err) {
        if (err instanceof AppError) throw err;
        if (/UNIQUE|constraint/i.test((err as Error).message))
          throw new AppError('VENDO_BUSY', `Someone else is using ${vendo.name} right now.`, 409, 'vendo');
        throw err;
      }
      d.events.emit(`armed:${vendo.id}`);
      return { session: id, expiresIn: vendo.window_seconds, savedCredit: await saved({ proven }, id) };
    },

    async session(id: string): Promise<SessionView> {
      let s = await requireSession(id);
      const now = clock.now();
      if (s.state === 'armed' && Number(s.expires_at) <= now) {
        await expireWindows(db, now, s.vendo_id);
        s = await requireSession(id);
      }
      const vendo = await requireVendo(db, s.vendo_id);
      const credit = sum(await sessionCoins(db, s.id, false));
      const closed = s.state === 'finished';
      const savedCredit = closed || !s.proven ? 0 : sum(await savedCoins(db, s.mac, now, s.id));
      const open = s.state === 'armed' || s.state === 'finishing';
      return {
        id: s.id,
        vendoId: s.vendo_id,
        state: open ? 'armed' : s.state === 'finished' ? 'finished' : 'expired',
        credit,
        savedCredit,
        seconds: bestPurchase(ratesOf(vendo), closed ? credit : credit + savedCredit).seconds,
        expiresIn: open ? Math.max(0, Math.ceil((Number(s.expires_at) - now) / 1000)) : 0,
      };
    },

    /** The device that started a window, for the web layer's ownership check. */
    async ownerOf(id: string): Promise<{ mac: string; proven: boolean } | undefined> {
      const row = (await db('vendo_sessions').where({ id }).first('mac', 'proven')) as
        { mac: string; proven: boolean | number } | undefined;
      return row ? { mac: row.mac, proven: Boolean(row.proven) } : undefined;
    },
  };
}
