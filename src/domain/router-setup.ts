/**
 * What the product needs of a router, decided from plain data (docs/router-setup.md): each item `ok`, `missing`
 * or `wrong`, the RouterOS command that fixes it, and the API writes that make it ok. Nothing here talks to the
 * router; src/router/setup.ts reads the facts and performs the writes, src/services/router-setup runs both.
 *
 * Ours is what carries `pisonet` in its comment. Nothing else is changed, except the settings named here
 * (the voucher profile's rate-limit and shared-users, the login page file, the RADIUS client settings, the API
 * service's addresses) and the FastTrack rule, which is disabled.
 */

export type SetupState = 'ok' | 'missing' | 'wrong';
export type SetupItemId =
  | 'hotspot'
  | 'user-profile'
  | 'walled-garden'
  | 'login-page'
  | 'fasttrack'
  | 'radius'
  | 'radius-incoming'
  | 'use-radius'
  | 'bypass'
  | 'api-service';

export const SETUP_ITEM_IDS: readonly SetupItemId[] = [
  'hotspot',
  'user-profile',
  'walled-garden',
  'login-page',
  'fasttrack',
  'radius',
  'radius-incoming',
  'use-radius',
  'bypass',
  'api-service',
];

/** One row of a router reply, as the router adapter returns it. */
export type Row = Record<string, string>;

/** One API write that a fix needs. `fetch` asks the router to download `attrs.url` to `attrs['dst-path']`. */
export interface SetupWrite {
  verb: 'add' | 'set' | 'unset' | 'disable' | 'fetch';
  menu: string;
  id?: string;
  attrs: Record<string, string>;
  /** The write as it goes in the audit log and on screen (a secret shown as `***`). */
  shown: string;
}

export interface SetupItem {
  id: SetupItemId;
  state: SetupState;
  detail: string;
  /** The RouterOS terminal command that fixes it, or '' when it is ok. */
  fix: string;
  /** The API writes `--apply` makes (empty when ok, or when not fixable here: `hotspot`). */
  writes: SetupWrite[];
  /**
   * For the login page: the same page written through `/file` contents, used when the fetch did not leave the
   * right file (the router cannot reach the controller). Empty where the router has no `/file/add` (before 7.9).
   */
  fallback?: SetupWrite[];
}

/** What was read from the router. */
export interface SetupFacts {
  version: string;
  servers: Row[];
  serverProfiles: Row[];
  userProfiles: Row[];
  walledGarden: Row[];
  walledGardenIp: Row[];
  files: Row[];
  filters: Row[];
  bindings: Row[];
  /** `/ip/hotspot/host`: the devices the hotspot sees (the controller among them when it is inside). */
  hosts: Row[];
  services: Row[];
  /** RADIUS sites only. */
  radius?: Row[];
  radiusIncoming?: Row;
}

/** What the shop's configuration wants. */
export interface SetupWants {
  /** HOTSPOT_SERVER: a server name or `all`. */
  hotspotServer: string;
  /** HOTSPOT_USER_PROFILE and the largest `users` of the shop's profiles. */
  userProfile: string;
  sharedUsers: number;
  /** Where customers reach the portal: an IPv4 address and port; `host` when PORTAL_URL names one. */
  portal: { address: string; port: number; host?: string };
  /** More host names customers must reach before they log in (payment pages), from the composition. */
  extraHosts: string[];
  /** The login page: its contents, and the address the router fetches it from. */
  loginPage: { contents: string; url: string };
  /** The controller as the router sees it: its address, and its MAC when known. */
  controller: { address: string; mac?: string };
  /** The API service the controller uses (`api` or `api-ssl`); undefined: leave it alone. */
  apiService?: string;
  /** RADIUS sites: the RADIUS server (FreeRADIUS on the controller), its secret and the CoA port. */
  radius?: { address: string; secret: string; coaPort: number };
}

