import type { Logger } from '../lib/logger';
import type { RouterClient } from '../router/types';
import { PeriodicJob } from './periodic';

/**
 * One check runner for every room that brings something outside in line with the database (a site's subscribers'
 * PPP objects on its router, their FreeRADIUS rows and sessions). The room gives only its check; the runner owns
 * when it runs:
 *
 * - one check at a time: a check asked while one runs waits for it and runs after it (that one may have read the
 *   database before the change), one follow-up shared by everyone who asks meanwhile; a room's own step between
 *   its checks (inTurn: the speeds a poll decided) never overlaps one either;
 * - a change's check `CHANGE_DELAY_MS` later, so a burst of changes (a bulk edit) is one check; any check that
 *   begins meanwhile covers it, and the change's own is dropped;
 * - the periodic check, on a fixed cadence (PeriodicJob), when the room has one;
 * - the triggers (a change listener, a reconnect) listened to between start() and stop();
 * - stop(): no more requests, and the checks under way finished.
 *
 * A check nobody waits for (a change's, the periodic one) that fails is told to the room's `failed` and retried by
 * the next: the database holds the whole wanted state, so nothing is lost.
 */

/** A change's check waits this long, so a burst of changes (a bulk edit) is one check. */
export const CHANGE_DELAY_MS = 300;

/** Something that asks for a check while the runner runs; returns how to stop listening. */
export type CheckTrigger = (request: (reason: string) => void) => () => void;

/** Calls `then` at each connection of `router` after a time without one; returns how to stop listening. */
export function onReconnect(router: Pick<RouterClient, 'status' | 'onStatus'>, then: () => void): () => void {
  let wasConnected = router.status.connected;
  return router.onStatus((s) => {
    if (s.connected && !wasConnected) then();
    wasConnected = s.connected;
  });
}

interface CheckRunnerOptions<R> {
  /** The room's check, for this reason. */
  check(reason: string): Promise<R>;
  /** A check nobody waits for failed (logged by the room, in its words). */
  failed(reason: string, err: Error): void;
  /** A periodic check while started: its job's name in the log, its interval; absent: none. */
  periodic?: { name: string; seconds: number; log: Logger; now: () => number };
  /** What asks for a check while started, listened to from start() to stop(). */
  triggers?: CheckTrigger[];
}

export function createCheckRunner<R>(o: CheckRunnerOptions<R>) {
  // A check that begins reads everything a change asked for before it: the change's own check, not begun yet, is
  // dropped (or it would run later for nothing, perhaps while the router is away, and blank what this one saw).
  const exclusive = oneByOne();
  const turns = oneAtATime((reason: string) =>
    exclusive(() => {
      soon.cancel();
      return o.check(reason);
    }),
  );
  const quietly = (reason: string): Promise<void> =>
    turns.check(reason).then(
      () => undefined,
      (err: Error) => o.failed(reason, err),
    );
  const job =
    o.periodic &&
    new PeriodicJob(
      o.periodic.name,
      o.periodic.seconds,
      () => quietly('periodic check'),
      o.periodic.log,
      o.periodic.now,
    );
  const soon = delayed(quietly);
  const unlisten: Array<() => void> = [];
  let started = false;

  return {
    /** Checks now (after a check already running, which may have read the database before a change). */
    check: (reason = 'asked for') => turns.check(reason),
    /** Runs `step` when no check (nor another step) runs; no check begins until it has finished. */
    inTurn: <T>(step: () => Promise<T>) => exclusive(step),
    /** A check soon (CHANGE_DELAY_MS), for this reason, while started; one for a burst. Failures go to `failed`. */
    request(reason: string) {
      if (started) soon.request(reason);
    },
    /** Listens to the triggers and begins the periodic check (the server; the terminal's stacks do not). */
    start() {
      if (started) return;
      started = true;
      for (const listen of o.triggers ?? []) unlisten.push(listen((reason) => soon.request(reason)));
      job?.start();
    },
    /** Stops listening and the cadence, drops a check not begun yet, and waits for the checks under way. */
    async stop() {
      started = false;
      for (const off of unlisten.splice(0)) off();
      soon.cancel();
      await job?.stop();
      await turns.settled();
      await exclusive(async () => undefined);
    },
  };
}

/** Runs its steps one after another, in the order given, whether each succeeds or fails. */
function oneByOne() {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(step: () => Promise<T>): Promise<T> => {
    const run = last.then(step, step);
    last = run.catch(() => undefined);
    return run;
  };
}

/** One check at a time, and one shared follow-up for whoever asks while it runs. */
function oneAtATime<R>(run: (reason: string) => Promise<R>) {
  let running: Promise<R> | undefined;
  let again: Promise<R> | undefined;
  function check(reason: string): Promise<R> {
    if (!running) {
      running = run(reason).finally(() => (running = undefined));
      return running;
    }
    again ??= running
      .catch(() => undefined)
      .then(() => {
        again = undefined;
        return check(reason);
      });
    return again;
  }
  return {
    check,
    async settled(): Promise<void> {
      await running?.catch(() => undefined);
      await again?.catch(() => undefined);
    },
  };
}

/** A run CHANGE_DELAY_MS after the first request; the requests meanwhile are that run. */
function delayed(run: (reason: string) => Promise<void>) {
  let timer: NodeJS.Timeout | undefined;
  return {
    request(reason: string): void {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void run(reason);
      }, CHANGE_DELAY_MS);
      // A pending check alone does not keep the process alive (tests, the terminal).
      timer.unref();
    },
    cancel(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
