/**
 * One PPP check: the site's plans and subscribers read from the database, the router's PPP profiles, secrets
 * and sessions read once, the difference (domain/ppp-plan.ts) written, and the sessions of ended subscribers
 * ended. Profiles go first (a secret names its profile), unwanted profiles last (RouterOS refuses to remove a
 * profile a secret still names). A check of some subscribers only (the speeds a poll decided: `decided`) writes
 * their secrets and ends their sessions, and leaves the profiles and every other secret as they are.
 */
import { inService } from '../../../domain/subscriber-status';
import type { Knex } from 'knex';
import {
  diffPppProfiles,
  diffPppSecrets,
  pppMaxLimit,
  pppProfilesFor,
  pppSecretFor,
  sessionsToEnd,
  type PppProfileWant,
  type PppSecretHave,
  type PppSecretWant,
} from '../../../domain/ppp-plan';
import type { RouterPpp } from '../../../router/ppp';
import { isMonthly } from '../../shop/profiles/billing';
import type { ProfileService } from '../../shop/profiles/types';
import type { CredentialsBox } from '../../business/sites/credentials';
import { accountNo, loadRows } from '../../subscriptions/subscribers/store';
import { profileFromRow } from '../../../domain/profile-row';
import { restartSessions, subscriberTiers, type SpeedWant } from './speeds';
import { readdressedSecrets, readdressSessions } from './addresses';
import type { Clock } from '../../../lib/clock';
import type { Profile } from '../../../domain/profile-types';
import type { SubscriberSpeeds } from '../../../domain/subscriber-policy';

export interface PppCheckReport {
  added: number;
  changed: number;
  removed: number;
  /** Running sessions of ended subscribers ended. */
  ended: number;
  /** Running sessions ended to take other speeds (a cap reached, a plan changed, a block). */
  restarted: number;
  /** Names held on the router by objects without `pisonet` in their comment: left alone. */
  conflicts: string[];
  /** Writes the router refused (retried at the next check). */
  failed: number;
  /** The refused writes of profiles and secrets, each `secret NAME: the router's error`. */
  failures: string[];
}

export interface PppWanted {
  profiles: PppProfileWant[];
  secrets: PppSecretWant[];
  /** Usernames of the site's ended subscribers. */
  ended: string[];
  /** The speeds each subscriber's session should run at (speeds.ts). */
  speeds: SpeedWant[];
  /** Only these subscribers' secrets and sessions: the profiles and the other secrets are not the check's. */
  scoped?: boolean;
}

/**
 * What the router should hold for the site: its monthly plans, its active and suspended subscribers (not
 * scheduled ones). `decided`: only these subscribers, at these speeds (the poll's; no policy asked here).
 */
export async function wantedPpp(
  d: {
    db: Knex;
    clock: Clock;
    tz: () => string;
    profiles: ProfileService;
    box: Pick<CredentialsBox, 'open'>;
  },
  siteId: number,
  decided?: ReadonlyMap<number, SubscriberSpeeds>,
  /**
   * Speeds applied since the last poll booked the bytes behind them (the fair-use watch's): they win over the
   * database's; those the database agrees with now are taken out of the map.
   */
  held?: Map<number, SubscriberSpeeds>,
): Promise<PppWanted> {
  const plans = new Map<string, PppProfileWant[]>();
  if (!decided)
    for (const p of await d.profiles.list({ siteId }))
      if (isMonthly(p)) plans.set(p.name, pppProfilesFor(p.name, p.profile));
  const secrets: PppSecretWant[] = [];
  const ended: string[] = [];
  const speeds: SpeedWant[] = [];
  const parsed = new Map<number, Profile>();
  const rows = await loadRows(d.db, (q) => {
    q.where('s.site_id', siteId);
    if (decided) q.whereIn('s.id', [...decided.keys()]);
  });
  const served = rows.filter((r) => inService(r.status));
  const tiers = decided ?? keepHeld(await subscriberTiers(d.db, served, d.clock.now(), d.tz()), held);
  for (const r of rows) {
    if (r.status === 'ended') {
      ended.push(r.username);
      continue;
    }
    // Scheduled: not started yet, so no secret (and a session under its name, not ours, is left alone).
    if (!inService(r.status)) continue;
    const plan = r.profile_row.name;
    let profile = parsed.get(Number(r.profile_id));
    if (!profile) parsed.set(Number(r.profile_id), (profile = profileFromRow(r.profile_row)));
    // A plan archived after the subscriber joined still carries the subscriber.
    if (!plans.has(plan)) plans.set(plan, pppProfilesFor(plan, profile));
    const sp = tiers.get(Number(r.id));
    const tier = sp?.tier ?? 'plan';
    const disabled = sp?.service === false;
    secrets.push(
      pppSecretFor({
        username: r.username,
        password: d.box.open(r.password_enc, r.site_name),
        plan,
        accountNo: accountNo(Number(r.seq)),
        tier,
        disabled,
        staticIp: r.static_ip,
        adoptedSecret: r.adopted_secret,
      }),
    );
    speeds.push({ name: r.username, maxLimit: pppMaxLimit(profile, tier), disabled });
  }
  // Some subscribers only: their plans' profiles are the full check's to write.
  if (decided) return { profiles: [], secrets, ended, speeds, scoped: true };
  return { profiles: [...plans.values()].flat(), secrets, ended, speeds };
}

