/**
 * `pisonet router setup --check|--apply`: what the product needs of a site's router, each item ok, missing or
 * wrong with the RouterOS command that fixes it; `--apply` makes them ok (src/services/network/router-setup).
 * Exit codes: 0 all ok, 3 something needs fixing (or no hotspot server), 1 an error or a refused change,
 * 2 `--apply` without `--yes` and without a terminal (nothing changed).
 */
import { confirmAction } from '../lib/ask';
import type { SetupItem } from '../../src/router/setup-plan';
import { out } from '../lib/ansi';
import { setupChangeText, setupItemsText as itemsText } from '../lib/setup-render';
import { parseCommand, usageError, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { leaveDemoRouterToOwner } from '../../src/demo/router-setup';
import { siteValue } from '../lib/site-router';
import { CommandDef, print, printJson, withCore, withSiteCore } from './shared';

const USAGE = `Usage: pisonet router setup --check [--site SITE] [--json]
       pisonet router setup --apply [--yes] [--only ID,...] [--site SITE] [--json]

Checks the router for what PisoNet Manager needs (the hotspot, the vouchers' user profile, the walled garden,
the login page, FastTrack; on RADIUS sites the RADIUS client; the controller's bypass and the API service
where they apply) and prints each item as ok, missing or wrong, with the RouterOS command that fixes it.
--check only reads. --apply makes every fixable item ok and prints each change; entries without "pisonet" in
their comment are never changed (except the FastTrack rule, which is disabled).
  --check       read only (the default)
  --apply       fix what is not ok
  --yes         apply without asking (needed without a terminal)
  --only IDS    only these items, e.g. --only walled-garden,login-page
  --site SITE   a site's router (its name or id) instead of the .env router (site "default")
  --json        {"ok", "items": [{"id", "state", "detail", "fix"}]} (and "changes" after --apply)
Exit: 0 all ok, 3 something needs fixing, 1 an error, 2 --apply without --yes and without a terminal.`;

const needsFix = (items: { state: string }[]): boolean => items.some((i) => i.state !== 'ok');

const setup: CommandDef = {
  name: 'router setup',
  summary: 'check the router for what the product needs, and fix it (--check, --apply)',
  usage: USAGE,
  async run(args) {
    const { values } = parseCommand(
      args,
      optionSpec(['only', 'site'], ['check', 'apply', 'yes', 'json']),
      USAGE,
    );
    if (values.check && values.apply) throw usageError('use --check or --apply, not both', USAGE);
    const only =
      typeof values.only === 'string'
        ? values.only
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    if (only && !values.apply) throw usageError('--only goes with --apply', USAGE);
    return withSiteCore(siteValue(values), async (s, core) => {
      const { service } = core.services.routerSetup;
      const wants = await core.services.routerSetup.wantsFor(s.site.id);
      if (!values.apply) {
        const report = await service.check(s.router, wants);
        if (values.json) printJson(report);
        else print(itemsText(report.items));
        return report.ok ? 0 : 3;
      }
      const planned: SetupItem[] = await service.plan(s.router, wants, only);
      const hotspotMissing = planned.some((i) => i.id === 'hotspot' && i.state !== 'ok');
      const todo = planned.filter((i) => i.writes.length > 0);
      if (hotspotMissing || !todo.length) {
        const view = planned.map(({ id, state, detail, fix }) => ({ id, state, detail, fix }));
        if (values.json) printJson({ ok: !needsFix(view), items: view, changes: [] });
        else {
          print(itemsText(view));
          if (!hotspotMissing) print(out.green('Nothing to change.'));
          else print(out.yellow('Nothing was changed: set the hotspot up first (/ip hotspot setup).'));
        }
        return needsFix(view) ? 3 : 0;
      }
      if (!values.yes) {
        const commands = todo.flatMap((i) => i.writes.map((w) => `  ${i.id}: ${w.shown}`)).join('\n');
        if (!process.stdin.isTTY) {
          process.stderr.write(
            `Would change:\n${commands}\nNothing was changed: add --yes to apply without a terminal.\n`,
          );
          return 2;
        }
        print(`Will change:\n${commands}`);
        if (!(await confirmAction('Apply these changes to the router?'))) return 2;
      }
      const result = await service.apply(s.router, wants, { actor: cliActor(), site: s.site.name, only });
      if (values.json) printJson(result);
      else {
        for (const c of result.changes) print(setupChangeText(c));
        print(itemsText(result.items));
        if (result.failed)
          print(
            out.red(
              `Stopped at ${result.failed}: the router refused a change; the items after it were not changed.`,
            ),
          );
      }
      if (result.failed) return 1;
      return needsFix(result.items) ? 3 : 0;
    });
  },
};

const DEMO_RESET = `Usage: pisonet router demo-reset [--yes]

Demo mode only: resets the simulated router to a factory-like state to try \`router setup\` on: the hotspot set
up, MikroTik's default FastTrack rule, and nothing of PisoNet's (no walled garden, login page or bypass; the
vouchers' users and queues are gone until the server puts them back). Run it with the server stopped. The
server then leaves the router as it is at its next start (a fresh demo database sets its router up by itself
once): the setup is yours to try.`;

const demoReset: CommandDef = {
  name: 'router demo-reset',
  summary: "demo mode: reset the simulated router to a factory-like state (to try 'router setup')",
  usage: DEMO_RESET,
  async run(args) {
    const { values } = parseCommand(args, { yes: { type: 'boolean' } }, DEMO_RESET);
    return withCore(async (core) => {
      if (!core.config.router.simulated)
        throw usageError(
          "Only the demo's simulated router can be reset (ROUTER_HOST is set: a real router).",
          DEMO_RESET,
        );
      const sim = core.demo?.simulator;
      if (!sim)
        throw usageError(
          `The server is running the demo router (127.0.0.1:${core.config.simulatorPort}): stop the server, run this again, then start the server.`,
          DEMO_RESET,
        );
      if (!values.yes && process.stdin.isTTY) {
        if (!(await confirmAction('Reset the demo router to a factory-like state?'))) return 1;
      }
      await sim.factoryReset();
      await leaveDemoRouterToOwner(core, cliActor());
      print(out.green('The demo router is factory-like: try `npx pisonet router setup --check`.'));
      return 0;
    });
  },
};

export const routerSetupCommands = [setup, demoReset];
