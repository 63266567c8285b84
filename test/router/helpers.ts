import {
  createRouterClient,
  type HardenedRouterClient,
  type RouterClientOptions,
  type RouterLogger,
} from '../../src/router';

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg?: string;
}

/** A logger that records every line, so tests can check what was (and was not) logged. */
export function captureLogger(): RouterLogger & { lines: CapturedLog[]; text(): string } {
  const lines: CapturedLog[] = [];
  const at =
    (level: CapturedLog['level']) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => lines.map((l) => `${l.msg ?? ''} ${JSON.stringify(l.obj)}`).join('\n'),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` until true (or fails after `ms`); used for state changes driven by sockets. */
export async function eventually(cond: () => boolean, ms = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Awaits a promise expected to reject and returns the rejection. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

/** A client for a simulator on loopback as admin with no password; `opts` adds or overrides the rest. */
export function localRouterClient(
  port: number,
  opts: Partial<RouterClientOptions> & Pick<RouterClientOptions, 'timeoutSeconds' | 'logger'>,
): HardenedRouterClient {
  return createRouterClient({ host: '127.0.0.1', port, user: 'admin', password: '', tls: false, ...opts });
}
