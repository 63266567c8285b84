/**
 * The items of a site that sells monthly plans over PPPoE: the PPPoE server the owner set up (reported, never
 * made), and the rules that hold a suspended subscriber to the portal (docs/router-setup.md, docs/subscribers.md
 * "Suspension"). The PPP room lists a suspended subscriber's address in `pisonet-suspended`; these rules act on
 * that list: its web requests (TCP 80) go to the portal, DNS and the payment pages pass, everything else
 * (HTTPS included) is refused.
 */
import { SUSPENDED_LIST } from '../../domain/suspended-list';
import { OURS, isOurs, enabled, q, fixedBy, item, write } from './core';
import type { Row, SetupFacts, SetupItem, SetupWants, SetupWrite } from './core';

/** The address list of the payment pages' host names (RouterOS resolves each name to its addresses). */
export const PAYMENT_LIST = 'pisonet-payment';

/** A name an address-list entry can hold: exact, no wildcard. */
const exactHost = (host: string): boolean => !/[*?:]/.test(host);

export function pppoeServerItem(facts: SetupFacts, wants: SetupWants): SetupItem | null {
  const ppp = wants.ppp;
  if (!ppp || !facts.ppp) return null;
  const servers = facts.ppp.servers.filter(enabled);
  if (!servers.length)
    return item(
      'pppoe-server',
      'missing',
      'no enabled PPPoE server: subscribers cannot connect. Set one up on the port their CPEs reach (this command does not create one)',
      "/interface pppoe-server server add service-name=pisonet interface=<the subscribers' port> disabled=no",
    );
  const names = servers.map((s) => s['service-name'] || s.interface || s['.id']).join(', ');
  const needDefault = ppp.plans.filter((p) => !p.pool).map((p) => p.name);
  const byName = new Map(facts.ppp.profiles.map((p) => [p.name, p]));
  const giving = servers.filter(
    (s) => (byName.get(s['default-profile'] ?? 'default')?.['remote-address'] ?? '') !== '',
  );
  if (needDefault.length && !giving.length) {
    const profile = servers[0]!['default-profile'] ?? 'default';
    return item(
      'pppoe-server',
      'wrong',
      `PPPoE server ${names} is on, but its default profile "${profile}" gives no addresses and plan ${needDefault.join(', ')} names no ppp_pool: those subscribers cannot connect`,
      [
        '/ip pool add name=pppoe-pool ranges=10.10.0.2-10.10.0.254',
        `/ppp profile set [find name=${q(profile)}] local-address=10.10.0.1 remote-address=pppoe-pool`,
      ].join('\n'),
    );
  }
  return item('pppoe-server', 'ok', `PPPoE server ${names} is on and gives subscribers addresses`);
}

interface RuleWant {
  comment: string;
  attrs: Record<string, string>;
}

const FROM_LIST = { 'src-address-list': SUSPENDED_LIST };

/** The forward rules, in the order they must be checked: the accepts, then the refusal. */
function forwardRules(portal: SetupWants['portal']): RuleWant[] {
  const accept = (what: string, attrs: Record<string, string>): RuleWant => ({
    comment: `${OURS}: suspended ${what}`,
    attrs: { chain: 'forward', action: 'accept', ...FROM_LIST, ...attrs },
  });
  return [
    accept('dns', { protocol: 'udp', 'dst-port': '53' }),
    accept('dns tcp', { protocol: 'tcp', 'dst-port': '53' }),
    accept('portal', { protocol: 'tcp', 'dst-address': portal.address, 'dst-port': String(portal.port) }),
    accept('payment', { 'dst-address-list': PAYMENT_LIST }),
    {
      comment: `${OURS}: suspended refuse`,
      attrs: { chain: 'forward', action: 'reject', 'reject-with': 'icmp-admin-prohibited', ...FROM_LIST },
    },
  ];
}

function redirectRule(portal: SetupWants['portal']): RuleWant {
  return {
    comment: `${OURS}: suspended to portal`,
    attrs: {
      chain: 'dstnat',
      action: 'dst-nat',
      protocol: 'tcp',
      'dst-port': '80',
      ...FROM_LIST,
      'to-addresses': portal.address,
      'to-ports': String(portal.port),
    },
  };
}

/** What one rule needs: nothing, a `set` back to what we want, or an `add` (before `before` when given). */
function ruleWrites(menu: string, rows: Row[], want: RuleWant, before?: string): SetupWrite[] {
  const have = rows.find((r) => isOurs(r) && r.comment === want.comment);
  if (!have) {
    const attrs = { ...want.attrs, comment: want.comment, ...(before ? { 'place-before': before } : {}) };
    return [write('add', menu, attrs)];
  }
  const differs = Object.entries(want.attrs).some(([k, v]) => (have[k] ?? '') !== v) || !enabled(have);
  if (!differs) return [];
  return [
    write(
      'set',
      menu,
      { ...want.attrs, disabled: 'no' },
      { id: have['.id'] ?? '', find: `[find comment=${q(want.comment)}]` },
    ),
  ];
}

export function suspendedRedirectItem(facts: SetupFacts, wants: SetupWants): SetupItem | null {
  if (!wants.ppp || !facts.ppp) return null;
  const { portal } = wants;
  const f = facts.ppp;
  const writes: SetupWrite[] = [];
  const problems: string[] = [];
  let wrong = false;
  const note = (w: SetupWrite[], what: string) => {
    if (!w.length) return;
    writes.push(...w);
    if (w[0]!.verb === 'set') wrong = true;
    problems.push(`${what} ${w[0]!.verb === 'set' ? 'was changed' : 'is missing'}`);
  };
  note(
    ruleWrites('/ip/firewall/nat', f.nat, redirectRule(portal)),
    'the redirect of web requests to the portal',
  );
  const refuse = f.forward.find((r) => isOurs(r) && r.comment === `${OURS}: suspended refuse`);
  for (const rule of forwardRules(portal)) {
    const before = rule.comment.endsWith('refuse') ? undefined : refuse?.['.id'];
    note(ruleWrites('/ip/firewall/filter', f.forward, rule, before), `the rule "${rule.comment}"`);
  }
  // Nothing of ours yet: one sentence rather than one per rule.
  const rules = 1 + forwardRules(portal).length;
  if (!wrong && problems.length === rules)
    problems.splice(
      0,
      rules,
      'suspended subscribers are not held to the portal: the redirect and its forward rules are missing',
    );
  const hosts = [...new Set(wants.extraHosts.map((h) => h.toLowerCase()))].filter(exactHost);
  for (const host of hosts) {
    if (f.paymentList.some((e) => isOurs(e) && enabled(e) && e.address === host)) continue;
    writes.push(
      write('add', '/ip/firewall/address-list', {
        list: PAYMENT_LIST,
        address: host,
        comment: `${OURS}: payment ${host}`,
      }),
    );
    problems.push(`${host} is not in ${PAYMENT_LIST}`);
  }
  if (!writes.length)
    return item(
      'suspended-redirect',
      'ok',
      `suspended subscribers' web requests go to the portal at ${portal.address}:${portal.port}; the rest is refused but DNS${hosts.length ? ' and the payment pages' : ''}`,
    );
  return fixedBy('suspended-redirect', wrong ? 'wrong' : 'missing', problems.join('; '), writes);
}
