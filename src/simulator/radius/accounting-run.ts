/**
 * What the hotspot's and PPP's RADIUS accounting share: the sessions being accounted with their interim interval,
 * Interim-Updates when due by the simulator's clock, and the requests still in flight.
 */
import type { RouterState } from '../state';
import { toGigawords, type Attribute } from './codec';
import type { RadiusServers } from './servers';

export abstract class AccountingRun<S> {
  /** Each accounted session: seconds between Interim-Updates (0: none) and when the last went out. */
  protected readonly running = new Map<S, { interval: number; lastAt: number }>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    protected readonly state: RouterState,
    protected readonly servers: RadiusServers,
    protected readonly now: () => number,
    protected readonly listenHost: string,
    protected readonly failed: (what: string, err: unknown) => void,
  ) {}

  /** One accounting request of a session (Start, Interim-Update, Stop), its usage attributes in `extra`. */
  protected abstract send(session: S, status: string, extra: Attribute[]): void;
  /** The session's time and counters so far, at `now`. */
  protected abstract usage(session: S, now: number): Attribute[];

  /** Interim-Updates that are due by the simulator's clock. */
  tick(): void {
    const now = this.now();
    for (const [session, a] of this.running) {
      if (a.interval <= 0 || now - a.lastAt < a.interval * 1000) continue;
      a.lastAt = now;
      this.send(session, 'Interim-Update', this.usage(session, now));
    }
  }

  /** Resolves when every accounting request sent so far has been answered or given up. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  protected track(request: Promise<void>): void {
    this.inFlight.add(request);
    void request.finally(() => this.inFlight.delete(request));
  }
}

/**
 * Time and counters of a session so far (Interim-Update and Stop): ✔ input is what the router received, each byte
 * count past 4 GiB in its Gigawords, packets modulo 2^32.
 */
export function usageAttributes(
  loginAt: number,
  now: number,
  [bytesIn, bytesOut, packetsIn, packetsOut]: readonly [number, number, number, number],
): Attribute[] {
  const input = toGigawords(bytesIn);
  const output = toGigawords(bytesOut);
  return [
    ['Acct-Session-Time', Math.max(0, Math.floor((now - loginAt) / 1000))],
    ['Acct-Input-Octets', input.octets],
    ['Acct-Input-Gigawords', input.gigawords],
    ['Acct-Output-Octets', output.octets],
    ['Acct-Output-Gigawords', output.gigawords],
    ['Acct-Input-Packets', packetsIn % 2 ** 32],
    ['Acct-Output-Packets', packetsOut % 2 ** 32],
  ];
}
