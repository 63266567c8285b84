/**
 * The router state the vouchers call for: one simple queue per connected device, and the vouchers that must
 * end now. RouterOS cannot target a queue at a MAC (FACTS.md §3 "Targets"), so the queue is named after the
 * MAC and targets the device's current IP; when the IP changes, only the target changes.
 */
import { desiredLimits, QUEUED_STATES, type DesiredLimits } from './policy';
import { formatRatePairBps, formatRouterDuration, isIPv4, isMac, normaliseMac } from './units';
import type { DeviceState, VoucherState } from './vouchers';

/** Only queues whose name starts with this are ever touched; everything else belongs to the shop owner. */
export const QUEUE_PREFIX = 'pisonet-';

export interface DesiredQueue {
  /** `pisonet-AA:BB:CC:DD:EE:FF`. */
  name: string;
  /** `10.5.50.12/32`. */
  target: string;
  /** `upload/download` in bits/s integers, as RouterOS prints it. */
  maxLimit: string;
  burstLimit?: string;
  burstThreshold?: string;
  /** RouterOS form, e.g. `10s/10s`. */
  burstTime?: string;
  /** The voucher code, so a person reading the router sees whose queue it is. */
  comment: string;
  voucherCode: string;
  mac: string;
}

export interface VoucherAction {
  code: string;
  newStatus: 'expired' | 'exhausted';
  /** Why, in one line (the policy's reason: validity used up, data cap reached). */
  reason: string;
  logout: true;
  /** Delete the voucher's /ip/hotspot/user so it cannot log in again. */
  removeRouterUser: boolean;
}

export interface VoucherWithDevices {
  voucher: VoucherState;
  devices: readonly DeviceState[];
}

export interface DesiredRouterState {
  /** In name order. */
  queues: DesiredQueue[];
  voucherActions: VoucherAction[];
}

export interface DesiredQueueOptions {
  /** Keep ended vouchers' hotspot users on the router (e.g. for inspection); default false. */
  keepEndedUsers?: boolean;
}

export function queueNameForMac(mac: string): string {
  return QUEUE_PREFIX + normaliseMac(mac);
}

/** The queue properties shared by every device of one voucher, formatted once per voucher. */
type QueueRates = Pick<DesiredQueue, 'maxLimit' | 'burstLimit' | 'burstThreshold' | 'burstTime'>;

/**
 * Texts the poll would otherwise build anew for every device every cycle (5,000 devices: 15,000 strings a
 * poll, all equal to the last poll's): queue names by MAC, targets by IP, rate pairs. Bounded: a table
 * past its size starts over, which costs only the rebuilding.
 */
class TextMemo<K> {
  private readonly map = new Map<K, string>();
  constructor(private readonly limit: number) {}
  get(key: K, make: (key: K) => string): string {
    let text = this.map.get(key);
    if (text === undefined) {
      if (this.map.size >= this.limit) this.map.clear();
      text = make(key);
      this.map.set(key, text);
    }
    return text;
  }
}

const NAMES = new TextMemo<string>(50_000);
const TARGETS = new TextMemo<string>(50_000);
const RATE_PAIRS = new Map<number, TextMemo<number>>();
const BURST_TIMES = new TextMemo<number>(1_000);

/** `up/down` in bits/s, as RouterOS prints it. A shop has a handful of speeds, so the texts are kept. */
function ratePair(up: number, down: number): string {
  let byDown = RATE_PAIRS.get(up);
  if (!byDown) {
    if (RATE_PAIRS.size >= 1_000) RATE_PAIRS.clear();
    byDown = new TextMemo<number>(1_000);
    RATE_PAIRS.set(up, byDown);
  }
  return byDown.get(down, () => formatRatePairBps({ up, down }));
}

/** Whether two limits give their queues the same rate texts (most vouchers of a shop share a few). */
function sameRates(a: DesiredLimits, b: DesiredLimits): boolean {
  if (a.rateUp !== b.rateUp || a.rateDown !== b.rateDown) return false;
  const x = a.burst;
  const y = b.burst;
  if (x === undefined || y === undefined) return x === y;
  return (
    x.limitUp === y.limitUp &&
    x.limitDown === y.limitDown &&
    x.thresholdUp === y.thresholdUp &&
    x.thresholdDown === y.thresholdDown &&
    x.timeSeconds === y.timeSeconds
  );
}

