/**
 * Slows down code guessing on the portal without slowing anyone else, wherever the guesser sits.
 *
 * Who asks (the key of the limits): a browser that kept the portal's signed token (a cookie the portal page
 * sets, which a neighbour behind the same address can neither read nor forge), else the address the request
 * comes from. The MAC and IP a request names are claims (a guesser behind the same address can name any device
 * the router sees, the victim's included), so they are never a key; they only decide which budget of new
 * tokens a page view draws on.
 *
 * The limits, each with its reason:
 * - per asker: a few wrong codes are free, then each further one locks that asker out for a doubling time
 *   (30 s, 1 min, 2 min, ... capped at 1 h); a success forgives nothing (a guesser's own valid code must not
 *   reset the count);
 * - per address: past a ceiling of wrong codes per minute from one address (it grows with the number of
 *   devices the routers see behind that address), every asker there that has already guessed wrong waits
 *   until the minute is over. Askers that never guessed wrong pass: a guesser behind a shop's NAT cannot lock
 *   out the customers beside it;
 * - new tokens: a guesser that throws its token away gets a fresh asker, so the portal gives a browser a token
 *   only within a budget: two an hour per device the router sees (a phone's captive-portal sheet and its
 *   browser), three per ten minutes per address for pages opened without such a device;
 * - shop-wide: past a ceiling of wrong codes per minute across everyone, every asker that already guessed
 *   wrong waits until the minute is over, and the shop is told once (the `guessing` event).
 * A valid code from an asker that has not itself guessed wrong is never refused by any of them.
 *
 * In memory on purpose: a restart forgets lockouts, which costs an attacker a restart they cannot cause.
 * The per-address rate's default lives beside the floor on code styles (src/domain/code-style.ts), so a style is
 * always judged at the rate a guesser actually gets; SECURITY.md has the figures for both deployments.
 */
import type { Clock } from '../../../lib/clock';
import { normaliseMac } from '../../../domain/units';
import { ADDRESS_GUESSES_PER_MINUTE } from '../../../domain/code-style';
import { RateLimitedError } from '../../../domain/errors';
import type { Asker, GuessTicket } from './types';
export type { Asker, GuessTicket } from './types';

/**
 * How many devices the routers see behind an address: 1 when the address is a hotspot device's own (the
 * controller on the hotspot LAN), the router's host count when it is not (NAT, or a branch over the internet).
 */
type DevicesBehind = (address: string) => Promise<number>;
/** Whether a router sees this MAC at this IP now. */
type SeesDevice = (mac: string, ip: string) => Promise<boolean>;

interface GuessLimiterOptions {
  freeAttempts?: number;
  /** Wrong codes per minute across all askers before the shop-wide ceiling applies. */
  globalPerMinute?: number;
  /** Wrong codes per minute from one address before its ceiling applies: this plus one per ten devices behind it. */
  addressPerMinute?: number;
  devicesBehind?: DevicesBehind;
  seesDevice?: SeesDevice;
}

interface Entry {
  failures: number;
  /** Codes of this asker being looked up now: counted as wrong until they are known, so a burst gains nothing. */
  pending: number;
  lockedUntil: number;
  lastAt: number;
}

/** One address's wrong codes in the current minute. */
interface AddressEntry {
  failStart: number;
  failures: number;
  pending: number;
  /** devicesBehind's answer and when it was asked: asked only under pressure, trusted for a minute. */
  behind: number;
  behindAt: number;
}

const MAX_ENTRIES = 50_000;
const MINUTE = 60_000;
/** The lock past the free attempts: doubled with each wrong code, up to the longest. */
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 3_600_000;
/** Entries idle this long are forgotten (and the maps pruned). */
const FORGET_AFTER_MS = 24 * 3_600_000;
/** Tokens for pages that name a device a router sees: per device, per hour (CNA sheet and browser, twice over). */
const MINTS_PER_DEVICE = 2;
const DEVICE_MINT_WINDOW = 60 * MINUTE;
/** Tokens for pages that name no such device: per address, per ten minutes. */
const MINTS_PER_ADDRESS = 3;
const ADDRESS_MINT_WINDOW = 10 * MINUTE;

/** A fixed-window count (tokens given out). */
interface Budget {
  start: number;
  used: number;
}

