/**
 * Where a packet from a client would go through the router (docs/routeros.md "Firewall NAT and the packet
 * path"): the `dstnat` chain of `/ip/firewall/nat` rewrites its destination, then the `forward` chain of
 * `/ip/firewall/filter` accepts or refuses it. A model for tests and the demo, not a router: rules are taken from
 * the top, the first rule whose matchers all hold and whose action ends the chain decides, and the chain's end
 * accepts. Only the matchers below are understood; a rule with any other matcher (or a `jump`) is passed over.
 */
import type { RouterState } from './state';
import { ipToInt, parsePrefix } from './values';

export interface Packet {
  src: string;
  dst: string;
  protocol: 'tcp' | 'udp';
  dstPort: number;
  /** The name the client looked up for `dst`: an address-list entry holding a DNS name matches it. */
  dstHost?: string;
}

export interface PacketPath {
  /** The destination after `dstnat`. */
  to: { address: string; port: number };
  /** The forward chain's verdict on the packet as rewritten. */
  verdict: 'accept' | 'drop' | 'reject';
}

/** Fields of a rule that are not matchers. */
const NOT_MATCHERS = new Set([
  'chain',
  'action',
  'log',
  'log-prefix',
  'disabled',
  'comment',
  'to-addresses',
  'to-ports',
  'reject-with',
  'jump-target',
  'address-list',
  'address-list-timeout',
]);

function inAddress(spec: string, ip: string): boolean {
  const addr = ipToInt(ip);
  if (addr === null) return false;
  const range = spec.split('-');
  if (range.length === 2) {
    const [a, b] = range.map((x) => ipToInt(x));
    return a !== null && b !== null && addr >= a && addr <= b;
  }
  const p = parsePrefix(spec);
  if (!p) return false;
  const mask = p.bits === 0 ? 0 : (0xffffffff << (32 - p.bits)) >>> 0;
  return (addr & mask) >>> 0 === p.network;
}

function inList(state: RouterState, list: string, ip: string, host?: string): boolean {
  return state.ppp.addressLists.list.some(
    (e) =>
      e.cfg.list === list &&
      e.cfg.disabled !== 'true' &&
      (inAddress(e.cfg.address, ip) || (host !== undefined && e.cfg.address === host)),
  );
}

function inPorts(spec: string, port: number): boolean {
  return spec.split(',').some((part) => {
    const [a, b = a] = part.split('-').map(Number);
    return port >= a && port <= b;
  });
}

function matches(state: RouterState, cfg: Record<string, string>, p: Packet): boolean {
  for (const [key, raw] of Object.entries(cfg)) {
    if (NOT_MATCHERS.has(key)) continue;
    const not = raw.startsWith('!');
    const v = not ? raw.slice(1) : raw;
    let hit: boolean;
    if (key === 'src-address') hit = inAddress(v, p.src);
    else if (key === 'dst-address') hit = inAddress(v, p.dst);
    else if (key === 'src-address-list') hit = inList(state, v, p.src);
    else if (key === 'dst-address-list') hit = inList(state, v, p.dst, p.dstHost);
    else if (key === 'protocol') hit = v === p.protocol;
    else if (key === 'dst-port') hit = inPorts(v, p.dstPort);
    else return false;
    if (hit === not) return false;
  }
  return true;
}

const live = (state: RouterState, table: 'nat' | 'filters', chain: string) =>
  state[table].list.filter((r) => !r.dynamic && r.cfg.disabled !== 'true' && r.cfg.chain === chain);

export function packetPath(state: RouterState, p: Packet): PacketPath {
  let to = { address: p.dst, port: p.dstPort };
  for (const r of live(state, 'nat', 'dstnat')) {
    if (!matches(state, r.cfg, p)) continue;
    if (r.cfg.action === 'accept' || r.cfg.action === 'return') break;
    if (r.cfg.action !== 'dst-nat') continue;
    const address = (r.cfg['to-addresses'] ?? '').split('-')[0].split('/')[0] || p.dst;
    const port = r.cfg['to-ports'] ? Number(r.cfg['to-ports'].split('-')[0]) : p.dstPort;
    to = { address, port };
    break;
  }
  const rewritten = to.address !== p.dst || to.port !== p.dstPort;
  const after: Packet = {
    ...p,
    dst: to.address,
    dstPort: to.port,
    dstHost: rewritten ? undefined : p.dstHost,
  };
  for (const r of live(state, 'filters', 'forward')) {
    if (!matches(state, r.cfg, after)) continue;
    const a = r.cfg.action;
    if (a === 'accept' || a === 'drop' || a === 'reject') return { to, verdict: a };
  }
  return { to, verdict: 'accept' };
}
