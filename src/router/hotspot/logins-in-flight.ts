/**
 * The poll plans from a snapshot, and a customer's login can land between that read and the plan's writes: the
 * snapshot has no session for the device yet, so the plan would remove the queue the login just made (a paying
 * customer online with no limit and no counting until the next poll). The hotspot remembers which device queues
 * logins are touching and when they finished, on one counter shared with the snapshots; a removal planned from a
 * snapshot that may have missed such a login is left out (the next poll decides on fresh facts).
 *
 * Memory: one entry per device queue touched by a login, dropped once a snapshot taken after the login finished
 * has been applied (so at most the logins of about one poll interval).
 */
export class LoginsInFlight {
  private tick = 0;
  private readonly queues = new Map<string, { mac: string; finished?: number }>();

  /** A login starts touching this device's queue; call the returned function when it is over (done or undone). */
  begin(queueName: string, mac: string): () => void {
    const entry: { mac: string; finished?: number } = { mac };
    this.queues.set(queueName, entry);
    this.tick++;
    return () => {
      entry.finished = ++this.tick;
    };
  }

  /** Taken just before a snapshot is read. */
  mark(): number {
    return ++this.tick;
  }

  /** True when a snapshot taken at `mark` may not show this queue's login. */
  protects(queueName: string, mark: number): boolean {
    const e = this.queues.get(queueName);
    return e !== undefined && (e.finished === undefined || e.finished > mark);
  }

  /** The devices whose login a snapshot taken at `mark` may not show (their session may be missing from it). */
  devicesMissedBy(mark: number): Set<string> {
    const out = new Set<string>();
    for (const e of this.queues.values()) if (e.finished === undefined || e.finished > mark) out.add(e.mac);
    return out;
  }

  /** Logins that finished before `mark` are in every snapshot from then on. */
  forgetBefore(mark: number): void {
    for (const [name, e] of this.queues)
      if (e.finished !== undefined && e.finished < mark) this.queues.delete(name);
  }
}

/**
 * Logins in flight as every server sharing the database sees them (several servers on one PostgreSQL database,
 * docs/sites.md): each login is recorded, with the server making it, while it touches a device's session and
 * queue. The poll of the site's lease holder, which may be another server, leaves those devices' queues alone.
 * The implementation lives with the database (src/db/logins-in-flight.ts); the hotspot only asks.
 */
export interface SharedLogins {
  /** Records logins of these devices as under way on this server; resolves once recorded, to what ends them. */
  begin(macs: readonly string[]): Promise<() => Promise<void>>;
  /** The devices whose login is under way now on any running server (this one's included). */
  underWay(): Promise<Set<string>>;
}
