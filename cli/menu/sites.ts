/**
 * Sites (routers) in the terminal menu: every site and how its router is, a site's router tested, a site added,
 * edited or removed, and a site's router adopted out of safe mode. The same service as the admin's Sites page
 * and `pisonet sites` (the answers are checked by it), and the same router steps as `pisonet router test|adopt
 * --site`. The `.env` router is the site `default`: it is listed, tested and adopted here, changed in `.env`.
 */
import { confirm, password, select } from '@inquirer/prompts';
import type { Core } from '../../src/core';
import { AppError } from '../../src/domain/errors';
import type { SiteView } from '../../src/services/business/sites/types';
import { out } from '../lib/ansi';
import { cliActor } from '../lib/context';
import { routerInfoText } from '../lib/render';
import { withSiteRouter } from '../lib/site-router';
import { adoptRouter } from '../commands/router-connect';
import { endedText, siteTable } from '../commands/site-table';
import { ask, askOptional, askUntilSaved, confirmAction, menuLoop, say } from './prompts';

/** What the operator answers: the site form of the admin, as text, under the service's names (SiteInput). */
interface Answers {
  name: string;
  host: string;
  port: string;
  user: string;
  tls: boolean;
  hotspot_server: string;
  hotspot_user_profile: string;
  /** Empty: the shop's zone. */
  tz: string;
  /** Empty: the shop's. */
  wifi_name: string;
}

/** Errors fixed by changing answers: bad fields, a taken name. */
const FIXABLE = new Set(['INVALID_INPUT', 'SITE_NAME_TAKEN']);

async function listSites(core: Core): Promise<void> {
  say(siteTable(await core.services.sites.list(), core.config.tz));
  say(out.dim('Other sites as the server last read them (the server polls them; the terminal does not).'));
}

/** Pick a site; `editable` leaves out `default` (the .env router). Undefined when there is none to pick. */
async function pickSite(core: Core, message: string, editable: boolean): Promise<SiteView | undefined> {
  const sites = (await core.services.sites.list()).filter((s) => !editable || !s.isDefault);
  if (sites.length === 0) {
    say('Only the .env router (site default) so far: add a site first. The .env router is changed in .env.');
    return undefined;
  }
  return select({
    message,
    choices: sites.map((s) => ({
      name: `${s.name}  ${s.host}:${s.port}${s.tls ? ' TLS' : ''}${s.isDefault ? '  (.env router)' : ''}`,
      value: s,
    })),
    pageSize: 12,
  });
}

async function testSite(core: Core): Promise<void> {
  const site = await pickSite(core, 'Test which site’s router?', false);
  if (!site) return;
  say(out.dim(`Connecting to ${site.name}'s router (${site.host}:${site.port})…`));
  await withSiteRouter(core, String(site.id), async (s) => {
    say(`Site ${s.site.name}\n${routerInfoText(await s.info.test())}`);
  });
}

async function askAll(a: Answers): Promise<Answers> {
  const text = (v: string) => v.trim();
  const next = { ...a };
  next.name = await ask('Site name (e.g. branch-2):', text, { default: a.name || undefined });
  next.host = await ask('Router address (host name or IP):', text, { default: a.host || undefined });
  next.tls = await confirm({ message: 'Connect with TLS (api-ssl)?', default: a.tls });
  // A port left at the standard one follows the TLS answer (8728, or 8729 with TLS).
  const standard = (tls: boolean) => String(tls ? 8729 : 8728);
  next.port = await ask('API port:', text, {
    default: !a.port || a.port === standard(a.tls) ? standard(next.tls) : a.port,
  });
  next.user = await ask('API user:', text, { default: a.user || undefined });
  next.hotspot_server = await ask('Hotspot server (all = every one):', text, {
    default: a.hotspot_server || 'all',
  });
  next.hotspot_user_profile = await ask('Hotspot user profile for the vouchers:', text, {
    default: a.hotspot_user_profile || 'default',
  });
  next.tz = await askOptional(
    'Time zone if not the shop’s (- for the shop’s):',
    'Time zone if not the shop’s (Enter: the shop’s):',
    a.tz,
  );
  next.wifi_name = await askOptional(
    'WiFi name on its cards, if not the shop’s (- for the shop’s):',
    'WiFi name on its cards, if not the shop’s (Enter: the shop’s):',
    a.wifi_name,
  );
  return next;
}

