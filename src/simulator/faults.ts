/**
 * One-shot fault injection, so the controller's timeouts, reconnects and node-routeros quirks
 * (docs/routeros.md "Idle timeout", "Dropped connections", "Late tagged replies") can be tested against the
 * simulator instead of a flaky real router.
 */
import type { TrapInfo } from './messages';
import type { CoaRateMode } from './radius/incoming';

type Fault =
  | { kind: 'drop'; path: string }
  | { kind: 'hang'; path: string }
  | { kind: 'late'; path: string }
  | { kind: 'trap'; path: string; trap: TrapInfo }
  | { kind: 'fatal'; path: string; reason: string };

/** `/queue/simple` matches `/queue/simple/print`; `/queue/simple/print` matches only itself. */
function matches(pattern: string, command: string): boolean {
  const p = pattern.startsWith('/') ? pattern : `/${pattern}`;
  return command === p || command.startsWith(`${p}/`);
}

export class Faults {
  private pending: Fault[] = [];
  private silenceArmed = false;
  private coaRate: CoaRateMode = 'apply';
  private fetchDelay = 0;
  private sessionLimitShown = true;

  /** @param silenceNow called by silenceAfterLogin() to mute the sessions that are already logged in. */
  constructor(private readonly silenceNow: () => void) {}

  /** Close the socket when that command arrives, without a reply (docs/routeros.md "Dropped connections"). */
  dropConnectionOn(path: string): void {
    this.pending.push({ kind: 'drop', path });
  }

  /** Never reply to that command (it still ends with /cancel, like a long-running command). */
  hangOn(path: string): void {
    this.pending.push({ kind: 'hang', path });
  }

  /**
   * After `!done`, send one more `!re` with the same tag (crashes unpatched node-routeros,
   * docs/routeros.md "Late tagged replies").
   */
  lateTaggedReplyOn(path: string): void {
    this.pending.push({ kind: 'late', path });
  }

  trapOn(path: string, message: string, category?: number): void {
    this.pending.push({ kind: 'trap', path, trap: { message, category } });
  }

  /** `!fatal <reason>`, then the router closes the connection. */
  fatalOn(path: string, reason: string): void {
    this.pending.push({ kind: 'fatal', path, reason });
  }

  /**
   * Stop replying to anything (idle-timeout scenario): sessions already logged in go silent now, and the
   * next session to log in goes silent right after its login reply.
   */
  silenceAfterLogin(): void {
    this.silenceArmed = true;
    this.silenceNow();
  }

  /**
   * How the router answers a CoA that changes a session's rate (docs/routeros.md "RADIUS"): `apply` (default),
   * `nak` (CoA-NAK, Error-Cause Unsupported-Service) or `silent` (no answer). Unlike the one-shot faults this
   * is the router's way until changed again, so a product's fallback to Disconnect can be tested.
   */
  coaRateChanges(mode: CoaRateMode): void {
    this.coaRate = mode;
  }

  get coaRateMode(): CoaRateMode {
    return this.coaRate;
  }

  /**
   * How long after a `/tool/fetch` has answered `!done` the file it fetched appears (docs/routeros.md
   * "Fetch"): 0 (default) writes it before `!done`. Like coaRateChanges, the router's way until changed again.
   */
  fetchFileAfter(ms: number): void {
    this.fetchDelay = Math.max(0, ms);
  }

  /**
   * Whether `/ip/hotspot/active` rows carry a session's `limit-bytes-total` (default: yes, when it has one).
   * Off models a RouterOS 7 that does not print the field, so the controller's reading of a missing field can
   * be tested.
   */
  printSessionByteLimits(on: boolean): void {
    this.sessionLimitShown = on;
  }

  get sessionByteLimitsPrinted(): boolean {
    return this.sessionLimitShown;
  }

  get fetchFileDelayMs(): number {
    return this.fetchDelay;
  }

  /** The first pending fault for this command, removed (one-shot). */
  take(command: string): Fault | undefined {
    const i = this.pending.findIndex((f) => matches(f.path, command));
    return i < 0 ? undefined : this.pending.splice(i, 1)[0];
  }

  takeSilence(): boolean {
    const armed = this.silenceArmed;
    this.silenceArmed = false;
    return armed;
  }

  clear(): void {
    this.pending = [];
    this.silenceArmed = false;
    this.coaRate = 'apply';
  }
}
