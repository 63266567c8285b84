/**
 * Router in the terminal menu: a site's router as `pisonet router …` shows it (resources, hosts, sessions,
 * bindings, cookies, leases, traffic, log) and its reboot, asked first. The same service as the admin's Router
 * pages; with several sites, the site is picked first.
 */
import { select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { logTable, READINGS, readHeading, trafficText, type Reading } from '../lib/router-render';
import { sitesIfMany, withSiteRouter } from '../lib/site-router';
import { setupChangeText, setupItemsText } from '../lib/setup-render';
import { confirmAction, menuLoop, say } from './prompts';

/** The site whose router the menu shows: asked when there are several; undefined for the .env router. */
export async function pickSite(core: Core, message = 'Which router?'): Promise<string | undefined> {
  const sites = await sitesIfMany(core);
  if (!sites) return undefined;
  return String(await select({ message, choices: sites.map((s) => ({ name: s.name, value: s.id })) }));
}

/** One read of the site's router, shown. */
function show<T>(core: Core, site: string | undefined, { read, render }: Reading<T>) {
  return () =>
    withSiteRouter(core, site, async (s) => {
      const r = await read(s);
      say(`${readHeading(r, s.isDefault)}\n${render(r.data)}`);
    });
}

async function trafficNow(core: Core, site: string | undefined): Promise<void> {
  await withSiteRouter(core, site, async (s) => {
    const list = await s.housekeeping.interfaces(s.site);
    const names = list.data.map((i) => i.name);
    if (names.length === 0) return say(out.dim('The router lists no interfaces.'));
    const name = await select({
      message: 'Interface:',
      choices: names.map((n) => ({ name: n, value: n })),
      default: names.find((n) => n.startsWith('bridge')),
    });
    const r = await s.housekeeping.traffic(s.site, name);
    say(`${readHeading(r, s.isDefault)}\n${trafficText(list.data, r.data)}`);
  });
}

async function reboot(core: Core, site: string | undefined): Promise<void> {
  await withSiteRouter(core, site, async (s) => {
    const p = await s.housekeeping.presence(s.site);
    const name = `router "${p.identity ?? '?'}"${s.isDefault ? '' : ` of site ${s.site.name}`}`;
    if (!(await confirmAction(`Reboot ${name}? Every customer is logged out until it is back.`))) return;
    await s.housekeeping.reboot(s.site, cliActor(), { identity: p.identity ?? '' });
    say(out.green(`Reboot sent to ${name}. It is usually back within a minute or two.`));
  });
}

/** Router setup: the items read, then (asked first) every fixable one fixed, each change printed. */
async function setup(core: Core, site: string | undefined): Promise<void> {
  await withSiteRouter(core, site, async (s) => {
    const { service, wantsFor } = core.services.routerSetup;
    const wants = await wantsFor(s.site.id);
    const report = await service.check(s.router, wants);
    say(setupItemsText(report.items));
    if (report.ok) return say(out.green('All set: nothing to change.'));
    if (report.items.some((i) => i.id === 'hotspot' && i.state !== 'ok'))
      return say(
        out.yellow('Set the hotspot up on the router first (/ip hotspot setup); nothing was changed.'),
      );
    if (
      !(await confirmAction(
        'Fix these on the router now? Entries without "pisonet" in their comment stay as they are.',
      ))
    )
      return;
    const result = await service.apply(s.router, wants, { actor: cliActor(), site: s.site.name });
    for (const c of result.changes) say(setupChangeText(c));
    say(
      result.failed
        ? out.red(`Stopped at ${result.failed}: the router refused a change.`)
        : out.green(result.ok ? 'All set.' : 'Some items still need attention (above).'),
    );
  });
}

export async function routerMenu(core: Core): Promise<void> {
  const site = await pickSite(core);
  const title = `Router${site ? ` (site ${(await core.services.sites.names()).find((s) => String(s.id) === site)?.name})` : ''}`;
  await menuLoop(title, [
    {
      key: '1',
      name: 'Resources (CPU, memory, uptime, temperature)',
      run: show(core, site, READINGS.resource),
    },
    { key: '2', name: 'Hosts (every device the hotspot sees)', run: show(core, site, READINGS.hosts) },
    { key: '3', name: 'Active sessions', run: show(core, site, READINGS.sessions) },
    { key: '4', name: 'IP bindings', run: show(core, site, READINGS.bindings) },
    { key: '5', name: 'Cookies', run: show(core, site, READINGS.cookies) },
    { key: '6', name: 'DHCP leases', run: show(core, site, READINGS.leases) },
    { key: '7', name: 'Traffic now', run: () => trafficNow(core, site) },
    {
      key: '8',
      name: 'Log (newest 50)',
      run: show(core, site, { read: (s) => s.housekeeping.log(s.site, { limit: 50 }), render: logTable }),
    },
    { key: '9', name: 'Reboot…', run: () => reboot(core, site) },
    { key: 's', name: 'Setup (what the product needs of the router; fix it)…', run: () => setup(core, site) },
  ]);
}
