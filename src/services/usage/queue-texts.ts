/**
 * The usage poll's memory of queue texts. Every poll computes the desired queue of every connected device;
 * at 5,000 devices that is 15,000 strings (names, targets, rate pairs) equal to the last poll's. These tables
 * hand back the same string instead.
 *
 * Cache (listed in README "Caches"): one set per usage service (so per server process), bounded: a table that
 * reaches its size is cleared and refills (costing only the rebuilding). It holds texts derived from their
 * keys alone, so it can never be stale.
 */
import { plainQueueTexts, type QueueTexts } from '../../domain/queues';

class TextMemo<K> {
  private readonly map = new Map<K, string>();
  constructor(private readonly limit: number) {}
  get(key: K, make: (key: K) => string): string {
    let text = this.map.get(key);
    if (text === undefined) {
      if (this.map.size >= this.limit) this.map.clear();
      text = make(key);
      this.map.set(key, text);
    }
    return text;
  }
}

export function createQueueTexts(): QueueTexts {
  const names = new TextMemo<string>(50_000);
  const targets = new TextMemo<string>(50_000);
  const burstTimes = new TextMemo<number>(1_000);
  // A shop has a handful of speeds: rate pairs by upload, then download.
  const ratePairs = new Map<number, TextMemo<number>>();
  return {
    name: (mac) => names.get(mac, plainQueueTexts.name),
    target: (ip) => targets.get(ip, plainQueueTexts.target),
    burstTime: (s) => burstTimes.get(s, plainQueueTexts.burstTime),
    ratePair(up, down) {
      let byDown = ratePairs.get(up);
      if (!byDown) {
        if (ratePairs.size >= 1_000) ratePairs.clear();
        byDown = new TextMemo<number>(1_000);
        ratePairs.set(up, byDown);
      }
      return byDown.get(down, (d) => plainQueueTexts.ratePair(up, d));
    },
  };
}
