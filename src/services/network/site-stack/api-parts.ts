/**
 * An API site's parts (parts.ts): its router's counters and queues, hotspot users on its router, and its
 * subscribers' PPP profiles and secrets there (the enforcer gives their secrets the tier profile a poll decided). It has no RADIUS subscribers: that part does nothing.
 */
import { createHotspotUsers, routerLogins, routerSessions } from '../hotspot-users';
import { createPppSubscribers, pppSessionsRead } from '../ppp-subscribers';
import { routerLogin } from '../../shop/redemption';
import { withSubscriberSpeeds } from '../usage/enforcer';
import { routerPair } from '../usage/router-pair';
import { routerSubscriberCounters } from '../usage/subscriber-watch-source';
import { idlePppSubscribers, idleRadiusSubscribers } from './idle';
import type { ModeContext, ModeParts } from './parts';

export function apiParts(c: ModeContext): ModeParts {
  const users = createHotspotUsers(c);
  // Without a key to open the site's secrets (the terminal), no subscriber is this face's to check.
  const ppp = c.box ? createPppSubscribers({ ...c, box: c.box }) : idlePppSubscribers();
  // The source and the enforcer share the poll's one read of the router's queues and sessions.
  // Subscribers' PPP sessions are read in the same round, and booked by the same poll.
  const sessionsRead = pppSessionsRead(c);
  const pair = routerPair(c.hotspot, () => c.clock.now(), sessionsRead);
  // The fair-use watch reads the subscribers near a threshold by name between polls (usage/fup-watch-subscribers.ts).
  const source = {
    ...pair.source,
    readSubscribers: routerSubscriberCounters(c.router, () => c.clock.now(), true),
  };
  // The order's subscribers reach the router as their secrets' tier profiles, through the PPP room that owns them.
  return {
    usage: {
      source,
      routerReady: () => c.binding.ready(),
      pollNeedsRouter: true,
      // A reboot may have been a reset: the users sync after this cycle checks every hotspot user.
      onRouterRebooted: () => {
        users.requestCheck('router rebooted');
        ppp.requestCheck('router rebooted');
      },
    },
    enforcement: { enforcer: withSubscriberSpeeds(pair.enforcer, ppp.applySpeeds), writesLogins: false },
    logins: {
      vouchers: routerLogins({ ...c, users }),
      device: routerLogin,
      hotspotUsers: users,
      ppp,
      radius: idleRadiusSubscribers(),
    },
    sessions: {
      vouchers: routerSessions(c),
      pppLoginAt: (address) => ppp.loginAt(address),
      subscribersOnline: async () => ppp.onlineSeen(),
    },
    lifecycle: {
      async start() {
        if (c.runsJobs) ppp.start();
      },
      cycle: (run) => run(),
      stop: async () => {
        await ppp.stop();
        sessionsRead.close();
      },
    },
  };
}
