/**
 * RADIUS accounting of hotspot sessions (docs/routeros.md "RADIUS", "Accounting"): ✔ Start at login,
 * Interim-Update every interim interval, Stop at the end with the session's time, bytes and the reason; ✔ input
 * is what the router received from the customer (their upload), output what it sent them, each past 4 GiB in
 * its Gigawords. Interim updates go out on the simulator's clock: `tick()` sends the ones that are due.
 */
import type { LogoutReason } from '../sessions';
import { serverProfileValue, type ActiveItem } from '../state';
import { parseDuration } from '../values';
import { AccountingRun, usageAttributes } from './accounting-run';
import type { Attribute } from './codec';
import { deviceAttributes, serverProfileOf } from './nas';

/**
 * The Acct-Terminate-Cause of each way a session ends. ✔ RFC 2866's causes for a logout by the administrator
 * (Admin-Reset, also what RFC 5176 names for a Disconnect-Request), a session or idle timeout, the customer's
 * own logout (User-Request). ✖ Lost-Carrier for a device that left (its DHCP lease gone), Admin-Reboot for an API
 * reboot, and Session-Timeout for a used-up Mikrotik-Total-Limit (what CoovaChilli sends for its byte limit;
 * RouterOS's choice is unknown).
 */
const TERMINATE_CAUSES: Record<LogoutReason, string> = {
  'admin reset': 'Admin-Reset',
  'session timeout': 'Session-Timeout',
  'idle timeout': 'Idle-Timeout',
  'traffic limit reached': 'Session-Timeout',
  'lost dhcp lease': 'Lost-Carrier',
  'user request': 'User-Request',
  'router reboot': 'Admin-Reboot',
};

export class Accounting extends AccountingRun<ActiveItem> {
  /**
   * A session started: accounted when its server's profile has `use-radius` and `radius-accounting` on. ✖ That
   * sessions of local users are accounted too (the profile's setting reads "for each user").
   */
  started(session: ActiveItem): void {
    const profile = serverProfileOf(this.state, session.server);
    if (profile['use-radius'] !== 'true' || serverProfileValue(profile, 'radius-accounting') !== 'true')
      return;
    this.running.set(session, { interval: interimInterval(profile, session), lastAt: this.now() });
    this.send(session, 'Start', []);
  }

  ended(session: ActiveItem, reason: LogoutReason): void {
    if (!this.running.delete(session)) return;
    this.send(session, 'Stop', [
      ...this.usage(session, this.now()),
      ['Acct-Terminate-Cause', TERMINATE_CAUSES[reason]],
    ]);
  }

  protected send(session: ActiveItem, status: string, extra: Attribute[]): void {
    const classes = (session.radius?.classes ?? []).map((c): Attribute => ['Class', c]);
    const eventTime = Math.floor(this.now() / 1000);
    const request = this.servers
      .ask('hotspot', 'Accounting-Request', 'acct', (entry) => [
        ...deviceAttributes(this.state, session, entry, this.listenHost),
        ['Acct-Status-Type', status],
        ['Acct-Delay-Time', 0],
        ['Event-Timestamp', eventTime],
        ...classes,
        ...extra,
      ])
      .then(
        () => undefined,
        // ✖ An accounting request no server answered is dropped after its tries.
        (err: unknown) => this.failed(`${status} of ${session.user} (${session.acctSessionId})`, err),
      );
    this.track(request);
  }

  protected usage(session: ActiveItem, now: number): Attribute[] {
    const c = session.counters;
    return usageAttributes(session.loginAt, now, [c.bytesIn, c.bytesOut, c.packetsIn, c.packetsOut]);
  }
}

/**
 * ◐ `radius-interim-update`: `received` takes the server's Acct-Interim-Interval (none: no updates); a time set
 * on the profile is used instead.
 */
function interimInterval(profile: Record<string, string>, session: ActiveItem): number {
  const setting = serverProfileValue(profile, 'radius-interim-update');
  if (setting === 'received') return session.radius?.interimInterval ?? 0;
  return parseDuration(setting) ?? 0;
}
