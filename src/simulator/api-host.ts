/**
 * What every API connection of the simulator shares (connection.ts): the users it may log in as, the command
 * schema and menus its requests are dispatched to, the faults and latency it suffers, and the log lines of its
 * logins and logouts.
 */
import { dispatch } from './commands';
import type { Session, SessionHost, SimStats } from './connection';
import type { Faults } from './faults';
import type { RouterLog } from './log';
import type { Menu } from './menus/common';
import type { RouterSimulatorOptions } from './options';
import type { Request } from './request';
import { CommandSchema } from './schema';

let sharedSchema: CommandSchema | undefined;

export interface ApiHostParts {
  opts: RouterSimulatorOptions;
  faults: Faults;
  stats: SimStats;
  log: RouterLog;
  menu(path: string): Menu | undefined;
  latencyMs(): number;
  emptyReplies(): boolean;
}

export function apiSessionHost(p: ApiHostParts): SessionHost {
  const schema = (sharedSchema ??= CommandSchema.load());
  const dispatchOpts = {
    schema,
    menu: p.menu,
    emptyReplies: p.emptyReplies,
    stats: p.stats,
    logger: p.opts.logger,
  };
  return {
    users: p.opts.users ?? [{ name: 'admin', password: '' }],
    loginMode: p.opts.loginMode ?? 'plain',
    tagPosition: p.opts.tagPosition ?? 'first',
    faults: p.faults,
    stats: p.stats,
    logger: p.opts.logger,
    latencyMs: p.latencyMs,
    dispatch: (session: Session, req: Request) => dispatch(dispatchOpts, session, req),
    // ◐ What RouterOS logs for API logins (docs/routeros.md "Log").
    loggedIn: (user: string, address: string, ok: boolean) =>
      ok
        ? p.log.write('system,info,account', `user ${user} logged in from ${address} via api`)
        : p.log.write('system,error,critical', `login failure for user ${user} from ${address} via api`),
    loggedOut: (user: string, address: string) =>
      p.log.write('system,info,account', `user ${user} logged out from ${address} via api`),
  };
}
