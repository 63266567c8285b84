/**
 * `pisonet router hosts|active|bindings|cookies|leases|log|resource|traffic|reboot`: a router's housekeeping for
 * scripts and the operator, through the same service as the admin's Router pages (src/services/network/router-housekeeping/index.ts).
 * Each reads one site's router (`--site`, default the .env router); only `reboot` changes anything, and asks first.
 */
import { confirmAction } from '../lib/ask';
import { ValidationError } from '../../src/domain/errors';
import type { RouterRead } from '../../src/services/network/router-housekeeping';
import { out } from '../lib/ansi';
import { parseCommand, usageError, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { logTable, READINGS, readHeading, trafficText, type Reading } from '../lib/router-render';
import { parseSiteRead, siteValue, type SiteRouter } from '../lib/site-router';
import { CommandDef, parseWhole, print, printJson, withSiteCore } from './shared';

const SITE_HELP = `  --site SITE   a site's router (its name or id) instead of the .env router (site "default")
  --json        stable JSON for scripts`;

/** `{site, identity, readAt, <key>: data}`: the JSON of one read. */
function readJson<T>(key: string, read: RouterRead<T>, data: unknown = read.data) {
  return {
    site: read.site,
    identity: read.identity,
    readAt: new Date(read.readAt).toISOString(),
    [key]: data,
  };
}

/** A read-only listing: the site's router read once, printed as a table or as JSON under `key` (default `sub`). */
function listing<T>(
  sub: string,
  summary: string,
  description: string,
  { read, render }: Reading<T>,
  key = sub,
): CommandDef {
  const usage = `Usage: pisonet router ${sub} [--site SITE] [--json]\n\n${description}\n${SITE_HELP}`;
  return {
    name: `router ${sub}`,
    summary,
    usage,
    async run(args) {
      const values = parseSiteRead(args, usage);
      return withSiteCore(values.site, async (s) => {
        const r = await read(s);
        if (values.json) printJson(readJson(key, r));
        else print(`${readHeading(r, s.isDefault)}\n${render(r.data)}`);
        return 0;
      });
    },
  };
}

const hosts = listing(
  'hosts',
  "every device the router's hotspot sees",
  'Every device the hotspot sees, logged in or not: its MAC, address, state, uptime and traffic.',
  READINGS.hosts,
);
const active = listing(
  'active',
  'who is logged in to the hotspot',
  "The router's active hotspot sessions: user, device, how long, what is left, traffic.",
  READINGS.sessions,
  'sessions',
);
const bindings = listing(
  'bindings',
  'IP bindings (bypassed and blocked devices)',
  'Devices the hotspot lets through without a code (bypassed) or keeps out (blocked).',
  READINGS.bindings,
);
const cookies = listing(
  'cookies',
  "the hotspot's login cookies",
  'Phones that logged in through the login page and log in again by themselves while the cookie lasts.',
  READINGS.cookies,
);
const leases = listing(
  'leases',
  'DHCP leases',
  "The addresses the router's DHCP server gave out, with the names the devices gave.",
  READINGS.leases,
);
const resource = listing(
  'resource',
  "the router's CPU, memory, uptime and temperature",
  "The router's board, RouterOS version, uptime, CPU load, memory, storage and sensors (temperature where it reports one).",
  READINGS.resource,
);

const LOG = `Usage: pisonet router log [--topic TOPIC] [--grep TEXT] [--limit N] [--site SITE] [--json]

The router's log, newest first. --topic keeps lines with that topic (hotspot, dhcp, system, account,
error, warning…); --grep lines whose message contains TEXT (any case); --limit how many (default 200,
at most 1000). Times are the router's own clock.
${SITE_HELP}`;

const log: CommandDef = {
  name: 'router log',
  summary: "the router's log, newest first",
  usage: LOG,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['topic', 'grep', 'limit', 'site'], ['json']), LOG);
    const limit =
      typeof values.limit === 'string' ? parseWhole(values.limit, 'limit', 'a count', 1, 1000) : undefined;
    const filter = {
      topic: values.topic as string | undefined,
      text: values.grep as string | undefined,
      limit,
    };
    return withSiteCore(siteValue(values), async (s) => {
      const r = await s.housekeeping.log(s.site, filter);
      if (values.json) printJson(readJson('log', r));
      else print(`${readHeading(r, s.isDefault)}\n${logTable(r.data)}`);
      return 0;
    });
  },
};

