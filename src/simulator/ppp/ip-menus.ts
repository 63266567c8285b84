/**
 * `/ip/pool`, `/ip/pool/used` and `/ip/firewall/address-list` (docs/routeros.md "PPPoE"): the pools PPP
 * sessions take addresses from and the lists a suspended subscriber's address is put in.
 */
import {
  CATEGORY_FAILURE,
  MSG_ADDRESS_LIST_DUPLICATE,
  MSG_DUPLICATE_NAME,
  msgInUse,
  Trap,
} from '../messages';
import {
  bool,
  ConfigSpec,
  configVerbs,
  FieldParser,
  invalid,
  Menu,
  nonEmpty,
  ref,
  renderConfig,
  required,
  SimCore,
  tableMenu,
  targets,
  text,
} from '../menus/common';
import type { Row } from '../query';
import type { Item } from '../table';
import { formatDateTime } from '../log';
import { formatPrefix, formatSeconds, ipToInt, parseDuration, parsePrefix } from '../values';
import { withRenames } from './menus';
import { parseRanges } from './pools';
import type { AddressListItem } from './tables';

export function poolMenu(core: SimCore): Menu {
  const ppp = core.state.ppp;
  const table = ppp.pools;
  const spec: ConfigSpec = {
    defaults: { ranges: '', 'next-pool': 'none', comment: '' },
    duplicate: MSG_DUPLICATE_NAME,
    autoName: 'pool',
    noun: 'pool',
    fields: {
      name: nonEmpty,
      // ✔ (IP Pools page) ranges: a comma list of ranges, prefixes and addresses; ✖ one that ends before it
      // starts is refused.
      ranges: (v, arg) => (parseRanges(v) ? v : invalid(arg)),
      'next-pool': ref(() => table, 'none'),
      comment: text,
    },
  };
  const verbs = withRenames(table, configVerbs(table, spec, core), () => [
    [ppp.profiles, ['local-address', 'remote-address']],
    [table, ['next-pool']],
  ]);
  return tableMenu('/ip/pool', table, renderConfig, {
    ...verbs,
    remove: (args) => {
      for (const pool of targets(table, args)) {
        const name = pool.cfg.name;
        const p = ppp.profiles.list.find(
          (x) => x.cfg['local-address'] === name || x.cfg['remote-address'] === name,
        );
        if (p) throw new Trap(msgInUse(`pool ${name}`, `profile ${p.cfg.name}`), CATEGORY_FAILURE);
      }
      return verbs.remove(args);
    },
  });
}

/** `/ip/pool/used`: the addresses sessions hold, read-only. */
export function poolUsedMenu(core: SimCore): Menu {
  return {
    path: '/ip/pool/used',
    rows: () => [...core.state.ppp.used.values()].map((u) => ({ ...u })),
    commands: {},
  };
}

/**
 * ◐ An address-list `address`: an address (printed without `/32`), a prefix (host bits cleared), a range, or a
 * DNS name (RouterOS 7 resolves those).
 */
const listAddress: FieldParser = (v, arg) => {
  const range = v.split('-');
  if (range.length === 2) return ipToInt(range[0]) !== null && ipToInt(range[1]) !== null ? v : invalid(arg);
  if (/^\d+(\.\d+){3}(\/\d+)?$/.test(v)) {
    const p = parsePrefix(v);
    if (!p) return invalid(arg);
    return p.bits === 32 ? formatPrefix(p).slice(0, -3) : formatPrefix(p);
  }
  return /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(v)
    ? v
    : invalid(arg);
};

export function addressListMenu(core: SimCore): Menu {
  const table = core.state.ppp.addressLists;
  const spec: ConfigSpec = {
    defaults: { disabled: 'false', comment: '' },
    noun: 'entry',
    validate: (cfg) => required(cfg, 'list', 'address'),
    fields: {
      list: nonEmpty,
      address: listAddress,
      // ✔ (inspect) `timeout`: 0s..35w3d13h13m56s.
      timeout: (v, arg) => {
        const s = parseDuration(v);
        return s === null || s > 2147483647 ? invalid(arg) : String(s);
      },
      dynamic: bool,
      disabled: bool,
      comment: text,
    },
  };
  const verbs = configVerbs(table, spec, core, (id, cfg) => {
    const seconds = Number(cfg.timeout ?? 0);
    const { timeout: _t, dynamic, ...rest } = cfg;
    const item: AddressListItem = { id, cfg: rest, createdAt: core.now() };
    // ◐ An entry with a timeout is dynamic (not kept in the configuration) and goes when it runs out.
    if (seconds > 0) item.expiresAt = core.now() + seconds * 1000;
    if (seconds > 0 || dynamic === 'true') item.dynamic = true;
    return item;
  });
  const render = (item: Item): Row => {
    const a = item as AddressListItem;
    const row: Row = { '.id': a.id, list: a.cfg.list, address: a.cfg.address };
    row['creation-time'] = formatDateTime(a.createdAt, 'UTC');
    if (a.expiresAt !== undefined)
      row.timeout = formatSeconds(Math.max(0, (a.expiresAt - core.now()) / 1000));
    Object.assign(row, { dynamic: String(a.dynamic === true), disabled: a.cfg.disabled });
    if (a.cfg.comment) row.comment = a.cfg.comment;
    return row;
  };
  return tableMenu('/ip/firewall/address-list', table, render, {
    ...verbs,
    add: (args) => {
      const list = args.get('list');
      const address = args.get('address');
      if (list !== undefined && address !== undefined) {
        const norm = listAddress(address, 'address');
        if (table.list.some((e) => e.cfg.list === list && e.cfg.address === norm))
          throw new Trap(MSG_ADDRESS_LIST_DUPLICATE, CATEGORY_FAILURE);
      }
      return verbs.add(args);
    },
    // A timeout set on a static entry starts it running out (◐ and makes it dynamic, as one added with it).
    set: (args) => {
      const items = targets(table, args);
      verbs.set(args);
      for (const item of items) {
        const { timeout, ...rest } = item.cfg;
        if (timeout === undefined) continue;
        item.cfg = rest;
        if (Number(timeout) > 0)
          Object.assign(item, { expiresAt: core.now() + Number(timeout) * 1000, dynamic: true });
        table.emit('set', item);
      }
    },
    // ✔ Dynamic entries can be removed (a rule or a session adds them; an administrator may take them out).
    remove: (args) => {
      for (const e of targets(table, args)) table.remove(e);
      core.configChanged();
    },
  });
}

/** Entries whose timeout ran out are gone. */
export function expireAddressLists(core: { state: SimCore['state']; now(): number }): void {
  core.state.ppp.addressLists.clear((e) => e.expiresAt !== undefined && e.expiresAt <= core.now());
}
