/**
 * The router state the vouchers call for: one simple queue per connected device, and the vouchers that must
 * end now. RouterOS cannot target a queue at a MAC (docs/routeros.md "Targets"), so the queue is named after the
 * MAC and targets the device's current IP; when the IP changes, only the target changes.
 */
import { desiredLimits, QUEUED_STATES, sameRates, type DesiredLimits } from './policy';
import { formatRatePairBps, formatRouterDuration, isIPv4, macOf, normaliseMac } from './units';
import type { DeviceState, VoucherState } from './vouchers';
import { isPlanQueueName, planOf, priorityPair, samePlan, type PlanRef } from './plan-queues';

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
  /** `p/p`, the plan's priority (RouterOS's default `8/8` when the plan has none); absent: left as it is. */
  priority?: string;
  /**
   * The parent queue's name, or `none`; absent: left as it is on the router (a redemption's or an admin's change
   * of one queue; the poll, which sees every device of a plan, decides the parent).
   */
  parent?: string;
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

/** The queues, in name order, and what decideVouchers decided them from. */
type DesiredRouterState = Pick<ReturnType<typeof decideVouchers>, 'voucherActions' | 'limits'> & {
  queues: DesiredQueue[];
};

interface DesiredQueueOptions {
  /** Keep ended vouchers' hotspot users on the router (e.g. for inspection); default false. */
  keepEndedUsers?: boolean;
}

export function queueNameForMac(mac: string): string {
  return QUEUE_PREFIX + normaliseMac(mac);
}

/** A device queue of ours: `pisonet-<MAC>` (parent queues, `pisonet-plan-…`, are plan-queues.ts's). */
export function isDeviceQueueName(name: string): boolean {
  return name.startsWith(QUEUE_PREFIX) && !isPlanQueueName(name);
}

/** The queue properties shared by every device of one voucher, formatted once per voucher. */
type QueueRates = Pick<DesiredQueue, 'maxLimit' | 'burstLimit' | 'burstThreshold' | 'burstTime'>;

/**
 * How queue texts are made: names from MACs, targets from IPs, rate pairs and burst times. The domain's own
 * forms build each text anew; a caller that computes the desired queues every poll for thousands of devices
 * may pass one that remembers its texts (measured: not worth it for the poll, docs/performance.md), which
 * changes no result, only how often the same string is allocated.
 */
export interface QueueTexts {
  name(mac: string): string;
  target(ip: string): string;
  ratePair(up: number, down: number): string;
  burstTime(seconds: number): string;
}

export const plainQueueTexts: QueueTexts = {
  name: (mac) => QUEUE_PREFIX + mac,
  target: (ip) => `${ip}/32`,
  ratePair: (up, down) => formatRatePairBps({ up, down }),
  burstTime: (seconds) => {
    const t = formatRouterDuration(seconds);
    return `${t}/${t}`;
  },
};

function queueRates(limits: DesiredLimits, texts: QueueTexts): QueueRates {
  const r: QueueRates = { maxLimit: texts.ratePair(limits.rateUp, limits.rateDown) };
  if (limits.burst) {
    const b = limits.burst;
    r.burstLimit = texts.ratePair(b.limitUp, b.limitDown);
    r.burstThreshold = texts.ratePair(b.thresholdUp, b.thresholdDown);
    r.burstTime = texts.burstTime(b.timeSeconds);
  }
  return r;
}

function queueFor(d: DeviceDecision, rates: QueueRates, texts: QueueTexts, parent?: string): DesiredQueue {
  const { code, mac, ip } = d;
  const q: DesiredQueue = {
    name: texts.name(mac),
    target: texts.target(ip),
    ...rates,
    comment: code,
    voucherCode: code,
    mac,
  };
  if (d.plan) q.priority = priorityPair(d.plan);
  if (parent !== undefined) q.parent = parent;
  return q;
}

// Canonical forms (what we store and RouterOS prints) are accepted by one regex each; anything else
// goes through the full parsers, so these only skip work and never change a result.
const CANONICAL_IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function ipOk(ip: string): boolean {
  return CANONICAL_IPV4.test(ip) || isIPv4(ip);
}

