/**
 * `/interface`: the machine's ports with their counters since boot (`print`, `reset-counters`) and
 * `monitor-traffic`, the live rates through one or more of them (docs/routeros.md "Interfaces and traffic").
 */
import type { Interfaces } from '../interfaces';
import {
  CATEGORY,
  msgMissingArgument,
  msgNoMatch,
  MSG_NO_SUCH_ITEM,
  CATEGORY_NO_SUCH_ITEM,
  Trap,
} from '../messages';
import type { Row } from '../query';
import type { Args, Menu } from './common';

/** ✔ The names `/interface/monitor-traffic` answers with, in this order (captures from real routers). */
function trafficRow(name: string, interfaces: Interfaces): Row {
  const r = interfaces.rates(name);
  return {
    name,
    'rx-packets-per-second': String(r.rxPps),
    'rx-bits-per-second': String(r.rxBps),
    // ✖ The fast path's share of the traffic: the simulator has no fast path, so none.
    'fp-rx-packets-per-second': '0',
    'fp-rx-bits-per-second': '0',
    'rx-drops-per-second': '0',
    'rx-errors-per-second': '0',
    'tx-packets-per-second': String(r.txPps),
    'tx-bits-per-second': String(r.txBps),
    'fp-tx-packets-per-second': '0',
    'fp-tx-bits-per-second': '0',
    'tx-drops-per-second': '0',
    'tx-queue-drops-per-second': '0',
    'tx-errors-per-second': '0',
  };
}

/**
 * The interfaces `monitor-traffic` is asked for: a comma list of names (or `.id`s). ✔ An unknown one is refused
 * like any reference to an interface that does not exist (the API documentation's own example).
 */
function monitored(args: Args, interfaces: Interfaces): string[] {
  const text = args.get('interface');
  if (text === undefined || text === '') throw new Trap(msgMissingArgument('interface'), CATEGORY.argument);
  const rows = interfaces.rows();
  return text.split(',').map((ref) => {
    const row = rows.find((r) => r.name === ref || r['.id'] === ref);
    if (!row) throw new Trap(msgNoMatch('interface'), CATEGORY.argument);
    return row.name;
  });
}

export function interfaceMenu(interfaces: Interfaces): Menu {
  return {
    path: '/interface',
    rows: () => interfaces.rows(),
    rowsNamed: (names) => interfaces.rows(names),
    commands: {
      'reset-counters': (args) => {
        const refs = args.get('.id') ?? args.get('numbers');
        if (refs === undefined) throw new Trap(msgMissingArgument('numbers'), CATEGORY.missingItem);
        const rows = interfaces.rows();
        const names = refs.split(',').map((ref) => {
          const row = rows.find((r) => r.name === ref || r['.id'] === ref);
          if (!row) throw new Trap(MSG_NO_SUCH_ITEM, CATEGORY_NO_SUCH_ITEM);
          return row.name;
        });
        for (const name of names) interfaces.resetCounters(name);
      },
    },
    monitors: {
      'monitor-traffic': (args) => {
        const names = monitored(args, interfaces);
        return () => names.map((name) => trafficRow(name, interfaces));
      },
    },
  };
}
