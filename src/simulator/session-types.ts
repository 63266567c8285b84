/** What the hotspot's sessions (sessions.ts) tell and take: why one ended, who listens, a login's arguments. */
import type { ActiveItem } from './state';

/**
 * Why a session ended, as the hotspot's log line words it (docs/routeros.md "Log"). ✖ `idle timeout`, `user
 * request` (the status page's logout) and `router reboot` (its lines are gone with the reboot's log anyway).
 */
export type LogoutReason =
  | 'admin reset'
  | 'session timeout'
  | 'idle timeout'
  | 'traffic limit reached'
  | 'lost dhcp lease'
  | 'user request'
  | 'router reboot';

/** Told when a session starts and when it ends (RADIUS accounting listens). */
export interface SessionListener {
  started(session: ActiveItem): void;
  /** Called while the session is still listed, its counters final. */
  ended(session: ActiveItem, reason: LogoutReason): void;
}

/** Login arguments as `/ip/hotspot/active/login` takes them. */
export interface LoginArgs {
  user?: string;
  password?: string;
  ip?: string;
  mac?: string;
}
