/**
 * `/ip/address` (docs/routeros.md "PPPoE"): the router's own addresses, each on one of its interfaces. Argument
 * names and types from RouterOS 7.18.2's command tree; what a controller reads of them is `address` (with its
 * prefix length, `10.10.0.1/24`), `network` and `interface`.
 */
import {
  bool,
  type ConfigSpec,
  configVerbs,
  invalid,
  ip,
  type Menu,
  renderConfig,
  required,
  type SimCore,
  tableMenu,
  text,
} from '../menus/common';
import type { Item } from '../table';
import { formatPrefix, ipToInt, parsePrefix } from '../values';

/** ◐ `address` as typed with its prefix length (a bare address is a /32), the host part kept. */
function interfaceAddress(v: string, arg: string): string {
  const [ip, bits] = v.split('/');
  const p = parsePrefix(v);
  if (!p || ipToInt(ip) === null) return invalid(arg);
  return `${ip}/${bits ?? '32'}`;
}

/** ◐ `network` is the address's network unless given; printed without its length. */
function networkOf(address: string): string {
  const p = parsePrefix(address) as NonNullable<ReturnType<typeof parsePrefix>>;
  return formatPrefix(p).split('/')[0];
}

export function ipAddressMenu(core: SimCore): Menu {
  const table = core.state.ppp.addresses;
  const spec: ConfigSpec = {
    defaults: { disabled: 'false', comment: '' },
    noun: 'address',
    validate: (cfg) => {
      required(cfg, 'address', 'interface');
      if (!cfg.network) cfg.network = networkOf(cfg.address);
    },
    fields: {
      address: interfaceAddress,
      network: ip,
      netmask: ip,
      broadcast: ip,
      interface: (v, arg) => (core.state.interfaces().includes(v) ? v : invalid(arg)),
      disabled: bool,
      comment: text,
    },
  };
  const verbs = configVerbs(table, spec, core);
  const render = (item: Item) =>
    renderConfig(item, { 'actual-interface': item.cfg.interface, invalid: 'false', dynamic: 'false' });
  return tableMenu('/ip/address', table, render, verbs);
}
