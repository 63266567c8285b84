/**
 * The demo's home-internet customers: on a fresh `npm start` the demo shop sells a monthly plan (HOME-10M, ₱999)
 * and has two subscribers on it, whose CPEs dial the demo router over PPPoE and move traffic with the demo's
 * phones, so the Subscribers page shows them online in the first sitting.
 *
 * - The router side is set up as a shop's owner would (src/router/demo-pppoe.ts): a pool and an enabled PPPoE
 *   server, only on a demo router that has neither, so what the owner removed stays removed.
 * - The plan and the subscribers go through the same services as the admin's (audit included), once: the demo's
 *   database keeps that it did (a setting), so a subscriber or plan the owner deleted is not made again, and a
 *   restart never makes a second copy (a username is unique per site besides).
 * - The CPEs are the simulator's (`sim.pppoe.autoRedial`): armed at every start of the process hosting the demo
 *   router (and again in a process that takes the hosting over) with the subscriber's current password, they dial
 *   again after a reboot or a session the controller ended; an ended subscriber's CPE hangs up for good.
 */
import type { Core } from '../core';
import type { Logger } from '../lib/logger';
import { DEMO_PPPOE_POOL, setUpDemoPppoe } from '../router/demo-pppoe';
import { AppError } from '../domain/errors';
import { DEFAULT_SITE } from '../services/deps';
import { SYSTEM } from '../services/types';

export const DEMO_PLAN = {
  name: 'HOME-10M',
  billing: 'monthly',
  price: 999,
  rate_up: '5M',
  rate_down: '10M',
  data_cap: '200G',
  cap_policy: 'throttle',
  cap_rate_up: '1M',
  cap_rate_down: '2M',
};

/** The demo's subscribers and their CPEs' MACs (the simulator's CPEs dial with them). */
export const DEMO_SUBSCRIBERS = [
  {
    name: 'Aling Nena',
    mobile: '09171234501',
    billing_day: 5,
    username: 'nena.santos',
    address: 'Purok 3, beside the chapel',
    cpe: '02:60:00:00:00:01',
  },
  {
    name: 'Mang Tonyo',
    mobile: '09181234502',
    billing_day: 15,
    username: 'tonyo.reyes',
    address: 'Sitio Ilaya, blue gate',
    cpe: '02:60:00:00:00:02',
  },
];

const SEEDED = 'demo.subscribers_seeded';
/** How soon a demo CPE dials again after its session ended (or its dial was refused). */
const REDIAL_MS = 3000;

/** The plan and the subscribers, once in the demo database's life. */
async function seedOnce(core: Core, log: Logger): Promise<void> {
  const { settings, profiles, subscribers } = core.services;
  if (await settings.get<boolean>(SEEDED, false)) return;
  try {
    await profiles.create(DEMO_PLAN, SYSTEM);
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'PROFILE_EXISTS')) throw e;
  }
  for (const { cpe: _cpe, ...s } of DEMO_SUBSCRIBERS) {
    try {
      await subscribers.create({ ...s, profile: DEMO_PLAN.name }, SYSTEM);
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'SUBSCRIBER_EXISTS')) throw e;
    }
  }
  await settings.set(SEEDED, true, SYSTEM);
  log.info(`DEMO MODE: added the monthly plan ${DEMO_PLAN.name} and two subscribers on PPPoE`);
}

export interface DemoSubscribers {
  /** Resolves when the set-up has run (its failures are logged, not thrown). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

export function startDemoSubscribers(core: Core, log: Logger): DemoSubscribers {
  const subs = core.services.subscribers;
  /** Subscriber id → its demo CPE. */
  const cpes = new Map<number, { mac: string }>();
  let stopped = false;

  async function arm(id: number, mac: string): Promise<void> {
    const sim = core.demo?.simulator;
    const s = await subs.get(id);
    if (!sim || stopped) return;
    if (s.status === 'ended') {
      sim.pppoe.hangUp(mac);
      return;
    }
    void sim.pppoe.autoRedial({ mac, user: s.username, password: s.password }, REDIAL_MS);
  }

  const unlisten = subs.onChange((e) => {
    const cpe = cpes.get(e.id);
    if (cpe && (e.change === 'end' || e.change === 'update'))
      void arm(e.id, cpe.mac).catch((err: Error) => log.warn({ err: err.message }, 'demo CPE not re-armed'));
  });

  // The demo router hosted again here (the process that hosted it exited): its CPEs are armed on the new one.
  const unwatch = core.router.onStatus((st) => {
    if (!st.connected || stopped) return;
    for (const [id, { mac }] of cpes)
      void arm(id, mac).catch((err: Error) => log.warn({ err: err.message }, 'demo CPE not re-armed'));
  });

  async function run(): Promise<void> {
    if (!(await core.router.waitConnected(30_000)) || stopped) return;
    if (await setUpDemoPppoe(core.router))
      log.info(`DEMO MODE: a PPPoE server on the demo router hands out ${DEMO_PPPOE_POOL.ranges}`);
    await seedOnce(core, log);
    for (const d of DEMO_SUBSCRIBERS) {
      const s = (await subs.list({ siteId: DEFAULT_SITE.id })).find((r) => r.username === d.username);
      if (!s || stopped) continue;
      cpes.set(s.id, { mac: d.cpe });
      await arm(s.id, d.cpe);
    }
  }

  const ready = run().catch((err: Error) =>
    log.warn({ err: err.message }, "the demo's subscribers were not set up; the next start tries again"),
  );
  return {
    ready,
    async stop() {
      stopped = true;
      unlisten();
      unwatch();
      await ready;
    },
  };
}
