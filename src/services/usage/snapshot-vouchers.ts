/**
 * Which voucher each session and each of our queues in a snapshot belongs to, looked up once a cycle. The cycle's
 * passes over the sessions (device limits, presence, logouts) and over the queues (owners) read these arrays by
 * position instead of looking every code up again: at 10,000 devices each lookup of a session's code is a few
 * cache misses (the session, its text, the map, the voucher's code), and five passes made 50,000 of them a poll.
 * Per cycle, never kept: it is made for one snapshot and one state, and the passes check that it is theirs.
 */
import type { RouterSnapshot } from '../../router/hotspot';
import type { LoadedState, LoadedVoucher } from './load';

export interface SnapshotVouchers {
  readonly snapshot: RouterSnapshot;
  readonly state: LoadedState;
  /** By position in `snapshot.sessions`: the voucher of the session's user, if `state` has it. */
  readonly sessions: ReadonlyArray<LoadedVoucher | undefined>;
  /** By position in `snapshot.ours`: the voucher of the queue's comment, if `state` has it. */
  readonly ours: ReadonlyArray<LoadedVoucher | undefined>;
}

export function snapshotVouchers(snapshot: RouterSnapshot, state: LoadedState): SnapshotVouchers {
  const { byCode } = state;
  const s = snapshot.sessions;
  const sessions = new Array<LoadedVoucher | undefined>(s.length);
  for (let i = 0; i < s.length; i++) sessions[i] = byCode.get(s[i].user);
  const q = snapshot.ours;
  const ours = new Array<LoadedVoucher | undefined>(q.length);
  for (let i = 0; i < q.length; i++) ours[i] = q[i].code ? byCode.get(q[i].code) : undefined;
  return { snapshot, state, sessions, ours };
}

/** `found` when it was made for this snapshot and state, else undefined (the caller looks the codes up itself). */
export function madeFor(
  found: SnapshotVouchers | undefined,
  snapshot: RouterSnapshot,
  state: LoadedState,
): SnapshotVouchers | undefined {
  return found && found.snapshot === snapshot && found.state === state ? found : undefined;
}

/** The codes the router mentions that `found.state` does not have: a session's user, a queue's comment. */
export function unknownCodes(found: SnapshotVouchers): string[] {
  const codes = new Set<string>();
  const { sessions, ours } = found.snapshot;
  for (let i = 0; i < sessions.length; i++) if (!found.sessions[i]) codes.add(sessions[i].user);
  for (let i = 0; i < ours.length; i++) {
    const code = ours[i].code;
    if (code && !found.ours[i]) codes.add(code);
  }
  return [...codes];
}
