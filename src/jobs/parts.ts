import type { Logger } from '../lib/logger';

/**
 * One long-running piece of the server (the web listener, a site's poll, a scheduler, the notifier, ...): what
 * the composition root (src/app.ts) starts and stops, and nothing more.
 */
export interface Part {
  /** Named in the log when it fails to start or stop. */
  name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** The parts that started, stopped together. */
interface StartedParts {
  /** Their names, in the order they started. */
  readonly names: readonly string[];
  /**
   * Stops each in the reverse of its start, one after the other, waiting for each (a run in progress finishes).
   * One that fails to stop is logged and the rest are stopped all the same; called again, it waits for the first.
   */
  stop(): Promise<void>;
}

/**
 * Starts the parts in their order, each waited for. When one fails to start, the log names it, the ones already
 * started are stopped in reverse, and its error is thrown: the server does not run with a piece missing.
 */
export async function startParts(parts: readonly Part[], log: Logger): Promise<StartedParts> {
  const started: Part[] = [];
  for (const part of parts) {
    try {
      await part.start();
    } catch (err) {
      log.error(
        { part: part.name, err: (err as Error).message },
        `${part.name} failed to start; stopping the ${started.length} part(s) started before it`,
      );
      await stopInReverse(started, log);
      throw err;
    }
    started.push(part);
  }
  let stopping: Promise<void> | undefined;
  return {
    names: started.map((p) => p.name),
    stop: () => (stopping ??= stopInReverse(started, log)),
  };
}

async function stopInReverse(started: readonly Part[], log: Logger): Promise<void> {
  for (const part of [...started].reverse()) {
    try {
      await part.stop();
    } catch (err) {
      log.error({ part: part.name, err: (err as Error).message }, `${part.name} failed to stop`);
    }
  }
}
