/**
 * Subcommands that act on devices and the router: users, bandwidth, queues (`router test` and `router adopt` are
 * in router-connect.ts).
 */
import { normaliseMac, parseSpeedLimit } from '../../src/domain/units';
import type { Core } from '../../src/core';
import type { BandwidthChange, BandwidthService } from '../../src/services/types';
import { out } from '../lib/ansi';
import { parseCommand, requireOption, usageError, type OptionSpec, optionSpec } from '../lib/args';
import { cliActor, requireRouter } from '../lib/context';
import { queuesTable, speedText, trafficTable, usersTable } from '../lib/render';
import {
  changeOnDeviceSite,
  parseSiteRead,
  SITE_OPTION,
  siteLabels,
  siteOfDevice,
  siteValue,
  withSiteRouter,
  type SiteChange,
} from '../lib/site-router';
import { bandwidthChangeJson, userJson } from '../../src/services/network/bandwidth/json';
import { CommandDef, print, printJson, withCore, withSiteCore } from './shared';
import { routerAdopt, routerTest } from './router-connect';

const SITE_HELP = `  --site SITE   a site's router (its name or id) instead of the .env router (site "default")`;

const USERS_LIST = `Usage: pisonet users list [--site SITE] [--json]

Devices using a voucher now, with their traffic, speed and time left. With --site, that site's devices,
with the limits its router holds.
${SITE_HELP}`;

/** Active users, every site's or (--site) one site's, with that router's limits. */
async function siteUsers(core: Core, site: string | undefined) {
  if (site === undefined) {
    await requireRouter(core);
    return core.services.bandwidth.users();
  }
  return withSiteRouter(core, site, async (s) =>
    (await s.bandwidth.users()).filter((u) => u.site === s.site.id),
  );
}

/** A command listing the devices online (one site's, or every site's), as JSON or as the given table. */
function devicesCommand(
  name: string,
  summary: string,
  usage: string,
  render: typeof usersTable | typeof trafficTable,
): CommandDef {
  return {
    name,
    summary,
    usage,
    async run(args) {
      const values = parseSiteRead(args, usage);
      return withCore(async (core) => {
        const site = values.site;
        const users = await siteUsers(core, site);
        if (values.json) printJson({ users: users.map(userJson) }, { api: true });
        // Every site's devices, with several sites: a SITE column.
        else print(render(users, site === undefined ? await siteLabels(core) : undefined));
        return 0;
      });
    },
  };
}

const usersList = devicesCommand('users list', 'active users with traffic', USERS_LIST, usersTable);

const USERS_KICK = `Usage: pisonet users kick MAC [--site SITE]

Logs the device out of the hotspot. Its voucher stays usable (the customer can log in again). Without --site,
on the router of the site its voucher belongs to.
${SITE_HELP}`;

const usersKick: CommandDef = {
  name: 'users kick',
  summary: 'log a device out (voucher stays usable)',
  usage: USERS_KICK,
  async run(args) {
    const { values, positionals } = parseCommand(args, SITE_OPTION, USERS_KICK, 1);
    const mac = normaliseMac(positionals[0], 'mac');
    return withCore(async (core) =>
      // Without --site: the router of the device's voucher's site.
      withSiteRouter(core, siteValue(values) ?? (await siteOfDevice(core, mac)), async (s) => {
        await s.bandwidth.kick(mac, cliActor());
        print(out.green(`Logged out ${mac}${s.isDefault ? '' : ` at ${s.site.name}`}.`));
        return 0;
      }),
    );
  },
};

/** The device as `MAC` or `--mac MAC` (the admin API's field name); exactly one of them. */
function macOption(values: Record<string, unknown>, positionals: string[], usage: string): string {
  const option = typeof values.mac === 'string' ? values.mac : undefined;
  if (option !== undefined && positionals.length > 0)
    throw usageError('give the MAC once, as MAC or --mac MAC', usage);
  const mac = option ?? positionals[0];
  if (mac === undefined) throw usageError('missing MAC (MAC or --mac MAC)', usage);
  return normaliseMac(mac, 'mac');
}

/**
 * The change is saved either way; a router that is down or refuses it now gets it at the next poll, so
 * that is said plainly (exit 0), not reported as a failure. A branch's device names its site.
 */
export function printChange(
  r: SiteChange,
  json: unknown,
  done: (change: BandwidthChange, at: string) => string,
): void {
  if (json === true) {
    printJson({ ...bandwidthChangeJson(r.change), site: r.site }, { api: true });
    return;
  }
  print(out.green(done(r.change, r.isDefault ? '' : ` at ${r.site.name}`)));
  if (!r.change.applied)
    print(out.yellow('Saved; applied at the next poll (the router could not take it now).'));
  if (r.away) print(out.dim(r.away));
}

const MAC_OPTION = { mac: { type: 'string' }, json: { type: 'boolean' }, ...SITE_OPTION } as const;

