/**
 * A poll's ledger step: each counter's bytes since its baseline, booked with the new baseline in one transaction,
 * and the subscribers' PPP sessions in the same one (subscribers.ts).
 */
import { isPostgres } from '../../../db/knex';
import { siteOf } from '../../deps';
import type { Cycle } from './cycle';
import { baselineHolders, type LoadedState } from './load';
import { keptBoot, meter, queueIdsNeedingHandover, queueOwners, rebootedSince, sessionsEnded } from './meter';
import { prepareUsage, writeUsage } from './persist';
import { UnreachableError } from '../../../domain/errors';
import type { UsageReading } from './source';
import { bookSubscribers } from './subscribers';
import type { SubscriberSpeeds } from '../../../domain/subscriber-policy';

/** Whether the router booted since the last poll (its counters start again from zero), told when it did. */
export function noteReboot(c: Cycle, reading: UsageReading): boolean {
  const restarted = rebootedSince(c.memory.knownStart, reading.countersStartedAt);
  if (restarted) {
    c.deps.log.info(
      { countersStartedAt: reading.countersStartedAt?.latest },
      'router rebooted since the last poll: queue counters start again from zero',
    );
    c.opts.onRouterRebooted?.();
  }
  return restarted;
}

/**
 * What the router counted for the logins of uptime vouchers whose sessions all ended since the last poll
 * (meter.ts sessionsEnded); none where the source cannot say. A router that does not answer now costs those
 * vouchers the minutes before their logout, as before this read: the poll books the bytes all the same.
 */
async function endedSeconds(
  c: Cycle,
  state: LoadedState,
  reading: UsageReading,
): Promise<ReadonlyMap<string, number> | undefined> {
  const codes = c.opts.source.readEndedSeconds && sessionsEnded(state, reading);
  if (!codes || codes.length === 0) return undefined;
  try {
    return await c.opts.source.readEndedSeconds!(codes);
  } catch (err) {
    if (!(err instanceof UnreachableError)) throw err;
    c.deps.log.warn(
      { vouchers: codes.length, err: err.message },
      'poll: the time of sessions that ended was not read',
    );
    return undefined;
  }
}

/**
 * The ledger: each counter's bytes since its baseline, booked with the new baseline in one transaction, and the
 * subscribers' sessions in the same one. Returns the bytes counted toward the vouchers' limits, and the speeds of
 * the subscribers whose speeds the bytes may have changed (for the enforce order).
 */
export async function book(
  c: Cycle,
  state: LoadedState,
  reading: UsageReading,
  restarted: boolean,
  now: number,
): Promise<{ bytesCounted: number; subscribers?: ReadonlyMap<number, SubscriberSpeeds> }> {
  const { db, clock, log, config } = c.deps;
  const siteId = siteOf(c.deps).id;
  const owners = queueOwners(reading, state);
  const handover = await baselineHolders(
    db,
    queueIdsNeedingHandover(reading, state, undefined, owners),
    siteId,
  );
  const usage = meter({
    reading,
    state,
    handover,
    now,
    prevPollAt: c.memory.lastPoll,
    routerRebooted: restarted,
    tz: config.tz,
    owners,
    endedSeconds: await endedSeconds(c, state, reading),
  });
  const boot = keptBoot(c.memory.knownStart, reading.countersStartedAt, restarted);
  // The writes as text before the transaction: the meter's per-device objects die here, young.
  const writes = prepareUsage(usage, isPostgres(db));
  const { bytesCounted, bytesUp, bytesDown } = usage;
  // Subscribers' PPP sessions, booked with the vouchers' bytes: one transaction, one poll.
  const subscribers = reading.subscribers && (await c.metered.at(siteId, config.tz, now));
  // Their baselines as the last poll wrote them, while nothing else wrote the table (read on the pool's connection,
  // before the transaction takes it); kept again only once the transaction committed.
  const baselines = subscribers && (await c.baselines.begin(siteId));
  const booked = await db.transaction(async (trx) => {
    await writeUsage(trx, { clock, log, siteId }, writes, now, boot);
    if (!subscribers || !reading.subscribers) return undefined;
    const sessions = reading.subscribers;
    return bookSubscribers(trx, { siteId, sessions, subscribers, now, rebooted: restarted, baselines });
  });
  baselines?.committed();
  c.deps.metrics?.booked(siteOf(c.deps).name, bytesUp, bytesDown);
  c.memory.lastPoll = now;
  c.memory.knownStart = boot;
  return { bytesCounted, subscribers: booked?.speeds };
}
