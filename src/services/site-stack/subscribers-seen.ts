/**
 * What a site's stack knows of its subscribers' PPP sessions without asking anything more: the poll's last reading
 * when its source reads them (UsageReading.subscribers), else what the mode's parts last saw (the PPP room's check
 * on an API site, FreeRADIUS's accounting on a RADIUS site). The metrics' scrape reads it: never a router read.
 */
import type { UsageSource } from '../usage/source';
import type { ModeParts } from './parts';

export interface SubscribersSeen {
  /** The mode's source, remembering how many PPP sessions each reading carried. */
  source: UsageSource;
  /** PPP sessions online: the last reading's, else the parts' count; undefined when neither knows. */
  online(): Promise<number | undefined>;
}

export function subscribersSeen(parts: Pick<ModeParts, 'source' | 'subscribersOnline'>): SubscribersSeen {
  let fromReading: number | undefined;
  return {
    source: {
      async read() {
        try {
          const reading = await parts.source.read();
          fromReading = reading.subscribers?.length;
          return reading;
        } catch (err) {
          fromReading = undefined;
          throw err;
        }
      },
    },
    online: async () => fromReading ?? (await parts.subscribersOnline()),
  };
}
