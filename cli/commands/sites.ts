/**
 * `pisonet sites list|add|edit|remove`: the routers this controller knows, on the same service as the admin and
 * the API. The terminal does not connect to the other routers: `list` shows what the server last read. A router
 * password is read from a hidden prompt or from standard input (`--password-stdin`), never echoed or printed.
 */
import { confirmed } from '../lib/ask';
import { siteLoginPage } from '../../src/services/business/sites/login-page';
import type { SiteView } from '../../src/services/business/sites/types';
import { siteJson } from '../../src/services/business/sites/json';
import { addressesJson } from '../../src/services/subscriptions/subscribers/json';
import { writeOperatorFile } from '../lib/files';
import { table } from '../lib/table';
import { parseCommand, usageError, optionSpec, YES_OPTION } from '../lib/args';
import { cliActor } from '../lib/context';
import { CommandDef, print, printJson, withCore } from './shared';
import { endedText, siteTable } from './site-table';
import { FIELDS, fieldOptions, passwordFrom, radiusSecretFrom, siteInput } from './site-input';
import { isRadiusClient } from '../../src/domain/site-mode';

const LIST = `Usage: pisonet sites list [--json]

The routers (sites): online or the reason not, identity, devices online and the last read, as the server last
saw them, with each site's income today (its vouchers first used since midnight) and active vouchers.
The site "default" is the router in .env.`;

const ADD = `Usage: pisonet sites add --name NAME --host HOST --user USER [--tls] [options] [--json]
       pisonet sites add --name NAME --mode radius --nas-address IP [--host HOST --user USER] [options] [--json]

Adds a router. The password is asked in a hidden prompt; in a script pipe it in with --password-stdin:
  printf '%s\\n' "$PASSWORD" | pisonet sites add --name branch-2 --host 10.20.0.1 --user pisonet --password-stdin
A RADIUS site needs no API access (then no --host, no password):
  printf '%s\\n' "$SECRET" | pisonet sites add --name branch-3 --mode radius --nas-address 10.30.0.1 --radius-secret-stdin
(--password TEXT exists but lands in your shell history: prefer --password-stdin.)

${FIELDS}
  --tls                       connect with TLS (api-ssl)
  --no-password               the API user has no password (no prompt)`;

const EDIT = `Usage: pisonet sites edit SITE [--name NAME] [options] [--json]

Changes a site (by id or name); what is not given stays. The stored password stays unless --password-stdin,
--ask-password or --no-password is given. Of the site "default" (the router in .env) only --static-pool.

${FIELDS}
  --name NAME                 a new name
  --tls / --no-tls            connect with or without TLS
  --ask-password              ask for the new password in a hidden prompt
  --no-password               the API user has no password now
  --static-pool POOL          its subscribers' fixed addresses: 10.20.0.0/24 or 10.20.0.10-10.20.0.200
                              (empty: none)`;

const ADDRESSES = `Usage: pisonet sites addresses SITE [--json]

The fixed addresses the site's subscribers hold, lowest first, and what is left of its static pool.`;

const REMOVE = `Usage: pisonet sites remove SITE [--force] [--yes] [--json]

Removes a site (by id or name): the server disconnects from its router; nothing on the router is changed.
A site that still has unused or active vouchers is not removed (exit 1, with how many of each) unless
--force: then those vouchers are ended (revoked, end reason "site removed") with the removal.
Asks first on a terminal; a script passes --yes.`;

function show(s: SiteView, json: boolean, what: string): void {
  if (json) return printJson({ site: siteJson(s) }, { api: true });
  if (s.isDefault) {
    print(`${what} site ${s.name} (the router in .env): static pool ${s.staticPool ?? 'none'}.`);
    return;
  }
  if (s.staticPool) print(`Static pool: ${s.staticPool}.`);
  if (isRadiusClient(s)) {
    print(
      `${what} site ${s.name} (id ${s.id}) in RADIUS mode: router ${s.nasAddress}, CoA port ${s.coaPort}, secret stored encrypted` +
        `${s.apiAccess ? `; API ${s.host}:${s.port}${s.tls ? ' with TLS' : ''}, user ${s.user}` : '; no API access'}.`,
    );
    print(
      'Write the FreeRADIUS configuration again so it knows this router: pisonet radius freeradius-config --dir DIR (docs/radius.md).',
    );
    return;
  }
  print(
    `${what} site ${s.name} (id ${s.id}): ${s.host}:${s.port}${s.tls ? ' with TLS' : ''}, user ${s.user}` +
      `${s.passwordSet ? ', password stored encrypted' : ', no password'}.`,
  );
  print(
    'The running server connects to it within a minute (at once when added through the admin or the API).',
  );
}

const list: CommandDef = {
  name: 'sites list',
  summary: 'routers (sites), online or not, devices online',
  usage: LIST,
  async run(args) {
    const { values } = parseCommand(args, { json: { type: 'boolean' } }, LIST);
    return withCore(async (core) => {
      const sites = await core.services.sites.list();
      if (values.json) printJson({ sites: sites.map(siteJson) }, { api: true });
      else {
        print(siteTable(sites, core.config.tz));
        print(
          'Other sites as the server last read them. Each router gets its own login page: pisonet sites login-page SITE.',
        );
      }
      return 0;
    });
  },
};

