/**
 * `pisonet router test|adopt`: whether the terminal reaches a site's router, and binding this database to the
 * router connected now (ending safe mode), through the site's router binding as the admin's Settings do.
 */
import { confirmAction } from '../lib/ask';
import { ValidationError, AppError } from '../../src/domain/errors';
import type { RouterBinding } from '../../src/services/network/router-binding';
import { out } from '../lib/ansi';
import { parseCommand, optionSpec } from '../lib/args';
import { cliActor, routerDownError } from '../lib/context';
import { routerInfoText } from '../lib/render';
import { parseSiteRead, siteValue, withSiteRouter } from '../lib/site-router';
import { CommandDef, print, printJson, withCore, withSiteCore } from './shared';

const ROUTER_TEST = `Usage: pisonet router test [--site SITE] [--json]

Connects to the router and shows identity, version, uptime and the round-trip time.
Exit code 1 when the router cannot be reached.
  --site SITE   a site's router (its name or id) instead of the .env router (site "default")`;

export const routerTest: CommandDef = {
  name: 'router test',
  summary: 'test the router connection',
  usage: ROUTER_TEST,
  async run(args) {
    const values = parseSiteRead(args, ROUTER_TEST);
    return withCore(async (core) => {
      if (values.site !== undefined)
        return withSiteRouter(core, values.site, async (s) => {
          const info = await s.info.test();
          if (values.json) printJson({ site: s.site, ...info });
          else print(`Site ${s.site.name}\n${routerInfoText(info)}`);
          if (!info.error) return 0;
          throw new AppError('ROUTER_ERROR', `The router answered with an error: ${info.error}`, 502);
        });
      const info = await core.services.routerInfo.test();
      if (values.json) printJson(info);
      else print(routerInfoText(info));
      if (!info.error) return 0;
      if (core.router.status.connected)
        throw new AppError('ROUTER_ERROR', `The router answered with an error: ${info.error}`, 502);
      // The connection's own code and wording (wrong password, TLS, refused, timeout), as /healthz shows.
      throw routerDownError(core);
    });
  },
};

const ROUTER_ADOPT = `Usage: pisonet router adopt [--site SITE] [--yes] [--json]

Binds this database to the router connected now, ending safe mode. Safe mode starts when the database
meets a router it does not know: another router at ROUTER_HOST (or at a site's address), or an empty
database meeting a router that already holds PisoNet queues or voucher users. After adopting, the next poll
brings the router to this database's vouchers: queues and voucher users the database does not know are
removed. A running server sees the adoption within a minute. Asks first unless --yes.

  --site SITE   the router of another site (name or id); default: the .env router`;

export const routerAdopt: CommandDef = {
  name: 'router adopt',
  summary: "make the connected router this database's router (ends safe mode)",
  usage: ROUTER_ADOPT,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['site'], ['yes', 'json']), ROUTER_ADOPT);
    return withSiteCore(siteValue(values), (s) =>
      adoptRouter(s.binding, s.isDefault ? undefined : s.site.name, values),
    );
  },
};

/** Checks the site's router, asks (unless --yes) and adopts it; `site` names a site other than default. */
export async function adoptRouter(
  binding: RouterBinding,
  site: string | undefined,
  values: { yes?: boolean; json?: boolean },
): Promise<number> {
  const of = site === undefined ? '' : ` for site ${site}`;
  const before = await binding.check();
  if (before.mode === 'bound' && !values.json) {
    print(`Router "${before.identity ?? '?'}" is already this database's router${of}; nothing to adopt.`);
    return 0;
  }
  if (before.reason && !values.json) print(out.yellow(before.reason.message));
  if (!values.yes) {
    if (!process.stdin.isTTY)
      throw new ValidationError(
        'yes',
        'adopting removes what this database does not know; add --yes to confirm',
      );
    const ok = await confirmAction(`Adopt router "${before.identity ?? '?'}"${of} for this database?`);
    if (!ok) return 1;
  }
  const st = await binding.adopt(cliActor());
  if (values.json)
    printJson({ adopted: true, ...(site ? { site } : {}), routerId: st.routerId, identity: st.identity });
  else
    print(
      out.green(`Router "${st.identity ?? '?'}" adopted${of}; the next poll brings it to this database.`),
    );
  return 0;
}
