import type { Logger } from '../../../lib/logger';
import { hotspotFastTrackRules } from '../../../router/setup-plan';
import { FASTTRACK_FIX, readFastTrackRules } from '../../../router/system';
import type { RosRow, RouterClient } from '../../../router/types';
import type { SetupReport } from '../router-setup';
import type { RouterChecksOptions, RouterWarning, RouterChecksService } from './types';
export type { RouterWarning, RouterChecksService } from './types';

export { FASTTRACK_FIX };

// Which FastTrack rules catch hotspot customers is decided once, with the router setup's items (a fast-tracked
// connection bypasses simple queues: speed limits and usage counts stop applying).
export { hotspotFastTrackRules };

/** What puts the router's setup back in the terminal (the same as Router → Setup → Fix all). */
export const SETUP_FIX = 'npm run cli -- router setup --apply';

/** How often a SETUP_INCOMPLETE that is up is read again at a poll (one round of the setup's prints). */
export const SETUP_RECHECK_MS = 60_000;

/**
 * The setup items whose loss SETUP_INCOMPLETE reports: all but `fasttrack` (FASTTRACK says it, with its rule) and
 * `api-service` (a limit on who reaches the API, which an owner may leave off on purpose: router-setup.md).
 */
const NOT_REPORTED: readonly string[] = ['fasttrack', 'api-service'];

function fastTrackWarning(rules: RosRow[]): RouterWarning {
  const which = rules
    .map((r) => `${r['.id'] ?? '?'} in chain ${r.chain ?? '?'}${r.comment ? ` "${r.comment}"` : ''}`)
    .join(', ');
  return {
    code: 'FASTTRACK',
    message:
      `FastTrack is on for hotspot traffic (${rules.length === 1 ? 'rule' : 'rules'} ${which}): fast-tracked ` +
      `connections skip the simple queues, so customers' speed limits, data caps and usage counts stop working. ` +
      `Disable the rule, or add hotspot=!auth to it so logged-in customers are never fast-tracked.`,
    fix: FASTTRACK_FIX,
  };
}

/** SETUP_INCOMPLETE for the items of the setup that are not ok (but those FASTTRACK or nobody reports), or none. */
function setupWarnings(report: SetupReport): RouterWarning[] {
  const off = report.items.filter((i) => i.state !== 'ok' && !NOT_REPORTED.includes(i.id));
  if (!off.length) return [];
  return [
    {
      code: 'SETUP_INCOMPLETE',
      message:
        `The router lacks part of the setup the controller needs (${off.map((i) => `${i.id} ${i.state}`).join(', ')}): ` +
        `customers may not reach the portal, log in or connect until it is put back. Router → Setup shows each ` +
        `item and fixes what it can.`,
      fix: SETUP_FIX,
    },
  ];
}

/** One kind of warning: its list, the read that renews it (one at a time: callers at once share it), and when. */
interface Slot {
  list: RouterWarning[];
  read: () => Promise<RouterWarning[]>;
  inFlight?: Promise<void>;
  readAt?: number;
}

export function createRouterChecksService(
  router: RouterClient,
  log: Logger,
  opts: RouterChecksOptions = {},
): RouterChecksService {
  const now = opts.now ?? Date.now;
  const fastTrack: Slot = {
    list: [],
    read: async () => {
      const rules = hotspotFastTrackRules(await readFastTrackRules(router));
      return rules.length ? [fastTrackWarning(rules)] : [];
    },
  };
  const setup: Slot = { list: [], read: async () => (opts.setup ? setupWarnings(await opts.setup()) : []) };
  const all = () => [...fastTrack.list, ...setup.list];

  /** One log line when a warning appears and one when it is gone, not one per check. */
  function keep(slot: Slot, next: RouterWarning[]): void {
    const before = new Set(slot.list.map((w) => w.code));
    const after = new Set(next.map((w) => w.code));
    for (const w of next)
      if (!before.has(w.code)) log.warn({ code: w.code, fix: w.fix }, `router check: ${w.message}`);
    for (const w of slot.list)
      if (!after.has(w.code)) log.info({ code: w.code }, `router check: ${w.code} resolved`);
    slot.list = next;
  }

  /** The slot read again, unless the router is away (its list is then kept). */
  function renew(slot: Slot): Promise<void> {
    slot.inFlight ??= (async () => {
      if (!router.status.connected) return;
      try {
        keep(slot, await slot.read());
        slot.readAt = now();
      } catch (err) {
        log.debug({ err: (err as Error).message }, 'router check could not read the router');
      }
    })().finally(() => (slot.inFlight = undefined));
    return slot.inFlight;
  }

  return {
    warnings: all,
    async check() {
      await Promise.all([renew(fastTrack), setup.list.length ? renew(setup) : undefined]);
      return all();
    },
    async checkSetup() {
      await renew(setup);
      return all();
    },
    async afterPoll() {
      const setupDue = setup.list.length > 0 && now() - (setup.readAt ?? 0) >= SETUP_RECHECK_MS;
      await Promise.all([
        fastTrack.list.length ? renew(fastTrack) : undefined,
        setupDue ? renew(setup) : undefined,
      ]);
    },
  };
}