const TRAFFIC = `Usage: pisonet router traffic [--interface NAME] [--site SITE] [--json]

One reading of the traffic through an interface now (bits and packets per second each way, from the
router's side: rx comes in, tx goes out). Without --interface, the hotspot's bridge (else the first).
The router's interfaces are listed with it.
${SITE_HELP}`;

const traffic: CommandDef = {
  name: 'router traffic',
  summary: 'the traffic through an interface now',
  usage: TRAFFIC,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['interface', 'site'], ['json']), TRAFFIC);
    return withSiteCore(siteValue(values), async (s) => {
      const list = await s.housekeeping.interfaces(s.site);
      const names = list.data.map((i) => i.name);
      const asked = typeof values.interface === 'string' ? values.interface : undefined;
      const name = asked ?? names.find((n) => n.startsWith('bridge')) ?? names[0];
      if (name === undefined) throw usageError('the router lists no interfaces', TRAFFIC);
      const r = await s.housekeeping.traffic(s.site, name);
      if (values.json) printJson({ ...readJson('traffic', r), interfaces: list.data });
      else print(`${readHeading(r, s.isDefault)}\n${trafficText(list.data, r.data)}`);
      return 0;
    });
  },
};

const REBOOT = `Usage: pisonet router reboot [--site SITE] [--yes] [--wait] [--json]

Reboots the router: every customer is logged out and the WiFi is off until it has started again (usually
a minute or two); vouchers keep their time. Names the router (its identity) and asks first, unless --yes.
--wait waits (up to 5 minutes) until the router is back and says how long it took. Audited.
${SITE_HELP}`;

const WAIT_MS = 5 * 60_000;

/** Until the site's router is connected again with an uptime that started after `sent`; seconds taken, or null. */
async function waitBack(s: SiteRouter, sent: number, now: () => number): Promise<number | null> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    const p = await s.housekeeping.presence(s.site);
    const since = (now() - sent) / 1000;
    if (p.connected && p.uptimeSeconds !== null && p.uptimeSeconds <= since + 5) return Math.round(since);
  }
  return null;
}

const reboot: CommandDef = {
  name: 'router reboot',
  summary: 'reboot the router (asks first; audited)',
  usage: REBOOT,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['site'], ['yes', 'wait', 'json']), REBOOT);
    return withSiteCore(siteValue(values), async (s, core) => {
      const presence = await s.housekeeping.presence(s.site);
      const name = `router "${presence.identity ?? '?'}"${s.isDefault ? '' : ` of site ${s.site.name}`}`;
      if (!values.yes) {
        if (!process.stdin.isTTY)
          throw new ValidationError('yes', 'rebooting logs every customer out; add --yes to confirm');
        const ok = await confirmAction(`Reboot ${name}? Every customer is logged out until it is back.`);
        if (!ok) return 1;
      }
      const sent = core.clock.now();
      const done = await s.housekeeping.reboot(s.site, cliActor(), { identity: presence.identity ?? '' });
      const back = values.wait ? await waitBack(s, sent, () => core.clock.now()) : undefined;
      if (values.json)
        printJson({
          rebooted: true,
          site: s.site,
          identity: done.identity,
          ...(values.wait ? { backAfterSeconds: back } : {}),
        });
      else {
        print(out.green(`Reboot sent to ${name}.`));
        if (back !== undefined)
          print(
            back === null
              ? out.yellow('It is not back after 5 minutes: check it.')
              : `It is back after ${back} s.`,
          );
      }
      return back === null ? 1 : 0;
    });
  },
};

export const routerCommands = [resource, hosts, active, bindings, cookies, leases, traffic, log, reboot];
