/**
 * `/ip/firewall/nat` (docs/routeros.md "Firewall NAT and the packet path"): the rules the router setup writes to
 * send a suspended subscriber's web requests to the portal. Argument names come from RouterOS 7.18.2's command
 * tree (an unknown one is refused before it gets here); the matchers are the filter's, checked the same way,
 * and the NAT actions and their `to-addresses`/`to-ports` are added.
 */
import { CATEGORY_FAILURE, MSG_FILTER_PORTS_NEED_PROTOCOL, Trap } from '../messages';
import { ConfigSpec, invalid, Menu, oneOf, SimCore, unsetToDefault } from './common';
import { addressOrRange, filterSpec, portProtocol, portRange, ruleMenu } from './firewall';

/** ◐ (NAT manual page) The actions of a 7.x NAT rule. */
const NAT_ACTIONS = [
  'accept',
  'add-dst-to-address-list',
  'add-src-to-address-list',
  'dst-nat',
  'endpoint-independent-nat',
  'jump',
  'log',
  'masquerade',
  'netmap',
  'passthrough',
  'redirect',
  'return',
  'same',
  'src-nat',
];

function natSpec(core: SimCore): ConfigSpec {
  const filter = filterSpec(core.state);
  return {
    ...filter,
    validate: (cfg) => {
      filter.validate?.(cfg);
      // ✖ RouterOS's words for `to-ports` without a port protocol; refused as the filter's ports are.
      if (cfg['to-ports'] !== undefined && !portProtocol(cfg))
        throw new Trap(MSG_FILTER_PORTS_NEED_PROTOCOL, CATEGORY_FAILURE);
    },
    fields: {
      ...filter.fields,
      action: oneOf(...NAT_ACTIONS),
      // ✔ (command tree) `to-addresses`: an address, a range `a-b` or a prefix; `to-ports` one port or a range.
      'to-addresses': addressOrRange,
      'to-ports': (v, arg) => (portRange(v) ? v : invalid(arg)),
    },
  };
}

export function natMenu(core: SimCore): Menu {
  // A NAT rule prints as a filter rule does, `to-addresses`/`to-ports` among the matchers as written.
  const spec = natSpec(core);
  const unset = unsetToDefault(core.state.nat, spec, core, 'chain');
  return ruleMenu('/ip/firewall/nat', core.state.nat, spec, core, { unset });
}
