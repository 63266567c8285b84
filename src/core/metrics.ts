/**
 * What a Prometheus scrape reads of the core (src/metrics): every site this server drives, with its router
 * connection's state, its last poll and its subscribers online as the process already holds them (never a round
 * trip to a router), and the read connection for the sales and the subscribers' counts.
 */
import type { Core } from '../core';
import type { MetricsSources, SiteView } from '../metrics';
import type { SiteStack } from '../services/network/site-stack';

export function metricsSources(core: Core, since: number): MetricsSources {
  const main = core.defaultStack;
  return {
    sites(): SiteView[] {
      const view = (s: SiteStack, up: boolean | null): SiteView => ({
        ...s.site,
        up,
        lastPollAt: s.usage.lastPollAt(),
        subscribersOnline: () => s.subscribersOnline(),
      });
      const out = [view(main, core.router.status.connected)];
      // A site whose router this controller does not reach (a RADIUS site without API access) has no
      // connection of ours to judge it by.
      for (const s of core.siteStacks.values())
        out.push(view(s, s.apiAccess ? s.router.status.connected : null));
      return out.sort((a, b) => a.id - b.id);
    },
    db: main.deps.reader ?? core.db,
    clock: core.clock,
    since,
  };
}