const saved = (s: SiteView, what: string) =>
  say(
    out.green(
      `${what} site ${s.name} (id ${s.id}): ${s.host}:${s.port}${s.tls ? ' with TLS' : ''}, user ${s.user}` +
        `${s.passwordSet ? ', password stored encrypted' : ', no password'}.`,
    ) + '\nThe running server connects to it within a minute.',
  );

async function addSite(core: Core): Promise<void> {
  const blank: Answers = {
    name: '',
    host: '',
    port: '',
    user: '',
    tls: false,
    hotspot_server: 'all',
    hotspot_user_profile: 'default',
    tz: '',
    wifi_name: '',
  };
  // Asked once, after the first answers: going through them again to fix one does not ask it again.
  let pass: string | undefined;
  const made = await askUntilSaved(blank, FIXABLE, askAll, async (a) => {
    pass ??= await password({
      message: `API password of ${a.user || 'that user'} (Enter: none):`,
      mask: '*',
    });
    return core.services.sites.add({ ...a, password: pass }, cliActor());
  });
  if (made) saved(made, 'Added');
}

async function editSite(core: Core): Promise<void> {
  const site = await pickSite(core, 'Edit which site?', true);
  if (!site) return;
  const current: Answers = {
    name: site.name,
    host: site.host,
    port: String(site.port),
    user: site.user,
    tls: site.tls,
    hotspot_server: site.hotspotServer,
    hotspot_user_profile: site.hotspotUserProfile,
    tz: site.tz ?? '',
    wifi_name: site.wifiName ?? '',
  };
  // Asked once, after the first answers; the stored password stays unless changed here.
  let change: { password: string | undefined } | undefined;
  const edited = await askUntilSaved(current, FIXABLE, askAll, async (a) => {
    change ??= (await confirmAction(
      site.passwordSet ? 'Change the stored password?' : 'Set a password (none stored now)?',
    ))
      ? { password: await password({ message: 'New API password (Enter: none):', mask: '*' }) }
      : { password: undefined };
    return core.services.sites.update(site.id, { ...a, password: change.password }, cliActor());
  });
  if (edited) saved(edited, 'Saved');
}

async function removeSite(core: Core): Promise<void> {
  const site = await pickSite(core, 'Remove which site?', true);
  if (!site) return;
  if (!(await confirmAction(`Remove the site ${site.name} (${site.host})? Its router is left as it is.`)))
    return say('Nothing was changed.');
  let force = false;
  for (;;) {
    try {
      const removed = await core.services.sites.remove(site.id, cliActor(), { force });
      say(out.green(`Removed site ${removed.name}.`) + endedText(removed.ended));
      return;
    } catch (e) {
      if (force || !(e instanceof AppError) || e.code !== 'SITE_HAS_VOUCHERS') throw e;
      say(out.yellow(e.message));
      force = await confirmAction('End them (revoked, "site removed") and remove the site?');
      if (!force) return say('Nothing was changed.');
    }
  }
}

async function adoptSite(core: Core): Promise<void> {
  const site = await pickSite(core, 'Adopt the router of which site?', false);
  if (!site) return;
  await withSiteRouter(core, String(site.id), (s) =>
    adoptRouter(s.binding, s.isDefault ? undefined : s.site.name, {}),
  );
}

export function sitesMenu(core: Core): Promise<void> {
  return menuLoop('Sites (routers)', [
    { key: '1', name: 'List sites', run: () => listSites(core) },
    { key: '2', name: 'Test a site’s router', run: () => testSite(core) },
    { key: '3', name: 'Add a site', run: () => addSite(core) },
    { key: '4', name: 'Edit a site', run: () => editSite(core) },
    { key: '5', name: 'Remove a site', run: () => removeSite(core) },
    { key: '6', name: 'Adopt a site’s router (ends safe mode)', run: () => adoptSite(core) },
  ]);
}
