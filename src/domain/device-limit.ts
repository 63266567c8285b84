/**
 * A voucher's device count, whatever page its devices logged in from. The portal checks the count before it
 * logs a device in; the router's own login page cannot (RouterOS only knows `shared-users`, one number per
 * user profile for every plan), so the usage poll applies it to the sessions the router reports: this says
 * which of one voucher's sessions stay, which are new devices to record, and which are beyond the count.
 *
 * Places go to the earliest devices. A device the voucher already has (a row in the database, or the MAC a
 * one-device voucher is bound to) keeps its place whether it is online or not, in the order it was first
 * seen, as the portal counts them; then new devices in the order they logged in, the longest-running
 * session first. Places are counted per MAC, so a device that logs in again is never counted twice.
 */

export interface KnownDevice {
  /** Canonical MAC, as stored. */
  mac: string;
  firstSeenAt: number;
}

/** What the decision needs of a router session; the caller's own session objects are returned as given. */
interface LimitedSession {
  mac: string;
  uptimeSeconds: number;
}

interface DeviceLimitInput<S extends LimitedSession> {
  /** The profile's `users`. */
  limit: number;
  /** The MAC a one-device voucher is bound to (it keeps the place even while offline); null when none. */
  boundMac: string | null;
  /** The voucher's devices as recorded. */
  known: readonly KnownDevice[];
  /** The voucher's sessions on the router, in the router's order (which is the order they began). */
  sessions: readonly S[];
}

interface DeviceLimitDecision<S extends LimitedSession> {
  /** Sessions of devices that hold a place (known ones and new ones within the count). */
  keep: S[];
  /** One session per new device that got a place (its longest-running one), earliest first: record these. */
  adopt: S[];
  /** Sessions of devices beyond the count: log them out, record nothing. */
  logout: S[];
}

/** The MACs that hold the voucher's places, earliest first (known devices, then new ones), at most `limit`. */
export function devicePlaces<S extends LimitedSession>(input: DeviceLimitInput<S>): Set<string> {
  const order: string[] = [];
  const seen = new Set<string>();
  const take = (mac: string): void => {
    if (seen.has(mac)) return;
    seen.add(mac);
    order.push(mac);
  };
  // The binding only means something on a one-device plan (it is not written for others).
  if (input.boundMac !== null && input.limit === 1) take(input.boundMac);
  // Array.prototype.sort is stable: equal first-seen times keep the caller's order.
  const known = [...input.known].sort((a, b) => a.firstSeenAt - b.firstSeenAt);
  for (const d of known) take(d.mac);
  // New devices by the longest session each has; equal uptimes keep the router's order.
  const longest = new Map<string, number>();
  for (const s of input.sessions) {
    if (seen.has(s.mac)) continue;
    const u = longest.get(s.mac);
    if (u === undefined || s.uptimeSeconds > u) longest.set(s.mac, s.uptimeSeconds);
  }
  const fresh = [...longest.entries()].sort((a, b) => b[1] - a[1]);
  for (const [mac] of fresh) take(mac);
  return new Set(order.slice(0, Math.max(0, input.limit)));
}

export function decideDeviceLimit<S extends LimitedSession>(
  input: DeviceLimitInput<S>,
): DeviceLimitDecision<S> {
  const places = devicePlaces(input);
  const known = new Set(input.known.map((d) => d.mac));
  const out: DeviceLimitDecision<S> = { keep: [], adopt: [], logout: [] };
  const adopted = new Map<string, S>();
  for (const s of input.sessions) {
    if (!places.has(s.mac)) {
      out.logout.push(s);
      continue;
    }
    out.keep.push(s);
    if (known.has(s.mac)) continue;
    const first = adopted.get(s.mac);
    if (first === undefined || s.uptimeSeconds > first.uptimeSeconds) adopted.set(s.mac, s);
  }
  out.adopt = [...adopted.values()].sort((a, b) => b.uptimeSeconds - a.uptimeSeconds);
  return out;
}