const DEVICE_SITE_HELP = `Acts on the router of the site the device's voucher is at (the terminal connects to a branch's router
for it). --site SITE names that site (its name or id); a device at another site is refused.
--json prints the change: { mac, profile, up, down, applied, site } (bits/s; applied false: at the next poll).`;

const BW_SET = `Usage: pisonet bandwidth set MAC --up RATE --down RATE [--site SITE] [--json]

Overrides the speed of the device's voucher until reset or the voucher ends. RATE in bits per
second from 8K to 10G, like 512K, 2M, 1.5M or "2 Mbps", or "unlimited" for no limit that way.
The router changes at once (or at the next poll when it cannot now). MAC may also be given as --mac MAC.
${DEVICE_SITE_HELP}`;

const BW_REMOVE = `Usage: pisonet bandwidth remove MAC [--site SITE] [--json]

Removes the device's speed limit: it is unlimited until a new limit is set ("bandwidth set") or
it goes back to its plan ("bandwidth reset"), or its voucher ends. Its queue stays, so its data is
still counted. MAC may also be given as --mac MAC.
${DEVICE_SITE_HELP}`;

/**
 * A bandwidth command that takes one device (MAC as the argument or --mac) and reports the change; `act` reads
 * its own options (`options`) before the core opens, and gives the change.
 */
function deviceCommand(
  name: string,
  summary: string,
  usage: string,
  act: (values: Record<string, unknown>) => (bw: BandwidthService, mac: string) => Promise<BandwidthChange>,
  done: (change: BandwidthChange, at: string) => string,
  options: OptionSpec = {},
): CommandDef {
  return {
    name,
    summary,
    usage,
    async run(args) {
      const { values, positionals } = parseCommand(args, { ...MAC_OPTION, ...options }, usage, [0, 1]);
      const mac = macOption(values, positionals, usage);
      const change = act(values);
      return withCore(async (core) => {
        const r = await changeOnDeviceSite(core, mac, siteValue(values), (bw) => change(bw, mac));
        printChange(r, values.json, done);
        return 0;
      });
    },
  };
}

const bwSet = deviceCommand(
  'bandwidth set',
  'set a bandwidth limit for a device',
  BW_SET,
  (values) => {
    const up = parseSpeedLimit(requireOption(values, 'up', BW_SET), 'up');
    const down = parseSpeedLimit(requireOption(values, 'down', BW_SET), 'down');
    return (bw, mac) => bw.setLimit(mac, up, down, cliActor());
  },
  (c, at) => `Limit for ${c.mac}${at}: ${speedText(c)}.`,
  optionSpec(['up', 'down']),
);

const bwRemove = deviceCommand(
  'bandwidth remove',
  'remove the speed limit of a device (unlimited)',
  BW_REMOVE,
  () => (bw, mac) => bw.removeLimit(mac, cliActor()),
  (c, at) => `Speed limit removed for ${c.mac}${at}: unlimited (its data is still counted).`,
);

const BW_RESET = `Usage: pisonet bandwidth reset MAC [--site SITE] [--json]

Puts the device back to its plan: the admin's limit (or "unlimited") is dropped and the voucher's
profile speeds apply again, with its fair-use and off-peak rules. MAC may also be given as --mac MAC.
${DEVICE_SITE_HELP}`;

const bwReset = deviceCommand(
  'bandwidth reset',
  "back to the plan's speed (drops the admin limit)",
  BW_RESET,
  () => (bw, mac) => bw.resetLimit(mac, cliActor()),
  (c, at) => `${c.mac}${at} is back to its plan: ${c.profile}, ${speedText(c)}.`,
);

const BW_USERS = `Usage: pisonet bandwidth users [--site SITE] [--json]

Traffic per device: MAC, IP, voucher, totals, limit (* = admin override, "unlimited" = no limit)
and live rate.
${SITE_HELP}`;

const bwUsers = devicesCommand('bandwidth users', 'traffic stats per device', BW_USERS, trafficTable);

const QUEUES = `Usage: pisonet queues list [--site SITE] [--json]

All pisonet- simple queues configured on the router.
${SITE_HELP}`;

const queuesList: CommandDef = {
  name: 'queues list',
  summary: 'queues on the router',
  usage: QUEUES,
  async run(args) {
    const values = parseSiteRead(args, QUEUES);
    return withSiteCore(values.site, async (s) => {
      const queues = await s.bandwidth.queues(s.site.id);
      if (values.json) printJson({ site: s.site, queues });
      else {
        if (!s.isDefault) print(`Site ${s.site.name}:`);
        print(queuesTable(queues));
      }
      return 0;
    });
  },
};

export const networkCommands = [
  usersList,
  usersKick,
  bwUsers,
  bwSet,
  bwRemove,
  bwReset,
  queuesList,
  routerTest,
  routerAdopt,
];
