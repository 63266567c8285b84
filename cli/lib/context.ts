import os from 'node:os';
import { loadConfig } from '../../src/config/env';
import { AppError, RouterError } from '../../src/domain/errors';
import { openCore, Core } from '../../src/core';
import { toAppError } from '../../src/lib/error-reply';
import { openCliLogs, type CliLogs } from './log';
import type { Actor } from '../../src/services/types';

/** The core, plus where its logs go (the menu names the file in its header). */
export type CliCore = Core & { logs: CliLogs };

/**
 * Opens the same core the server uses (no HTTP round trip to ourselves). Core logs go to
 * `<DATA_DIR>/cli.log`, never to the terminal: the screen shows only what the operator asked for, and a
 * failing subcommand's stderr is its one `error:` line.
 */
export async function openCliCore(env: NodeJS.ProcessEnv = process.env): Promise<CliCore> {
  const config = loadConfig(env); // a ConfigError is CONFIG_INVALID wherever it is shown (src/lib/error-reply.ts)
  const logs = openCliLogs(config);
  return Object.assign(await openCore(config, { role: 'cli', log: logs.log }), { logs });
}

/**
 * Waits (bounded by ROUTER_TIMEOUT_SECONDS) for the router; a router that stays down is a clear error,
 * never a hang. A wrong password, a TLS mismatch, a refused connection or a timeout keep their own code and
 * the connection's wording (what to check), as /healthz and the admin show them; anything else is
 * ROUTER_UNREACHABLE naming where the router was expected.
 */
export async function requireRouter(core: Core): Promise<void> {
  if (core.router.status.connected) return;
  if (await core.router.waitConnected(core.config.router.timeoutSeconds * 1000)) return;
  throw routerDownError(core);
}

const CONNECT_CODES = new Set<string>([
  'ROUTER_LOGIN_FAILED',
  'ROUTER_TLS',
  'ROUTER_REFUSED',
  'ROUTER_TIMEOUT',
]);

/** The AppError for "the router is not connected", from the connection's last failure. */
export function routerDownError(core: Core): AppError {
  const status = core.router.status;
  if (status.lastErrorCode && CONNECT_CODES.has(status.lastErrorCode) && status.lastError)
    return toAppError(new RouterError(status.lastErrorCode, status.lastError, { connect: true }));
  const { host, port, simulated } = core.config.router;
  const where = simulated ? `simulated router on 127.0.0.1:${core.config.simulatorPort}` : `${host}:${port}`;
  const detail = status.lastError ? `: ${status.lastError}` : '';
  return toAppError(new RouterError('ROUTER_UNREACHABLE', `no connection to ${where}${detail}`));
}

/**
 * For actions that work without the router but are better with it (generating vouchers pushes them to
 * the router when it is up): give a just-started connection its chance, without failing.
 */
export async function preferRouter(core: Core): Promise<void> {
  if (!core.router.status.connected)
    await core.router.waitConnected(core.config.router.timeoutSeconds * 1000);
}

/** Who the audit log names for terminal actions: the operating-system user. */
export function cliActor(): Actor {
  let name = process.env.USER ?? process.env.LOGNAME ?? 'operator';
  try {
    name = os.userInfo().username || name;
  } catch {
    // Containers without a passwd entry: keep the environment's name.
  }
  return { name, via: 'cli' };
}
