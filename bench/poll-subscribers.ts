/**
 * The poll's subscriber case (`BENCH_POLL_SUBSCRIBERS=1000,2000 npm run bench -- poll`): beside the hotspot's
 * devices, that many subscribers on a monthly plan with their CPEs dialled in over PPPoE, each session moving
 * bytes before every traffic cycle. The poll then reads `/ppp/active` and the sessions' interfaces with the
 * hotspot's prints and books every session into its subscriber's cycle. Judged at the largest count:
 * - the traffic cycle's CPU within 3.5x of the read after traffic (the hotspot's prints and the PPP ones);
 * - a subscriber's CPU in the traffic cycle at most 1.5x a device's, when the devices alone were measured too
 *   (`BENCH_POLL_SUBSCRIBERS=0,2000`): what the subscribers added, each, against the devices' cycle per device;
 * - twice the subscribers (2,000 against 1,000) at most 2.2x the traffic cycle's CPU;
 * - the peak RSS of the controller at most 180 MB.
 */
import type { Core } from '../src/core';
import { SYSTEM } from '../src/services/business/audit/actor';
import { DEFAULT_SITE } from '../src/services/deps';
import { pppSessionsRead } from '../src/services/network/ppp-subscribers';
import type { RouterClient } from '../src/router/types';
import { fleetSubscriber, pppoeSetUp } from './fleet';

export const SUBSCRIBER_BUDGET = {
  trafficOverRead: 3.5,
  subscriberOverDevice: 1.5,
  doubling: 2.2,
  peakRssMB: 180,
} as const;

const PLAN = {
  name: 'HOME10',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  data_cap: '500G',
  cap_policy: 'throttle',
  cap_rate_up: '1M',
  cap_rate_down: '2M',
};

/** A monthly plan as the profiles service takes it (`PLAN` above; the fair-use bench's has a FUP threshold). */
export type SubscriberPlan = { name: string } & Record<string, unknown>;

/** In the seeding child: the plan, `n` subscribers, their PPP secrets on the router (one PPP check). */
export async function seedSubscribers(
  core: Core,
  router: RouterClient,
  n: number,
  plan: SubscriberPlan = PLAN,
): Promise<void> {
  if (n === 0) return;
  await pppoeSetUp(router);
  await core.services.profiles.create(plan, SYSTEM);
  for (let i = 0; i < n; i++) {
    const username = fleetSubscriber(i);
    await core.services.subscribers.create(
      {
        name: `Subscriber ${i}`,
        mobile: `0917${String(i).padStart(7, '0')}`,
        profile: plan.name,
        billing_day: 1 + (i % 28),
        username,
        password: `${username}-pass`,
      },
      SYSTEM,
    );
  }
  const ppp = core.defaultStack.pppSubscribers;
  if (!ppp) throw new Error('no PPP room on the bench site');
  const report = await ppp.check('bench seeding');
  if (report.failed > 0) throw new Error(`PPP check failed ${report.failed} write(s)`);
}

/** The PPP half of the poll's read, alone (for the read-only figure beside the hotspot's prints). */
export function pppReadAlone(core: Core, router: RouterClient): () => Promise<unknown> {
  return pppSessionsRead({ db: core.db, router, site: DEFAULT_SITE });
}

export interface SubscriberFigures {
  subscribers: number;
  cpuTraffic: number;
  cpuReadTraffic: number;
  lifetimeRssMiB: number;
}

const x = (v: number): string => `${v.toFixed(2)}x`;
const verdict = (ok: boolean): string => (ok ? 'within budget' : 'OVER budget');

/** The budget's lines for the subscriber case, at the largest count measured (and half of it, when measured). */
export function subscriberVerdicts(devices: number, rows: readonly SubscriberFigures[]): string[] {
  const big = rows.reduce((a, b) => (b.subscribers > a.subscribers ? b : a));
  const half = rows.find((r) => r.subscribers * 2 === big.subscribers);
  const out = [`  budget at ${devices} devices and ${big.subscribers} PPPoE subscribers on one router:`];
  const overRead = big.cpuTraffic / big.cpuReadTraffic;
  out.push(
    `    traffic cycle CPU <= ${SUBSCRIBER_BUDGET.trafficOverRead}x the read after traffic: ${x(overRead)}, ${verdict(overRead <= SUBSCRIBER_BUDGET.trafficOverRead)}`,
  );
  const alone = rows.find((r) => r.subscribers === 0);
  if (alone) out.push(perSubscriber(devices, alone, big));
  const doubling = `    ${big.subscribers} subscribers <= ${SUBSCRIBER_BUDGET.doubling}x the traffic cycle CPU of ${big.subscribers / 2}`;
  if (half) {
    const r = big.cpuTraffic / half.cpuTraffic;
    out.push(`${doubling}: ${x(r)}, ${verdict(r <= SUBSCRIBER_BUDGET.doubling)}`);
  } else out.push(`${doubling}: not judged (${big.subscribers / 2} subscribers not measured)`);
  const mb = (big.lifetimeRssMiB * 1048576) / 1e6;
  out.push(
    `    peak RSS <= ${SUBSCRIBER_BUDGET.peakRssMB} MB: ${mb.toFixed(1)} MB, ${verdict(mb <= SUBSCRIBER_BUDGET.peakRssMB)}`,
  );
  return out;
}

/** A subscriber's CPU in the traffic cycle (what the subscribers added, each) against a device's (the devices alone). */
function perSubscriber(devices: number, alone: SubscriberFigures, big: SubscriberFigures): string {
  const device = (alone.cpuTraffic / devices) * 1000;
  const subscriber = ((big.cpuTraffic - alone.cpuTraffic) / big.subscribers) * 1000;
  const r = subscriber / device;
  return `    a subscriber's traffic cycle CPU <= ${SUBSCRIBER_BUDGET.subscriberOverDevice}x a device's: ${subscriber.toFixed(1)} µs against ${device.toFixed(1)} µs, ${x(r)}, ${verdict(r <= SUBSCRIBER_BUDGET.subscriberOverDevice)}`;
}
