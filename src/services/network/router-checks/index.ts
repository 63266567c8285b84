import type { Logger } from '../../../lib/logger';
import { hotspotFastTrackRules } from '../../../router/setup-plan';
import { FASTTRACK_FIX, readFastTrackRules } from '../../../router/system';
import type { RosRow, RouterClient } from '../../../router/types';
import type { RouterWarning, RouterChecksService } from './types';
export type { RouterWarning, RouterChecksService } from './types';

export { FASTTRACK_FIX };

// Which FastTrack rules catch hotspot customers is decided once, with the router setup's items (a fast-tracked
// connection bypasses simple queues: speed limits and usage counts stop applying).
export { hotspotFastTrackRules };

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

export function createRouterChecksService(router: RouterClient, log: Logger): RouterChecksService {
  let current: RouterWarning[] = [];
  let inFlight: Promise<RouterWarning[]> | undefined;

  async function read(): Promise<RouterWarning[]> {
    const rules = await readFastTrackRules(router);
    const fastTrack = hotspotFastTrackRules(rules);
    return fastTrack.length ? [fastTrackWarning(fastTrack)] : [];
  }

  /** One log line when a warning appears and one when it is gone, not one per check. */
  function keep(next: RouterWarning[]): void {
    const before = new Set(current.map((w) => w.code));
    const after = new Set(next.map((w) => w.code));
    for (const w of next)
      if (!before.has(w.code)) log.warn({ code: w.code, fix: w.fix }, `router check: ${w.message}`);
    for (const w of current)
      if (!after.has(w.code)) log.info({ code: w.code }, `router check: ${w.code} resolved`);
    current = next;
  }

  return {
    warnings: () => current,
    check() {
      // A reconnect and the hourly job may ask at once: one read serves both.
      inFlight ??= (async () => {
        if (!router.status.connected) return current;
        try {
          keep(await read());
        } catch (err) {
          log.debug({ err: (err as Error).message }, 'router check could not read the firewall');
        }
        return current;
      })().finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}
