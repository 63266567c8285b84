/** The items of how the controller and RADIUS reach the router: the RADIUS client, CoA, the bypass, the API service. */
import { OURS, isOurs, enabled, q, fixedBy, item, write, siteServers } from './core';
import type { SetupItem, SetupFacts, SetupWants } from './core';

export function radiusItems(facts: SetupFacts, wants: SetupWants): SetupItem[] {
  const r = wants.radius;
  if (!r) return [];
  const out: SetupItem[] = [];
  const entry = (facts.radius ?? []).find((e) => e.address === r.address && isOurs(e));
  const wantedRadius = { service: 'hotspot', address: r.address, secret: r.secret };
  const radiusOk =
    entry &&
    enabled(entry) &&
    (entry.service ?? '').split(',').includes('hotspot') &&
    entry.secret === r.secret;
  if (radiusOk) out.push(item('radius', 'ok', `the router asks RADIUS at ${r.address} for hotspot logins`));
  else if (entry) {
    const writes = [
      write(
        'set',
        '/radius',
        { ...wantedRadius, disabled: 'no' },
        { id: entry['.id'] ?? '', find: `[find address=${r.address} comment~"${OURS}"]` },
        r.secret,
      ),
    ];
    out.push(
      fixedBy('radius', 'wrong', `the RADIUS entry for ${r.address} has another service or secret`, writes),
    );
  } else {
    const writes = [write('add', '/radius', { ...wantedRadius, comment: OURS }, undefined, r.secret)];
    out.push(fixedBy('radius', 'missing', `no RADIUS entry for ${r.address}`, writes));
  }
  const inc = facts.radiusIncoming ?? {};
  const incOk = (inc.accept === 'true' || inc.accept === 'yes') && inc.port === String(r.coaPort);
  const incWrites = [write('set', '/radius/incoming', { accept: 'yes', port: String(r.coaPort) })];
  out.push(
    incOk
      ? item('radius-incoming', 'ok', `the router takes CoA and Disconnect on port ${r.coaPort}`)
      : fixedBy(
          'radius-incoming',
          'wrong',
          `the router does not take CoA on port ${r.coaPort} (speed changes and kicks would not reach it)`,
          incWrites,
        ),
  );
  const byName = new Map(facts.serverProfiles.map((p) => [p.name, p]));
  const profiles = [...new Set(siteServers(facts, wants).map((s) => s.profile ?? ''))];
  const off = profiles.filter((p) => byName.get(p)?.['use-radius'] !== 'true');
  const useWrites = off.map((p) =>
    write(
      'set',
      '/ip/hotspot/profile',
      { 'use-radius': 'yes' },
      { id: byName.get(p)?.['.id'] ?? '', find: `[find name=${q(p)}]` },
    ),
  );
  out.push(
    off.length
      ? fixedBy('use-radius', 'wrong', `server profile ${off.join(', ')} does not ask RADIUS`, useWrites)
      : item('use-radius', 'ok', `server profile ${profiles.join(', ')} asks RADIUS`),
  );
  return out;
}

/** The controller's own bypass, when the hotspot sees the controller (it sits inside the hotspot network). */
export function bypassItem(facts: SetupFacts, wants: SetupWants): SetupItem | null {
  const { address, mac } = wants.controller;
  const host = facts.hosts.find((h) => h.address === address || (mac && h['mac-address'] === mac));
  const controllerMac = (mac ?? host?.['mac-address'] ?? '').toUpperCase();
  if (!host || !controllerMac) return null;
  const have = facts.bindings.some(
    (b) => enabled(b) && (b['mac-address'] ?? '').toUpperCase() === controllerMac && b.type === 'bypassed',
  );
  if (have)
    return item('bypass', 'ok', `the controller (${controllerMac}) never has to log in to the hotspot`);
  const writes = [
    write('add', '/ip/hotspot/ip-binding', {
      'mac-address': controllerMac,
      type: 'bypassed',
      comment: `${OURS}: controller`,
    }),
  ];
  return fixedBy(
    'bypass',
    'missing',
    `the controller (${address}, ${controllerMac}) is inside the hotspot network and would have to log in`,
    writes,
  );
}

function ipToInt(ip: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((n) => n > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

/** Whether an address list (`10.0.0.0/24,192.168.88.5`) contains `ip`. */
function addressListHas(list: string, ip: string): boolean {
  const addr = ipToInt(ip);
  if (addr === null) return false;
  return list.split(',').some((entry) => {
    const [net, bits = '32'] = entry.trim().split('/');
    const base = ipToInt(net ?? '');
    const n = Number(bits);
    if (base === null || !(n >= 0 && n <= 32)) return false;
    const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
    return (base & mask) >>> 0 === (addr & mask) >>> 0;
  });
}

/** The API service open to the controller only (`address`), so no one else on the network can try passwords. */
export function apiServiceItem(facts: SetupFacts, wants: SetupWants): SetupItem | null {
  const name = wants.apiService;
  const address = wants.controller.address;
  if (!name || ipToInt(address) === null) return null;
  const s = facts.services.find((r) => r.name === name);
  if (!s) return null;
  const list = (s.address ?? '').trim();
  if (list !== '' && addressListHas(list, address))
    return item('api-service', 'ok', `the ${name} service takes connections from ${list} only`);
  const writes = [
    write('set', '/ip/service', { address: `${address}/32` }, { id: s['.id'] ?? '', find: name }),
  ];
  return fixedBy(
    'api-service',
    'wrong',
    list === ''
      ? `the ${name} service takes connections from any address; limit it to the controller (${address})`
      : `the ${name} service does not list the controller (${address})`,
    writes,
  );
}
