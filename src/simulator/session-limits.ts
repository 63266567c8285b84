/**
 * The hotspot's limits on a login and on a session (docs/routeros.md "Hotspot user limits"): a user's limits as a
 * login takes them, and whether a session or a user is past them. sessions.ts applies them.
 */
import type { ActiveItem, SessionLimits, UserItem } from './state';
import { parseDuration } from './values';

/** A RADIUS session past its `Mikrotik-Total-Limit` (+ `-Gigawords`): bytes both ways, this session only. */
export function overGrant(s: ActiveItem): boolean {
  const limit = s.radius?.limitBytesTotal ?? 0;
  return limit > 0 && s.counters.bytesIn + s.counters.bytesOut >= limit;
}

/** Whether the user has used up one of its limits (its ended sessions' usage): no login then. */
export function overBytes(user: UserItem): boolean {
  const { bytesIn, bytesOut } = user.counters;
  const lim = (k: string): number => Number(user.cfg[k] ?? '0');
  return (
    (lim('limit-bytes-in') > 0 && bytesIn >= lim('limit-bytes-in')) ||
    (lim('limit-bytes-out') > 0 && bytesOut >= lim('limit-bytes-out')) ||
    (lim('limit-bytes-total') > 0 && bytesIn + bytesOut >= lim('limit-bytes-total'))
  );
}

/**
 * The limits a login gives the session: the user's, minus what its ended sessions used (a limit the user has
 * used up refuses the login before this). A limit of 0 stays 0 (none).
 */
export function limitsAtLogin(user: UserItem): SessionLimits {
  const left = (limit: number, used: number) => (limit > 0 ? Math.max(1, limit - used) : 0);
  const { bytesIn, bytesOut } = user.counters;
  return {
    bytesIn: left(Number(user.cfg['limit-bytes-in'] ?? '0'), bytesIn),
    bytesOut: left(Number(user.cfg['limit-bytes-out'] ?? '0'), bytesOut),
    bytesTotal: left(Number(user.cfg['limit-bytes-total'] ?? '0'), bytesIn + bytesOut),
    uptime: left(parseDuration(user.cfg['limit-uptime'] ?? '0') ?? 0, user.uptime),
  };
}

/** A local session past a limit it took at login: this session's bytes only. */
export function overFixed(s: ActiveItem): boolean {
  const f = s.fixed;
  if (!f) return false;
  const { bytesIn, bytesOut } = s.counters;
  return (
    (f.bytesIn > 0 && bytesIn >= f.bytesIn) ||
    (f.bytesOut > 0 && bytesOut >= f.bytesOut) ||
    (f.bytesTotal > 0 && bytesIn + bytesOut >= f.bytesTotal)
  );
}
