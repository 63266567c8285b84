/** The items every hotspot site needs: the hotspot, the voucher profile, the walled garden, the login page, FastTrack. */
import { OURS, isOurs, enabled, q, fixedBy, item, write, siteServers } from './core';
import type { SetupState, Row, SetupWrite, SetupItem, SetupFacts, SetupWants } from './core';

export function hotspotItem(facts: SetupFacts, wants: SetupWants): SetupItem {
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

export function userProfileItem(facts: SetupFacts, wants: SetupWants): SetupItem {
  const menu = '/ip/hotspot/user/profile';
  const name = wants.userProfile;
  const p = facts.userProfiles.find((r) => r.name === name);
  const shared = String(Math.max(1, wants.sharedUsers));
  if (!p) {
    const writes = [write('add', menu, { name, 'shared-users': shared })];
    return fixedBy('user-profile', 'missing', `hotspot user profile "${name}" does not exist`, writes);
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
  return fixedBy('user-profile', 'wrong', `"${name}" ${problems.join('; ')}`, writes);
}

/** A name the IP-level walled garden can hold: exact, no wildcard or regular expression. */
const exactHost = (host: string): boolean => !/[*?:]/.test(host);

/** Whether one of our enabled entries lets `host` through. */
function hasHost(rows: Row[], host: string, action: string): boolean {
  return rows.some(
    (r) =>
      isOurs(r) &&
      enabled(r) &&
      (r['dst-host'] ?? '').toLowerCase() === host &&
      (r.action ?? action) === action,
  );
}

export function walledGardenItem(facts: SetupFacts, wants: SetupWants): SetupItem {
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
    if (hasHost(facts.walledGarden, host, 'allow')) continue;
    if (state === 'ok') state = 'missing';
    problems.push(`${host} is not in the walled garden`);
    writes.push(write('add', hostMenu, { 'dst-host': host, action: 'allow', comment: `${OURS}: ${host}` }));
  }
  // The IP-level list too, for HTTPS pages (docs/payments.md "The walled garden"): RouterOS resolves an IP-level
  // `dst-host` to addresses when the entry is added and takes no wildcard, so only exact names go there.
  for (const host of [...new Set(wants.extraHosts.map((h) => h.toLowerCase()))].filter(exactHost)) {
    if (hasHost(facts.walledGardenIp, host, 'accept')) continue;
    if (state === 'ok') state = 'missing';
    problems.push(`${host} is not in the IP walled garden`);
    writes.push(write('add', ipMenu, { 'dst-host': host, action: 'accept', comment: `${OURS}: ip ${host}` }));
  }
  if (state === 'ok')
    return item(
      'walled-garden',
      'ok',
      `customers reach the portal at ${address}:${port}${hosts.length ? ` and ${hosts.join(', ')}` : ''} before logging in`,
    );
  return fixedBy('walled-garden', state, problems.join('; '), writes);
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
function hasFileAdd(version: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  return m !== null && (Number(m[1]) > 7 || (Number(m[1]) === 7 && Number(m[2]) >= 9));
}

/** ✔ A file's contents can be read and written through the API up to 60 KB. */
const FILE_CONTENTS_MAX = 60 * 1024;

export function loginPageItem(facts: SetupFacts, wants: SetupWants): SetupItem {
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
    ...fixedBy('login-page', missing.length === stale.length ? 'missing' : 'wrong', detail, writes),
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

export function fastTrackItem(facts: SetupFacts): SetupItem {
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
  return fixedBy(
    'fasttrack',
    'wrong',
    `FastTrack rule ${which} lets customers' traffic skip their speed limits and usage counts`,
    writes,
  );
}
