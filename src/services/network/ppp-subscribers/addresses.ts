/**
 * Subscribers' fixed addresses on an API site's router: the secret's `remote-address`. A running session keeps
 * the address it took at login, so a new one (or one taken off) reaches the subscriber by ending its session
 * once: the CPE dials again and takes what its secret now says. Once per change, never in a loop: `endedFor`
 * remembers the address each session was ended for (memory of the running controller, as speeds.ts's).
 */
import { sessionsToReaddress, type PppSecretHave, type PppSecretWant } from '../../../domain/ppp-plan';
import type { RouterPpp } from '../../../router/ppp';

/** The names whose secret's address this check changed (a fixed address given, changed or taken off). */
export function readdressedSecrets(
  have: readonly PppSecretHave[],
  want: readonly PppSecretWant[],
  unwritten: ReadonlySet<string>,
): Set<string> {
  const before = new Map(have.filter((h) => h.ours).map((h) => [h.name, h.remoteAddress]));
  const out = new Set<string>();
  for (const w of want) {
    const old = before.get(w.name);
    if (old !== undefined && old !== (w.remoteAddress ?? '') && !unwritten.has(w.name)) out.add(w.name);
  }
  return out;
}

/** Ends the sessions not at their fixed address (but those whose secret was not written: `skip`). */
export async function readdressSessions(
  ppp: Pick<RouterPpp, 'endSession'>,
  sessions: ReadonlyArray<{ name: string; address: string | null }>,
  want: readonly PppSecretWant[],
  readdressed: ReadonlySet<string>,
  endedFor: Map<string, string>,
  skip: ReadonlySet<string>,
): Promise<{ ended: number; failed: number }> {
  const wanted = new Map(want.map((w) => [w.name, w.remoteAddress ?? '']));
  for (const s of sessions)
    if (s.address !== null && wanted.get(s.name) === s.address) endedFor.delete(s.name);
  let ended = 0;
  let failed = 0;
  for (const r of sessionsToReaddress(sessions, want, readdressed, endedFor)) {
    if (skip.has(r.name)) continue;
    try {
      ended += await ppp.endSession(r.name);
      endedFor.set(r.name, r.address);
    } catch {
      failed++;
    }
  }
  return { ended, failed };
}