/** `held` over the database's speeds where they differ; where they agree the booked bytes caught up: taken out. */
function keepHeld(tiers: Map<number, SubscriberSpeeds>, held = new Map<number, SubscriberSpeeds>()) {
  for (const [id, sp] of held) {
    const booked = tiers.get(id);
    if (!booked || (booked.service === sp.service && booked.tier === sp.tier)) held.delete(id);
    else tiers.set(id, sp);
  }
  return tiers;
}

/** Brings the router's PPP objects to `want`. Throws when the router cannot be read. */
export async function checkPpp(
  ppp: RouterPpp,
  want: PppWanted,
  endedFor: Map<string, string> = new Map(),
  addressedFor: Map<string, string> = new Map(),
): Promise<PppCheckReport> {
  const [profiles, secrets, sessions, limits] = await Promise.all([
    want.scoped ? [] : ppp.profiles(),
    ppp.secrets(),
    ppp.activeSessions(),
    ppp.sessionLimits(),
  ]);
  const pd = diffPppProfiles(want.profiles, profiles);
  const scope = new Set(want.secrets.map((w) => w.name));
  const sd = diffPppSecrets(want.secrets, want.scoped ? secrets.filter((h) => scope.has(h.name)) : secrets);
  const report: PppCheckReport = {
    added: 0,
    changed: 0,
    removed: 0,
    ended: 0,
    restarted: 0,
    conflicts: [...pd.conflicts.map((n) => `profile ${n}`), ...sd.conflicts.map((n) => `secret ${n}`)],
    failed: 0,
    failures: [],
  };
  const unwritten = await writeObjects(ppp, pd, sd, report);
  const foreign = secrets.filter((s) => !s.ours).map((s) => s.name);
  await endSessions(
    ppp,
    want,
    { sessions, limits, foreign, unwritten, secrets },
    { endedFor, addressedFor },
    report,
  );
  return report;
}

/**
 * The profiles and secrets written as the diffs say, each write on its own: one the router refuses is counted and
 * named in the report (the next check tries again). The secrets not written, whose sessions are left alone.
 */
async function writeObjects(
  ppp: RouterPpp,
  pd: ReturnType<typeof diffPppProfiles>,
  sd: ReturnType<typeof diffPppSecrets>,
  report: PppCheckReport,
): Promise<Set<string>> {
  const unwritten = new Set<string>();
  const attempt = async (
    write: () => Promise<unknown>,
    count: 'added' | 'changed' | 'removed',
    kind: 'profile' | 'secret',
    name = '',
  ) => {
    try {
      await write();
      report[count]++;
    } catch (err) {
      report.failed++;
      report.failures.push(`${kind} ${name}: ${err instanceof Error ? err.message : String(err)}`);
      if (kind === 'secret') unwritten.add(name);
    }
  };
  for (const a of pd.add) await attempt(() => ppp.addProfile(a), 'added', 'profile', a.name);
  for (const s of pd.set)
    await attempt(() => ppp.setProfile(s.have, s.attrs), 'changed', 'profile', s.have.name);
  for (const a of sd.add) await attempt(() => ppp.addSecret(a), 'added', 'secret', a.name);
  for (const s of sd.set)
    await attempt(() => ppp.setSecret(s.have, s.attrs), 'changed', 'secret', s.have.name);
  // An adopted subscriber's secret, made ours where it is: its running session is judged by its speeds after.
  for (const s of sd.adopt)
    await attempt(() => ppp.adoptSecret(s.have, s.attrs), 'changed', 'secret', s.have.name);
  for (const h of sd.remove) await attempt(() => ppp.removeSecret(h), 'removed', 'secret', h.name);
  for (const h of pd.remove) await attempt(() => ppp.removeProfile(h), 'removed', 'profile', h.name);
  return unwritten;
}

/**
 * The sessions ended: an ended subscriber's, one not at its wanted speeds (once per change: `memory.endedFor`), one
 * not at its fixed address (`memory.addressedFor`); none whose secret this check could not write (`unwritten`).
 */
async function endSessions(
  ppp: RouterPpp,
  want: PppWanted,
  read: {
    sessions: Array<{ name: string; address: string | null }>;
    limits: ReadonlyMap<string, string>;
    foreign: string[];
    unwritten: ReadonlySet<string>;
    secrets: PppSecretHave[];
  },
  memory: { endedFor: Map<string, string>; addressedFor: Map<string, string> },
  report: PppCheckReport,
): Promise<void> {
  const active = read.sessions.map((s) => s.name);
  for (const name of sessionsToEnd(active, want.ended, want.secrets, read.foreign)) {
    try {
      report.ended += await ppp.endSession(name);
    } catch {
      report.failed++;
    }
  }
  const restarted = await restartSessions(
    ppp,
    active,
    read.limits,
    want.speeds,
    memory.endedFor,
    read.unwritten,
  );
  report.restarted = restarted.ended;
  report.failed += restarted.failed;
  // A session ended for its speeds just now comes back at its new address too.
  const still = read.sessions.filter((s) => !restarted.names.has(s.name));
  const readdressed = readdressedSecrets(read.secrets, want.secrets, read.unwritten);
  const moved = await readdressSessions(
    ppp,
    still,
    want.secrets,
    readdressed,
    memory.addressedFor,
    read.unwritten,
  );
  report.restarted += moved.ended;
  report.failed += moved.failed;
}