function queueRates(limits: DesiredLimits): QueueRates {
  const r: QueueRates = { maxLimit: ratePair(limits.rateUp, limits.rateDown) };
  if (limits.burst) {
    const b = limits.burst;
    r.burstLimit = ratePair(b.limitUp, b.limitDown);
    r.burstThreshold = ratePair(b.thresholdUp, b.thresholdDown);
    r.burstTime = BURST_TIMES.get(b.timeSeconds, (s) => {
      const t = formatRouterDuration(s);
      return `${t}/${t}`;
    });
  }
  return r;
}

function queueFor(v: VoucherState, mac: string, ip: string, rates: QueueRates): DesiredQueue {
  const q: DesiredQueue = {
    name: NAMES.get(mac, (m) => QUEUE_PREFIX + m),
    target: TARGETS.get(ip, (a) => `${a}/32`),
    maxLimit: rates.maxLimit,
    comment: v.code,
    voucherCode: v.code,
    mac,
  };
  if (rates.burstLimit !== undefined) {
    q.burstLimit = rates.burstLimit;
    q.burstThreshold = rates.burstThreshold;
    q.burstTime = rates.burstTime;
  }
  return q;
}

// Canonical forms (what we store and RouterOS prints) are accepted by one regex each; anything else
// goes through the full parsers, so these only skip work and never change a result.
const CANONICAL_MAC = /^[0-9A-F]{2}(?::[0-9A-F]{2}){5}$/;
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** The device's MAC in canonical form, or undefined when it is not a MAC. */
function macOf(mac: string): string | undefined {
  if (CANONICAL_MAC.test(mac)) return mac;
  return isMac(mac) ? normaliseMac(mac) : undefined;
}

function ipOk(ip: string): boolean {
  return CANONICAL_IPV4.test(ip) || isIPv4(ip);
}

function endAction(
  v: VoucherState,
  limits: DesiredLimits,
  opts: DesiredQueueOptions,
): VoucherAction | undefined {
  if (v.status !== 'active') return undefined;
  const removeRouterUser = !opts.keepEndedUsers;
  const { reason } = limits;
  if (limits.state === 'expired')
    return { code: v.code, newStatus: 'expired', reason, logout: true, removeRouterUser };
  if (limits.state === 'blocked')
    return { code: v.code, newStatus: 'exhausted', reason, logout: true, removeRouterUser };
  return undefined;
}

const byName = (a: DesiredQueue, b: DesiredQueue): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Queues for every connected device with an IP on an active voucher that is not blocked or expired.
 * If one MAC shows up under two vouchers (a device moved to a new voucher before the old one was closed),
 * the most recently activated voucher wins. Runs for every active voucher every poll, so it keeps to
 * arrays and one map, and formats a rate set once for the run of vouchers that share it.
 */
export function desiredQueues(
  items: readonly VoucherWithDevices[],
  now: number,
  tz: string,
  opts: DesiredQueueOptions = {},
): DesiredRouterState {
  const queues: DesiredQueue[] = [];
  const activatedAt: number[] = [];
  const slotOfMac = new Map<string, number>();
  const voucherActions: VoucherAction[] = [];
  let lastLimits: DesiredLimits | undefined;
  let lastRates: QueueRates | undefined;
  for (const { voucher, devices } of items) {
    const limits = desiredLimits(voucher, now, tz);
    const action = endAction(voucher, limits, opts);
    if (action) voucherActions.push(action);
    if (!QUEUED_STATES.includes(limits.state)) continue;
    let rates: QueueRates | undefined;
    const at = voucher.activatedAt ?? 0;
    for (const d of devices) {
      if (!d.connected || d.ip === undefined || !ipOk(d.ip)) continue;
      const mac = macOf(d.mac);
      if (mac === undefined) continue;
      const slot = slotOfMac.get(mac);
      if (slot !== undefined && activatedAt[slot] >= at) continue;
      if (rates === undefined) {
        rates =
          lastLimits !== undefined && lastRates !== undefined && sameRates(lastLimits, limits)
            ? lastRates
            : queueRates(limits);
        lastLimits = limits;
        lastRates = rates;
      }
      const queue = queueFor(voucher, mac, d.ip.trim(), rates);
      if (slot !== undefined) {
        queues[slot] = queue;
        activatedAt[slot] = at;
      } else {
        slotOfMac.set(mac, queues.length);
        queues.push(queue);
        activatedAt.push(at);
      }
    }
  }
  return { queues: queues.sort(byName), voucherActions };
}
