/**
 * One command that runs until cancelled (`print =follow-only=`) over node-routeros's RStream, mapped to our terms:
 * rows as they come, one end (refused by the router, or the socket lost), and a stop that sends `/cancel`.
 *
 * node-routeros quirks handled here (docs/routeros.md "Listen, follow and interval"):
 * - a refused stream (`!trap`) is emitted as `error` with no callback: without a listener it would crash the process;
 * - a socket that drops tells the stream nothing (RouterConnection ends it: lost());
 * - stop() writes `/cancel` on a fresh channel, whose promise never settles when the socket is gone: bounded here.
 */
import type { RouterOSAPI } from 'node-routeros';
import { RouterError } from '../domain/errors';
import type { RosRow } from './types';

export interface OpenStream {
  /** The connection is gone: the stream ends with `err`, once. */
  lost(err: RouterError): void;
  stop(): Promise<void>;
}

interface StreamHandlers {
  onRow(row: RosRow): void;
  onEnd(err: RouterError): void;
  /** How long stop() waits for the router's answer to `/cancel`. */
  stopMs: number;
}

export function openStream(
  api: RouterOSAPI,
  words: string[],
  command: string,
  h: StreamHandlers,
): OpenStream {
  let over = false;
  const end = (err: RouterError): void => {
    if (over) return;
    over = true;
    h.onEnd(err);
  };
  const stream = api.writeStream(words);
  // node-routeros stops every stream of a closing connection without handling the rejection of its `/cancel`
  // (an unhandled rejection); the connection ends ours itself (lost()).
  const cancel = stream.stop.bind(stream);
  stream.stop = (pausing?: boolean) => cancel(pausing).catch(() => undefined);
  stream.on('data', (packet: RosRow) => {
    if (!over) h.onRow(packet);
  });
  stream.on('error', (trap: { message?: string; category?: string }) => {
    const message = trap?.message ?? `${command} refused`;
    const category = trap?.category === undefined ? undefined : Number(trap.category);
    end(new RouterError('ROUTER_TRAP', message, { command, routerMessage: message, category }));
  });
  // The router ended it by itself (a `!done` without our `/cancel`).
  stream.on('done', () =>
    end(new RouterError('ROUTER_UNREACHABLE', `${command} ended by the router`, { command })),
  );
  return {
    lost: end,
    async stop() {
      if (over) return;
      over = true;
      let timer: NodeJS.Timeout | undefined;
      const bounded = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, h.stopMs);
        timer.unref?.();
      });
      await Promise.race([stream.stop().catch(() => undefined), bounded]);
      clearTimeout(timer);
    },
  };
}