export class GuessLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly addresses = new Map<string, AddressEntry>();
  private readonly mints = new Map<string, Budget>();
  private readonly free: number;
  private readonly globalMax: number;
  private readonly addressBase: number;
  private devicesBehind: DevicesBehind;
  private seesDevice: SeesDevice;
  private windowStart = 0;
  private windowFailures = 0;
  /** The admit running (and those waiting) per lane: see admit(). */
  private readonly lanes = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: Clock,
    opts: GuessLimiterOptions = {},
  ) {
    this.free = opts.freeAttempts ?? 5;
    this.globalMax = opts.globalPerMinute ?? 120;
    this.addressBase = opts.addressPerMinute ?? ADDRESS_GUESSES_PER_MINUTE;
    this.devicesBehind = opts.devicesBehind ?? (() => Promise.resolve(1));
    this.seesDevice = opts.seesDevice ?? (() => Promise.resolve(false));
  }

  /**
   * The routers' view (set once the sites are built): until then every address is one device and no device is
   * confirmed, the tightest reading.
   */
  useRouters(view: { devicesBehind: DevicesBehind; seesDevice: SeesDevice }): void {
    this.devicesBehind = view.devicesBehind;
    this.seesDevice = view.seesDevice;
  }

  /** The ceiling of wrong codes per minute for an address with `behind` devices. */
  addressCeiling(behind: number): number {
    return this.addressBase + Math.floor(Math.max(0, behind - 1) / 10);
  }

  /** Seconds this asker must wait before a code of theirs is looked up; 0 = go ahead. */
  async retryAfter(asker: Asker): Promise<number> {
    return this.waitFor(this.keyOf(asker), asker.peerIp);
  }

  /**
   * The asker's own wrong codes forgiven (the owner vouched for them: a subscriber who mistyped a password); the
   * address and shop-wide ceilings stay, as they end within the minute.
   */
  forgive(asker: Asker): void {
    this.entries.delete(this.keyOf(asker));
  }

  /**
   * Lets the asker's code be looked up, or throws RateLimitedError. Until the ticket is settled (`fail` for a
   * wrong code, `release` for anything else) the lookup counts as a wrong code for the limits, so a burst of
   * requests sent at once is held to what the same requests one after another would get.
   */
  async admit(asker: Asker): Promise<GuessTicket> {
    // One admit at a time per address (or asker without one): the wait is read and the lookup counted with no
    // other admit of the same lane between them, however many requests arrive in one turn of the event loop.
    const lane = asker.peerIp ?? this.keyOf(asker);
    const before = this.lanes.get(lane) ?? Promise.resolve();
    let done!: () => void;
    const mine = before.then(() => new Promise<void>((resolve) => (done = resolve)));
    this.lanes.set(lane, mine);
    await before;
    try {
      return await this.admitNow(asker);
    } finally {
      done();
      if (this.lanes.get(lane) === mine) this.lanes.delete(lane);
    }
  }

  private async admitNow(asker: Asker): Promise<GuessTicket> {
    const key = this.keyOf(asker);
    const wait = await this.waitFor(key, asker.peerIp);
    if (wait > 0) throw new RateLimitedError(wait);
    const now = this.clock.now();
    const e = this.live(key, now) ?? { failures: 0, pending: 0, lockedUntil: 0, lastAt: now };
    this.entries.set(key, e);
    const a = asker.peerIp === null ? undefined : this.address(asker.peerIp, now);
    e.pending++;
    if (a) a.pending++;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      e.pending--;
      if (a) a.pending--;
      return true;
    };
    return {
      fail: async () =>
        settle() ? this.count(key, asker.peerIp) : { lockSeconds: 0, ceilingReached: false },
      release: () => void settle(),
    };
  }

  private async waitFor(key: string, peerIp: string | null): Promise<number> {
    const now = this.clock.now();
    const e = this.live(key, now);
    const own = e && e.lockedUntil > now ? Math.ceil((e.lockedUntil - now) / 1000) : 0;
    // The ceilings hold back only askers that already guessed wrong (or have a code being looked up).
    const tried = e ? e.failures + e.pending : 0;
    if (tried === 0) return own;
    let wait = own;
    // Its free attempts are taken by codes still being looked up: a moment until they are known.
    if (e && e.pending > 0 && tried >= this.free) wait = Math.max(wait, 1);
    if (now - this.windowStart < MINUTE && this.windowFailures >= this.globalMax)
      wait = Math.max(wait, Math.ceil((this.windowStart + MINUTE - now) / 1000));
    const a = peerIp === null ? undefined : this.addresses.get(peerIp);
    const fresh = a !== undefined && now - a.failStart < MINUTE;
    const fromHere = a === undefined ? 0 : (fresh ? a.failures : 0) + a.pending;
    if (a && fromHere >= this.addressBase) {
      const ceiling = this.addressCeiling(await this.behind(peerIp as string, a));
      if (fromHere >= ceiling)
        wait = Math.max(wait, Math.ceil(((fresh ? a.failStart : now) + MINUTE - now) / 1000));
    }
    return wait;
  }

  /**
   * A wrong code, counted without a ticket (the ticket's `fail` is the same): against the asker, its address and
   * the shop. Returns the asker's wait from now on (0 = still free) and whether this wrong code reached the
   * shop-wide ceiling for the minute (to be reported once).
   */
  async failAndReport(asker: Asker): Promise<{ lockSeconds: number; ceilingReached: boolean }> {
    return this.count(this.keyOf(asker), asker.peerIp);
  }

  private async count(
    key: string,
    peerIp: string | null,
  ): Promise<{ lockSeconds: number; ceilingReached: boolean }> {
    const now = this.clock.now();
    if (now - this.windowStart >= MINUTE) {
      this.windowStart = now;
      this.windowFailures = 0;
    }
    const ceilingReached = ++this.windowFailures === this.globalMax;
    if (this.entries.size > MAX_ENTRIES || this.addresses.size > MAX_ENTRIES) this.prune(now);
    const e = this.live(key, now) ?? { failures: 0, pending: 0, lockedUntil: 0, lastAt: now };
    e.failures++;
    e.lastAt = now;
    const over = e.failures - this.free;
    if (over > 0) e.lockedUntil = now + Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** Math.min(over - 1, 30));
    this.entries.set(key, e);
    if (peerIp !== null) {
      const a = this.address(peerIp, now);
      if (now - a.failStart >= MINUTE) {
        a.failStart = now;
        a.failures = 0;
      }
      a.failures++;
    }
    return { lockSeconds: await this.waitFor(key, peerIp), ceilingReached };
  }

  /**
   * Whether the portal may give a browser a new token now (counted if so): within the budget of the device the
   * page names when a router sees it there, else within the budget of the address it comes from.
   */
  async mayMint(address: string | null, device?: { mac: string; ip: string } | null): Promise<boolean> {
    if (address === null) return false;
    // On the hotspot LAN a device asks from its own address: a page naming another device draws on the address.
    const own = device != null && (device.ip === address || (await this.nat(address)));
    const mac = own ? await this.confirmed(device) : null;
    if (mac) return this.spend(`device:${mac}`, MINTS_PER_DEVICE, DEVICE_MINT_WINDOW);
    return this.spend(`address:${address}`, MINTS_PER_ADDRESS, ADDRESS_MINT_WINDOW);
  }

  private spend(key: string, max: number, windowMs: number): boolean {
    const now = this.clock.now();
    let b = this.mints.get(key);
    if (!b || now - b.start >= windowMs) {
      if (this.mints.size > MAX_ENTRIES) this.prune(now);
      b = { start: now, used: 0 };
      this.mints.set(key, b);
    }
    if (b.used >= max) return false;
    b.used++;
    return true;
  }

  /**
   * The limiter's key for an asker: its token, else its address. Never the device the request names: a guesser
   * can name every device the router sees, each a fresh asker, and a customer's own device with it.
   */
  private keyOf(asker: Asker): string {
    return asker.browser ? `browser:${asker.browser}` : `address:${asker.peerIp ?? 'unknown'}`;
  }

  /** The device's MAC, written one way, when a router sees it at that IP; else null. */
  private async confirmed(device: { mac: string; ip: string }): Promise<string | null> {
    let mac: string;
    try {
      mac = normaliseMac(device.mac);
    } catch {
      return null;
    }
    return (await this.seesDevice(mac, device.ip).catch(() => false)) ? mac : null;
  }

  /** Whether several devices sit behind this address (NAT, a branch over the internet), not one LAN device. */
  private async nat(address: string): Promise<boolean> {
    return (await this.behind(address, this.address(address, this.clock.now()))) > 1;
  }

  private async behind(address: string, a: AddressEntry): Promise<number> {
    const now = this.clock.now();
    if (a.behindAt === 0 || now - a.behindAt >= MINUTE) {
      // An answer we cannot get counts as one device: the tightest ceilings, never looser than the LAN's.
      a.behind = Math.max(1, await this.devicesBehind(address).catch(() => 1));
      a.behindAt = now;
    }
    return a.behind;
  }

  private address(address: string, now: number): AddressEntry {
    let a = this.addresses.get(address);
    if (!a) {
      a = { failStart: now, failures: 0, pending: 0, behind: 1, behindAt: 0 };
      this.addresses.set(address, a);
    }
    return a;
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && e.pending === 0 && now - e.lastAt > FORGET_AFTER_MS && now >= e.lockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  private prune(now: number): void {
    for (const k of [...this.entries.keys()]) this.live(k, now);
    for (const [k, a] of this.addresses)
      if (a.pending === 0 && now - a.failStart >= MINUTE) this.addresses.delete(k);
    for (const [k, b] of this.mints) if (now - b.start >= DEVICE_MINT_WINDOW) this.mints.delete(k);
  }
}
