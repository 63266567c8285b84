/**
 * `/interface/pppoe-server/server` (docs/routeros.md "PPPoE"): the PPPoE servers subscribers dial, one per service
 * name on an interface. Argument names come from RouterOS 7.18.2's command tree.
 */
import { CATEGORY_FAILURE, MSG_PPPOE_SERVER_DUPLICATE, Trap } from '../messages';
import {
  bool,
  ConfigSpec,
  configVerbs,
  FieldParser,
  invalid,
  Menu,
  noMatch,
  ref,
  renderConfig,
  required,
  SimCore,
  tableMenu,
  targets,
  text,
} from '../menus/common';
import type { Item } from '../table';
import { numberOr } from './menus';
import { PPPOE_SERVER_DEFAULTS } from './tables';

/** ✔ (PPPoE page) `authentication`: a set of pap, chap, mschap1, mschap2. */
const authentication: FieldParser = (v, arg) => {
  const all = ['pap', 'chap', 'mschap1', 'mschap2'];
  const parts = v.split(',');
  if (v === '' || parts.some((p) => !all.includes(p))) invalid(arg);
  return all.filter((a) => parts.includes(a)).join(',');
};

export function pppoeServerMenu(core: SimCore): Menu {
  const ppp = core.state.ppp;
  const table = ppp.servers;
  const spec: ConfigSpec = {
    defaults: PPPOE_SERVER_DEFAULTS,
    noun: 'server',
    validate: (cfg) => required(cfg, 'interface'),
    fields: {
      'service-name': text,
      interface: (v, arg) => (core.state.interfaces().includes(v) ? v : noMatch(arg)),
      'default-profile': ref(() => ppp.profiles),
      authentication,
      'one-session-per-host': bool,
      'accept-empty-service': bool,
      disabled: bool,
      'max-mtu': numberOr(64, 65535, 'auto'),
      'max-mru': numberOr(64, 65535, 'auto'),
      mrru: numberOr(1500, 16384, 'disabled'),
      'max-sessions': numberOr(0, 65535, 'unlimited'),
      'keepalive-timeout': numberOr(0, 4294967, 'disabled'),
      'pado-delay': numberOr(0, 10000),
      'pppoe-over-vlan-range': text,
      comment: text,
    },
  };
  const verbs = configVerbs(table, spec, core);
  /** ✖ One server per service name on an interface. */
  const checkUnique = (cfg: Record<string, string>, self?: Item): void => {
    const clash = table.list.find(
      (s) =>
        s !== self &&
        s.cfg.interface === cfg.interface &&
        s.cfg['service-name'] === (cfg['service-name'] ?? ''),
    );
    if (clash) throw new Trap(MSG_PPPOE_SERVER_DUPLICATE, CATEGORY_FAILURE);
  };
  return tableMenu('/interface/pppoe-server/server', table, renderConfig, {
    ...verbs,
    add: (args) => {
      checkUnique({
        interface: args.get('interface') ?? '',
        'service-name': args.get('service-name') ?? '',
      });
      return verbs.add(args);
    },
    set: (args) => {
      for (const item of targets(table, args)) {
        const merged = { ...item.cfg };
        for (const [k, v] of args) if (k === 'interface' || k === 'service-name') merged[k] = v;
        checkUnique(merged, item);
      }
      return verbs.set(args);
    },
  });
}
