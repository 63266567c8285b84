import type { Logger } from '../lib/logger';
import type { RosRow, RouterClient } from '../router/types';
import type { RouterWarning, RouterChecksService } from './router-checks-types';
export type { RouterWarning, RouterChecksService } from './router-checks-types';

export const FASTTRACK_FIX = '/ip firewall filter set [find action=fasttrack-connection] disabled=yes';

/**
 * Which enabled FastTrack rules catch hotspot customers. A fast-tracked connection bypasses simple queues:
 * the customer's speed limit stops applying and their traffic stops being counted (data caps, FUP, usage
 * reports). The rule is deliberately conservative: any enabled `fasttrack-connection` rule counts, except one
 * in the input or output chain (router's own traffic) or one that says `hotspot=!auth` (never matches a
 * logged-in customer). Narrower matchers (an interface, an address list) are not trusted to exclude the
 * hotspot: the controller cannot tell which interface or addresses the hotspot really serves.
 */
export function hotspotFastTrackRules(rules: RosRow[]): RosRow[] {
  return rules.filter(
    (r) =>
      r.action === 'fasttrack-connection' &&
      r.disabled !== 'true' &&
      r.chain !== 'input' &&
      r.chain !== 'output' &&
      !(r.hotspot ?? '').split(',').includes('!auth'),
  );
}

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
    const rules = await router.print('/ip/firewall/filter', {
      proplist: ['.id', 'chain', 'action', 'disabled', 'hotspot', 'comment'],
      query: ['action=fasttrack-connection', 'disabled=false'],
    });
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