const add: CommandDef = {
  name: 'sites add',
  summary: 'add a router (password from a prompt or --password-stdin)',
  usage: ADD,
  async run(args) {
    const { values } = parseCommand(args, { ...fieldOptions, tls: { type: 'boolean' } }, ADD);
    const radius = isRadiusClient(values);
    const password = await passwordFrom(values, !radius || typeof values.host === 'string');
    const secret = radius ? await radiusSecretFrom(values, true) : undefined;
    return withCore(async (core) => {
      const site = await core.services.sites.add(
        { ...siteInput(values), tls: values.tls === true, password, radius_secret: secret },
        cliActor(),
      );
      show(site, values.json === true, 'Added');
      return 0;
    });
  },
};

const edit: CommandDef = {
  name: 'sites edit',
  summary: 'change a router (what is not given stays)',
  usage: EDIT,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { ...fieldOptions, ...optionSpec([], ['tls', 'no-tls', 'ask-password']) },
      EDIT,
      1,
    );
    if (values.tls && values['no-tls']) throw usageError('--tls and --no-tls contradict each other', EDIT);
    const password = await passwordFrom(values, false);
    const secret = await radiusSecretFrom(values, false);
    return withCore(async (core) => {
      const site = await core.services.sites.update(
        positionals[0],
        {
          ...siteInput(values),
          ...(secret !== undefined ? { radius_secret: secret } : {}),
          tls: values.tls ? true : values['no-tls'] ? false : undefined,
          password,
        },
        cliActor(),
      );
      show(site, values.json === true, 'Saved');
      return 0;
    });
  },
};

const remove: CommandDef = {
  name: 'sites remove',
  summary: 'remove a router (asks first)',
  usage: REMOVE,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { ...optionSpec([], ['force', 'json']), ...YES_OPTION },
      REMOVE,
      1,
    );
    const force = values.force === true;
    return withCore(async (core) => {
      const site = await core.services.sites.get(positionals[0]);
      if (!values.yes) {
        if (!process.stdin.isTTY)
          throw usageError(`removing ${site.name} needs --yes when not run on a terminal`, REMOVE);
        const ending = force ? ' and end its unused and active vouchers' : '';
        const where = site.host ? site.host : isRadiusClient(site) ? `RADIUS client ${site.nasAddress}` : '';
        const question = `Remove the site ${site.name}${where ? ` (${where})` : ''}${ending}?`;
        if (!(await confirmed(question, 'Nothing was changed.'))) return 1;
      }
      const removed = await core.services.sites.remove(site.id, cliActor(), { force });
      if (values.json) printJson({ site: { id: removed.id, name: removed.name }, ended: removed.ended });
      else print(`Removed site ${removed.name}.${endedText(removed.ended)}`);
      return 0;
    });
  },
};

const LOGIN_PAGE = `Usage: pisonet sites login-page SITE [--portal URL] [--out FILE]

Prints the hotspot login page for a site's router (docs/router-login.html with the portal's address and the
site's name filled in): upload it to that router as hotspot/login.html, so the portal knows which router each
customer is on. --portal: the portal's address as phones reach it (default PORTAL_URL). --out: write it to a
file instead of printing it.`;

const loginPage: CommandDef = {
  name: 'sites login-page',
  summary: "a site's hotspot login.html, to upload to its router",
  usage: LOGIN_PAGE,
  async run(args) {
    const { values, positionals } = parseCommand(args, optionSpec(['portal', 'out']), LOGIN_PAGE, 1);
    return withCore(async (core) => {
      const site = await core.services.sites.get(positionals[0]);
      const base = typeof values.portal === 'string' ? values.portal : core.config.portalUrl;
      if (!base)
        throw usageError(
          'the portal address is not known: set PORTAL_URL in .env or pass --portal URL',
          LOGIN_PAGE,
        );
      const page = siteLoginPage(base, site.name);
      if (typeof values.out === 'string') {
        writeOperatorFile(values.out, page);
        print(`Wrote ${values.out}: upload it to ${site.name}'s router as hotspot/login.html.`);
      } else process.stdout.write(page);
      return 0;
    });
  },
};

const addresses: CommandDef = {
  name: 'sites addresses',
  summary: "the fixed addresses a site's subscribers hold",
  usage: ADDRESSES,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, ADDRESSES, 1);
    return withCore(async (core) => {
      const site = await core.services.sites.get(positionals[0]);
      const a = addressesJson(await core.services.subscribers.addresses(site.id));
      if (values.json) {
        printJson({ site: { id: site.id, name: site.name }, ...a }, { api: true });
        return 0;
      }
      print(
        a.pool
          ? `Site ${site.name}: static pool ${a.pool}, ${a.used} used, ${a.free} free${a.on_router ? `, ${a.on_router} held by the router (its pools, its own or its secrets' addresses: auto skips them)` : ''}.`
          : `Site ${site.name}: no static pool (pisonet sites edit ${site.name} --static-pool 10.20.0.0/24).`,
      );
      if (a.addresses.length)
        print(
          table(a.addresses, [
            { header: 'ADDRESS', get: (x) => x.ip },
            { header: 'ACCOUNT', get: (x) => x.subscriber.account_no },
            { header: 'USERNAME', get: (x) => x.subscriber.username },
            { header: 'NAME', get: (x) => x.subscriber.name, shrink: true },
          ]),
        );
      return 0;
    });
  },
};

export const siteCommands: CommandDef[] = [list, add, edit, remove, loginPage, addresses];
