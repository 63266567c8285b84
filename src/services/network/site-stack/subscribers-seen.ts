/**
 * What a site's stack knows of its subscribers' PPP sessions without asking anything more: the poll's last reading
 * when its source reads them (UsageReading.subscribers), or what the mode's parts saw, whichever came last (the PPP room's check
 * on an API site, FreeRADIUS's accounting on a RADIUS site). The metrics' scrape reads it: never a router read.
 */
import { nextStamp } from '../../../lib/stamp';
import type { UsageSource } from '../usage/source';
import type { SessionParts } from './parts';

interface SubscribersSeen {
  /** The mode's source, remembering how many PPP sessions each reading carried. */
  source: UsageSource;
  /** PPP sessions online as last seen: the poll's reading or the parts' count, whichever is newer. */
  online(): Promise<number | undefined>;
}

export function subscribersSeen(parts: {
  source: UsageSource;
  subscribersOnline: SessionParts['subscribersOnline'];
}): SubscribersSeen {
  let fromReading: number | undefined;
  let readingStamp = 0;
  return {
    source: {
      // Every other read as the source has it (no `this` in a source's methods).
      ...parts.source,
      // A reading is as of when it began: one begun before a PPP check (it saw the sessions before a dial-in) but
      // answered after it must not pass for the newer, nor an older reading answered late for a newer one.
      async read() {
        const stamp = nextStamp();
        const keep = (count: number | undefined) => {
          if (stamp < readingStamp) return;
          fromReading = count;
          readingStamp = stamp;
        };
        try {
          const reading = await parts.source.read();
          // Sessions ended since the last reading (their last totals) are no longer online.
          keep(reading.subscribers?.filter((x) => !x.ended).length);
          return reading;
        } catch (err) {
          keep(undefined);
          throw err;
        }
      },
    },
    // Whichever saw the sessions last: a poll's reading, or the parts' own look (a PPP check after a dial-in).
    online: async () => {
      const parts_ = await parts.subscribersOnline();
      if (fromReading === undefined || parts_.stamp > readingStamp) return parts_.count;
      return fromReading;
    },
  };
}
