/**
 * `/log`: the memory log (`print`, oldest first) and the console's `/log info|warning|error|debug "text"`, which a
 * script uses to write a line of its own (topics `script,<level>`; docs/routeros.md "Log").
 */
import type { LogItem, RouterLog } from '../log';
import type { Item, Table } from '../table';
import type { Menu } from './common';

export function logMenu(log: RouterLog): Menu {
  const write =
    (level: string) =>
    (args: Map<string, string>): void =>
      log.write(`script,${level}`, args.get('message') ?? '');
  return {
    path: '/log',
    table: log.table as unknown as Table<Item>,
    render: (item) => log.render(item as LogItem),
    rows: () => log.table.list.map((i) => log.render(i)),
    commands: {
      info: write('info'),
      warning: write('warning'),
      error: write('error'),
      debug: write('debug'),
    },
  };
}