function endAction(
  v: VoucherState,
  limits: DesiredLimits,
  opts: DesiredQueueOptions,
): VoucherAction | undefined {
  if (v.status !== 'active') return undefined;
  // The reason is read only for a voucher that ends (policy.ts makes a queued voucher's when it is read).
  const newStatus =
    limits.state === 'expired' ? 'expired' : limits.state === 'blocked' ? 'exhausted' : undefined;
  if (newStatus === undefined) return undefined;
  const removeRouterUser = !opts.keepEndedUsers;
  return { code: v.code, newStatus, reason: limits.reason, logout: true, removeRouterUser };
}

/** What one online device of an active voucher should have on the router now, whatever enforces it. */
export interface DeviceDecision {
  code: string;
  /** Canonical form. */
  mac: string;
  ip: string;
  limits: DesiredLimits;
  /** Its voucher's plan (ratio, priority): which parent queue it shares and its priority. */
  plan?: PlanRef;
}

/** Whether two devices get the same queue: same address, voucher, rates and plan. */
export function sameDecision(x: DeviceDecision, y: DeviceDecision): boolean {
  return (
    x.mac === y.mac &&
    x.ip === y.ip &&
    x.code === y.code &&
    sameRates(x.limits, y.limits) &&
    samePlan(x.plan, y.plan)
  );
}

/**
 * The policy's answer for a set of vouchers at one moment: what every online device gets (one per MAC, in
 * MAC order), and who ends now; the limits of each voucher given, in the order given. Every connected device
 * with an IP on an active voucher that is not blocked or expired gets its voucher's limits. If one MAC shows
 * up under two vouchers (a device moved to a new voucher before the old one was closed), the most recently
 * activated voucher wins. Off-peak, fair use, caps and expiry are all decided here (desiredLimits), once,
 * whatever measured the usage and whatever brings the router in line.
 */
export function decideVouchers(
  items: readonly VoucherWithDevices[],
  now: number,
  tz: string,
  opts: DesiredQueueOptions = {},
) {
  const byMac = new Map<string, { device: DeviceDecision; at: number }>();
  const voucherActions: VoucherAction[] = [];
  const limits: DesiredLimits[] = [];
  // Active vouchers waiting at their cap for extra data: no queue, and any session of theirs is logged out
  // (the router holds their byte limit and refuses their logins; this covers a router that did not).
  const cappedWaiting: string[] = [];
  for (const { voucher, devices } of items) {
    const l = desiredLimits(voucher, now, tz);
    const plan = planOf(voucher.profile);
    limits.push(l);
    const action = endAction(voucher, l, opts);
    if (action) voucherActions.push(action);
    if (l.state === 'capped-waiting' && voucher.status === 'active') cappedWaiting.push(voucher.code);
    if (!QUEUED_STATES.includes(l.state)) continue;
    const at = voucher.activatedAt ?? 0;
    for (const d of devices) {
      if (!d.connected || d.ip === undefined || !ipOk(d.ip)) continue;
      const mac = macOf(d.mac);
      if (mac === undefined) continue;
      const seen = byMac.get(mac);
      if (seen && seen.at >= at) continue;
      byMac.set(mac, { device: { code: voucher.code, mac, ip: d.ip.trim(), limits: l, plan }, at });
    }
  }
  const devices = [...byMac.values()]
    .map((e) => e.device)
    .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
  return { devices, voucherActions, limits, cappedWaiting };
}

/**
 * The simple queue each decided device gets (in name order, as the devices are in MAC order). `parentOf`: the
 * parent queue of a device (its name or `none`); absent, the queues leave their parent as it is.
 */
export function queuesFor(
  devices: readonly DeviceDecision[],
  texts: QueueTexts = plainQueueTexts,
  parentOf?: (d: DeviceDecision) => string,
): DesiredQueue[] {
  const queues: DesiredQueue[] = [];
  let last: { limits: DesiredLimits; rates: QueueRates } | undefined;
  for (const d of devices) {
    // Devices of one voucher share its limits: their rate texts are formatted once.
    const rates = last && sameRates(last.limits, d.limits) ? last.rates : queueRates(d.limits, texts);
    last = { limits: d.limits, rates };
    queues.push(queueFor(d, rates, texts, parentOf?.(d)));
  }
  return queues;
}

/** The router state the vouchers call for: decideVouchers, then one queue per decided device. */
export function desiredQueues(
  items: readonly VoucherWithDevices[],
  now: number,
  tz: string,
  opts: DesiredQueueOptions = {},
): DesiredRouterState {
  const d = decideVouchers(items, now, tz, opts);
  return { queues: queuesFor(d.devices), voucherActions: d.voucherActions, limits: d.limits };
}
