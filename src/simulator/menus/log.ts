/**
 * `/log`: the memory log (`print`, oldest first) and the console's `/log info|warning|error|debug "text"`, which a
 * script uses to write a line of its own (topics `script,<level>`; docs/routeros.md "Log").
 */
import type { RouterLog } from '../log';
import { type Menu, tableMenu } from './common';

export function logMenu(log: RouterLog): Menu {
  const write =
    (level: string) =>
    (args: Map<string, string>): void =>
      log.write(`script,${level}`, args.get('message') ?? '');
  return tableMenu('/log', log.table, (i) => log.render(i), {
    info: write('info'),
    warning: write('warning'),
    error: write('error'),
    debug: write('debug'),
  });
}