export const OURS = 'pisonet';
const isOurs = (r: Row): boolean => (r.comment ?? '').toLowerCase().includes(OURS);
const enabled = (r: Row): boolean => r.disabled !== 'true' && r.disabled !== 'yes';
const q = (v: string): string => (/^[A-Za-z0-9._:/*-]+$/.test(v) ? v : JSON.stringify(v));

function item(
  id: SetupItemId,
  state: SetupState,
  detail: string,
  fix = '',
  writes: SetupWrite[] = [],
): SetupItem {
  return { id, state, detail, fix: state === 'ok' ? '' : fix, writes: state === 'ok' ? [] : writes };
}

/** The RouterOS terminal spelling of an API menu: `/ip/hotspot/walled-garden/ip` → `/ip hotspot walled-garden ip`. */
export function cliMenu(menu: string): string {
  const [first, ...rest] = menu.split('/').filter(Boolean);
  return `/${first}${rest.length ? ' ' + rest.join(' ') : ''}`;
}

function attrsText(attrs: Record<string, string>, secret?: string): string {
  return Object.entries(attrs)
    .map(([k, v]) => `${k}=${secret !== undefined && v === secret ? '***' : q(v)}`)
    .join(' ');
}

function write(
  verb: SetupWrite['verb'],
  menu: string,
  attrs: Record<string, string>,
  ref?: { id: string; find: string },
  secret?: string,
): SetupWrite {
  const target = ref ? ` ${ref.find}` : '';
  const shown =
    verb === 'fetch'
      ? `/tool fetch ${attrsText(attrs)}`
      : verb === 'unset'
        ? `${cliMenu(menu)} unset${target} ${attrs['value-name']}`
        : `${cliMenu(menu)} ${verb}${target}${Object.keys(attrs).length ? ' ' + attrsText(attrs, secret) : ''}`;
  return { verb, menu, id: ref?.id, attrs, shown };
}

const fixOf = (writes: SetupWrite[]): string => writes.map((w) => w.shown).join('\n');

/** The enabled hotspot servers the site uses (HOTSPOT_SERVER, or all of them). */
export function siteServers(facts: SetupFacts, wants: SetupWants): Row[] {
  return facts.servers.filter(
    (s) => enabled(s) && (wants.hotspotServer === 'all' || s.name === wants.hotspotServer),
  );
}

function hotspotItem(facts: SetupFacts, wants: SetupWants): SetupItem {
  const servers = siteServers(facts, wants);
  if (servers.length)
    return item('hotspot', 'ok', `hotspot server ${servers.map((s) => s.name).join(', ')} is on`);
  const which =
    wants.hotspotServer === 'all'
      ? 'no enabled hotspot server'
      : `no enabled hotspot server "${wants.hotspotServer}"`;
  return item(
    'hotspot',
    'missing',
    `${which}: set the hotspot up on the customers' interface first (this command does not create one)`,
    '/ip hotspot setup',
  );
}

function userProfileItem(facts: SetupFacts, wants: SetupWants): SetupItem {
  const menu = '/ip/hotspot/user/profile';
  const name = wants.userProfile;
  const p = facts.userProfiles.find((r) => r.name === name);
  const shared = String(Math.max(1, wants.sharedUsers));
  if (!p) {
    const writes = [write('add', menu, { name, 'shared-users': shared })];
    return item(
      'user-profile',
      'missing',
      `hotspot user profile "${name}" does not exist`,
      fixOf(writes),
      writes,
    );
  }
  const find = { id: p['.id'] ?? '', find: `[find name=${q(name)}]` };
  const problems: string[] = [];
  const writes: SetupWrite[] = [];
  if ((p['rate-limit'] ?? '') !== '') {
    problems.push(`has rate-limit ${p['rate-limit']} (the controller's queues set each voucher's speed)`);
    writes.push(write('unset', menu, { 'value-name': 'rate-limit' }, find));
  }
  const now = p['shared-users'] ?? '1';
  if (now !== 'unlimited' && Number(now) < Number(shared)) {
    problems.push(`allows ${now} device(s) per voucher, the shop's plans need ${shared}`);
    writes.push(write('set', menu, { 'shared-users': shared }, find));
  }
  if (!problems.length) return item('user-profile', 'ok', `"${name}": no rate-limit, shared-users ${now}`);
  return item('user-profile', 'wrong', `"${name}" ${problems.join('; ')}`, fixOf(writes), writes);
}

function walledGardenItem(facts: SetupFacts, wants: SetupWants): SetupItem {
  const ipMenu = '/ip/hotspot/walled-garden/ip';
  const hostMenu = '/ip/hotspot/walled-garden';
  const { address, port } = wants.portal;
  const wanted = { action: 'accept', protocol: 'tcp', 'dst-address': address, 'dst-port': String(port) };
  const ours = facts.walledGardenIp.filter(isOurs);
  const exact = ours.find((r) => enabled(r) && Object.entries(wanted).every(([k, v]) => (r[k] ?? '') === v));
  const writes: SetupWrite[] = [];
  const problems: string[] = [];
  let state: SetupState = 'ok';
  if (!exact) {
    const comment = `${OURS}: portal`;
    const near = ours.find((r) => (r.comment ?? '') === comment);
    if (near) {
      state = 'wrong';
      problems.push(`the portal entry does not let customers reach ${address}:${port}`);
      writes.push(
        write(
          'set',
          ipMenu,
          { ...wanted, disabled: 'no' },
          { id: near['.id'] ?? '', find: `[find comment=${q(comment)}]` },
        ),
      );
    } else {
      state = 'missing';
      problems.push(`customers who are not logged in cannot reach the portal at ${address}:${port}`);
      writes.push(write('add', ipMenu, { ...wanted, comment }));
    }
  }
  const hosts = [...(wants.portal.host ? [wants.portal.host] : []), ...wants.extraHosts];
  for (const host of [...new Set(hosts.map((h) => h.toLowerCase()))]) {
    const have = facts.walledGarden.some(
      (r) =>
        isOurs(r) &&
        enabled(r) &&
        (r['dst-host'] ?? '').toLowerCase() === host &&
        (r.action ?? 'allow') === 'allow',
    );
    if (have) continue;
    if (state === 'ok') state = 'missing';
    problems.push(`${host} is not in the walled garden`);
    writes.push(write('add', hostMenu, { 'dst-host': host, action: 'allow', comment: `${OURS}: ${host}` }));
  }
  if (state === 'ok')
    return item(
      'walled-garden',
      'ok',
      `customers reach the portal at ${address}:${port}${hosts.length ? ` and ${hosts.join(', ')}` : ''} before logging in`,
    );
  return item('walled-garden', state, problems.join('; '), fixOf(writes), writes);
}

/** The folder each server serves its pages from: the profile's html-directory-override when set, else html-directory. */
export function loginPageFiles(facts: SetupFacts, wants: SetupWants): string[] {
  const byName = new Map(facts.serverProfiles.map((p) => [p.name, p]));
  const out = new Set<string>();
  for (const s of siteServers(facts, wants)) {
    const p = byName.get(s.profile ?? '');
    const dir = ((p?.['html-directory-override'] ?? '') || (p?.['html-directory'] ?? 'hotspot')).replace(
      /^\/+|\/+$/g,
      '',
    );
    out.add(`${dir}/login.html`);
  }
  return [...out];
}

/** Whether the router's version has `/file/add` (7.9 and later). */
export function hasFileAdd(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m !== null && (Number(m[1]) > 7 || (Number(m[1]) === 7 && Number(m[2]) >= 9));
}

/** ✔ A file's contents can be read and written through the API up to 60 KB. */
export const FILE_CONTENTS_MAX = 60 * 1024;

function loginPageItem(facts: SetupFacts, wants: SetupWants): SetupItem {
  const files = loginPageFiles(facts, wants);
  const byName = new Map(facts.files.map((f) => [f.name, f]));
  const stale = files.filter((f) => byName.get(f)?.contents !== wants.loginPage.contents);
  if (!stale.length) return item('login-page', 'ok', `${files.join(', ')} sends phones to the portal`);
  const missing = stale.filter((f) => !byName.has(f));
  const writes = stale.map((f) => write('fetch', '/tool/fetch', { url: wants.loginPage.url, 'dst-path': f }));
  const small = Buffer.byteLength(wants.loginPage.contents) <= FILE_CONTENTS_MAX;
  const fallback =
    hasFileAdd(facts.version) && small
      ? stale.map((f) => {
          const have = byName.get(f);
          return have
            ? write(
                'set',
                '/file',
                { contents: wants.loginPage.contents },
                { id: have['.id'] ?? '', find: `[find name=${q(f)}]` },
              )
            : write('add', '/file', { name: f, contents: wants.loginPage.contents });
        })
      : [];
  const detail =
    missing.length === stale.length
      ? `${stale.join(', ')} is missing`
      : `${stale.join(', ')} does not send phones to the portal (the factory page or an older one)`;
  return {
    ...item(
      'login-page',
      missing.length === stale.length ? 'missing' : 'wrong',
      detail,
      fixOf(writes),
      writes,
    ),
    fallback: fallback.map((w) => ({
      ...w,
      shown: w.shown.replace(/contents=".*"$/s, 'contents=<login page>'),
    })),
  };
}

/**
 * The enabled FastTrack rules that catch hotspot customers: any in the forward chain (or another that is not
 * the router's own input/output), unless it excludes logged-in customers (`hotspot=!auth`). Fast-tracked
 * connections skip simple queues, so speed limits and usage counts stop working.
 */
export function hotspotFastTrackRules(rules: Row[]): Row[] {
  return rules.filter(
    (r) =>
      r.action === 'fasttrack-connection' &&
      enabled(r) &&
      r.dynamic !== 'true' &&
      r.chain !== 'input' &&
      r.chain !== 'output' &&
      !(r.hotspot ?? '').split(',').includes('!auth'),
  );
}

function fastTrackItem(facts: SetupFacts): SetupItem {
  const rules = hotspotFastTrackRules(facts.filters);
  if (!rules.length) return item('fasttrack', 'ok', 'no FastTrack rule applies to hotspot customers');
  const writes = rules.map((r) =>
    write(
      'disable',
      '/ip/firewall/filter',
      {},
      {
        id: r['.id'] ?? '',
        find: `[find action=fasttrack-connection chain=${q(r.chain ?? 'forward')}${r.comment ? ` comment=${q(r.comment)}` : ''}]`,
      },
    ),
  );
  const which = rules.map((r) => `${r['.id']}${r.comment ? ` "${r.comment}"` : ''}`).join(', ');
  return item(
    'fasttrack',
    'wrong',
    `FastTrack rule ${which} lets customers' traffic skip their speed limits and usage counts`,
    fixOf(writes),
    writes,
  );
}

function radiusItems(facts: SetupFacts, wants: SetupWants): SetupItem[] {
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
      item(
        'radius',
        'wrong',
        `the RADIUS entry for ${r.address} has another service or secret`,
        fixOf(writes),
        writes,
      ),
    );
  } else {
    const writes = [write('add', '/radius', { ...wantedRadius, comment: OURS }, undefined, r.secret)];
    out.push(item('radius', 'missing', `no RADIUS entry for ${r.address}`, fixOf(writes), writes));
  }
  const inc = facts.radiusIncoming ?? {};
  const incOk = (inc.accept === 'true' || inc.accept === 'yes') && inc.port === String(r.coaPort);
  const incWrites = [write('set', '/radius/incoming', { accept: 'yes', port: String(r.coaPort) })];
  out.push(
    incOk
      ? item('radius-incoming', 'ok', `the router takes CoA and Disconnect on port ${r.coaPort}`)
      : item(
          'radius-incoming',
          'wrong',
          `the router does not take CoA on port ${r.coaPort} (speed changes and kicks would not reach it)`,
          fixOf(incWrites),
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
      ? item(
          'use-radius',
          'wrong',
          `server profile ${off.join(', ')} does not ask RADIUS`,
          fixOf(useWrites),
          useWrites,
        )
      : item('use-radius', 'ok', `server profile ${profiles.join(', ')} asks RADIUS`),
  );
  return out;
}

/** The controller's own bypass, when the hotspot sees the controller (it sits inside the hotspot network). */
function bypassItem(facts: SetupFacts, wants: SetupWants): SetupItem | null {
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
  return item(
    'bypass',
    'missing',
    `the controller (${address}, ${controllerMac}) is inside the hotspot network and would have to log in`,
    fixOf(writes),
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
export function addressListHas(list: string, ip: string): boolean {
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
function apiServiceItem(facts: SetupFacts, wants: SetupWants): SetupItem | null {
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
  return item(
    'api-service',
    'wrong',
    list === ''
      ? `the ${name} service takes connections from any address; limit it to the controller (${address})`
      : `the ${name} service does not list the controller (${address})`,
    fixOf(writes),
    writes,
  );
}

/**
 * Every item for a site. With no hotspot server, only that item is decided (the others depend on it), and
 * nothing is to be written.
 */
export function planSetup(facts: SetupFacts, wants: SetupWants): SetupItem[] {
  const hotspot = hotspotItem(facts, wants);
  if (hotspot.state !== 'ok') return [hotspot];
  const items: (SetupItem | null)[] = [
    hotspot,
    userProfileItem(facts, wants),
    walledGardenItem(facts, wants),
    loginPageItem(facts, wants),
    fastTrackItem(facts),
    ...radiusItems(facts, wants),
    bypassItem(facts, wants),
    apiServiceItem(facts, wants),
  ];
  return items.filter((i): i is SetupItem => i !== null);
}

/** Items limited to `only` (ids); an unknown id is the caller's error to report. */
export function unknownItemIds(only: string[]): string[] {
  return only.filter((id) => !(SETUP_ITEM_IDS as readonly string[]).includes(id));
}

export const setupOk = (items: SetupItem[]): boolean => items.every((i) => i.state === 'ok');
