/**
 * `pisonet subscribers adopt`: the router's own PPP secrets (not ours) adopted as subscribers from the terminal, on
 * the same service as the admin (src/services/subscriptions/subscribers/adopt.ts). The terminal connects to the site's router for
 * as long as the command runs, and that site's PPP room's check makes the adopted secrets ours before it ends.
 */
import type { Core } from '../../src/core';
import { ValidationError, ValidationErrors } from '../../src/domain/errors';
import {
  createSubscriberAdopt,
  type AdoptResult,
  type SitePpp,
} from '../../src/services/subscriptions/subscribers/adopt';
import { adoptResultJson } from '../../src/services/subscriptions/subscribers/adopt-json';
import { readAddressing } from '../../src/router/addressing';
import { parseCommand, usageError, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { openSiteRouter, type SiteRouter } from '../lib/site-router';
import { table, type Column } from '../lib/table';
import { CommandDef, print, printJson, withCore, yesConfirms } from './shared';

const ADOPT = `Usage: pisonet subscribers adopt --site SITE --plan PLAN --billing-day 1-28 [--paid-until YYYY-MM-DD]
                                 [--dry-run] [--yes] [--json] [NAME[=MOBILE][:OWED]…]

Adopts the router's own PPP secrets (those without "pisonet" in their comment) as subscribers on PLAN: each keeps
the router's username and password, and the same secret becomes ours (our comment, the plan's profile). A customer
online at the plan's speeds stays online; one at other speeds is disconnected once and dials again at the plan's.
NAME=MOBILE gives the customer's mobile (09XXXXXXXXX; without one, no SMS). :OWED is what the customer still owes
from before, in pesos (one invoice "Balance brought forward"): maria=09171234567:1500, or pedro:850 without a
mobile. An amount above six months of the plan's fee looks like a typo and is refused unless --yes says it is
right. No NAME: every secret not ours. Every secret is checked first: one bad, nothing adopted.
--dry-run: what would change on the router (comment, profile, service, enabled, fixed address, session), nothing done.`;

const OPTIONS = optionSpec(['site', 'plan', 'billing-day', 'paid-until'], ['dry-run', 'yes', 'json']);

/** The adopt service on the site's router, opened by the terminal when the service first asks for it. */
function adoptOn(core: Core, opened: { s?: SiteRouter }) {
  return createSubscriberAdopt({
    db: core.db,
    audit: core.shop.audit,
    subscribers: core.services.subscribers,
    profiles: core.services.profiles,
    sitePpp: async (site): Promise<SitePpp> => {
      const s = (opened.s ??= await openSiteRouter(core, String(site.id)));
      const ppp = s.pppSubscribers;
      return {
        held: () => ppp.held(),
        addressing: () => readAddressing(s.router),
        check: () => ppp.check('secrets adopted'),
      };
    },
  });
}

const SESSION = { offline: 'offline', kept: 'kept online', ended: 'ended once (redials)' } as const;

type Values = ReturnType<typeof parseCommand>['values'];

/** `a=b`'s two sides: what is before the first `sep` and what is after it (undefined: no `sep`). */
function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + sep.length)];
}

/**
 * The request's entries: one per NAME[=MOBILE][:OWED], with the shared plan, day and date (a secret's name has no
 * `=` or `:`; a mobile or an amount none either).
 */
function entriesOf(values: Values, names: string[]): Array<Record<string, unknown>> {
  return names.map((n) => {
    const [named, owed] = splitOnce(n, ':');
    const [name, mobile] = splitOnce(named, '=');
    const e: Record<string, unknown> = { name, plan: values.plan, billing_day: values['billing-day'] };
    if (mobile !== undefined) e.mobile = mobile;
    if (owed !== undefined) e.opening_balance = owed;
    if (values['paid-until'] !== undefined) e.paid_until = values['paid-until'];
    return e;
  });
}

/**
 * The service's problems named by secret, not by `secrets[N]` (an index the terminal never showed): `shortpw: the
 * router's password …`, `inday (mobile): …`.
 */
function bySecret(err: unknown, entries: Array<Record<string, unknown>>): unknown {
  if (!(err instanceof ValidationErrors)) return err;
  const named = err.errors.map((v) => {
    const m = /^secrets\[(\d+)\]\.(.+)$/.exec(v.field);
    const name = m ? entries[Number(m[1])]?.name : undefined;
    if (!m || typeof name !== 'string' || !name) return v;
    return new ValidationError(
      v.field,
      v.problem,
      `${m[2] === 'name' ? name : `${name} (${m[2]})`}: ${v.problem}`,
    );
  });
  return new ValidationErrors(named, 'Nothing adopted');
}

type Change = AdoptResult['secrets'][number];

/** What a secret's own fixed address becomes, for the table. */
const fixedAddress = (s: Change): string =>
  !s.remoteAddress
    ? ''
    : s.remoteAddress.to
      ? `${s.remoteAddress.to} kept`
      : `${s.remoteAddress.from} taken off`;

const fromTo = <T>(c: { from: T; to: T } | undefined, shown: (v: T) => string = String): string =>
  c ? `${shown(c.from)} → ${shown(c.to)}` : '';

/**
 * Every change the service names, a column each (one that no secret has is left out): its account number (a dry
 * run's as it would be drawn), which our comment carries, the comment, profile, service, enabled, fixed address and
 * session.
 */
function changeColumns(secrets: Change[]): Column<Change>[] {
  const enabled = (v: boolean) => (v ? 'disabled' : 'enabled');
  const columns: Array<Column<Change> & { when?: (s: Change) => unknown }> = [
    { header: 'Secret', get: (s) => s.name },
    { header: 'Account', get: (s) => s.comment.to.replace(/^pisonet subscriber /, '') },
    {
      header: 'Comment',
      get: (s) => fromTo({ from: s.comment.from || '(none)', to: s.comment.to }),
      shrink: true,
    },
    { header: 'Profile', get: (s) => fromTo(s.profile), shrink: true },
    { header: 'Service', get: (s) => fromTo(s.service), when: (s) => s.service },
    {
      header: 'Enabled',
      get: (s) => (s.disabled ? `${fromTo(s.disabled, enabled)}, suspended` : ''),
      when: (s) => s.disabled,
    },
    { header: 'Fixed address', get: fixedAddress, when: (s) => s.remoteAddress },
    {
      header: 'Session',
      get: (s) => `${SESSION[s.session]}${s.address ? ` (${s.address})` : ''}`,
    },
  ];
  return columns.filter((c) => !c.when || secrets.some(c.when));
}

function printResult(out: AdoptResult): void {
  print(table(out.secrets, changeColumns(out.secrets)));
  for (const s of out.secrets) {
    if (s.suspended) print(`${s.name}: starts suspended by hand (${s.suspended})`);
    if (s.remoteAddress?.why) print(`${s.name}: ${s.remoteAddress.why}`);
  }
  print(
    out.dryRun
      ? `Dry run: nothing changed. ${out.secrets.length} secret(s) would be adopted.`
      : `${out.secrets.length} secret(s) adopted on site ${out.site.name}; the router ${out.applied === 'done' ? 'is in line' : "follows at the server's next PPP check (within 30 s)"}.`,
  );
}

const adopt: CommandDef = {
  name: 'subscribers adopt',
  summary: "adopt the router's own PPP secrets as subscribers",
  usage: ADOPT,
  async run(args) {
    const { values, positionals } = parseCommand(args, OPTIONS, ADOPT, [0, 2000]);
    for (const o of ['site', 'plan', 'billing-day'] as const)
      if (typeof values[o] !== 'string') throw usageError(`--${o} is required`, ADOPT);
    return withCore(async (core) => {
      const opened: { s?: SiteRouter } = {};
      try {
        const svc = adoptOn(core, opened);
        const names = positionals.length
          ? positionals
          : (await svc.adoptable(values.site)).secrets.filter((s) => !s.takenBy).map((s) => s.name);
        if (!names.length) {
          print('Every PPP secret on this router is ours already: nothing to adopt.');
          return 0;
        }
        const secrets = entriesOf(values, names);
        const request = {
          site: values.site,
          dry_run: values['dry-run'] === true,
          confirm: values.yes === true,
        };
        const out = await svc
          .adopt({ ...request, secrets }, cliActor())
          .catch((err: unknown) => {
            throw bySecret(err, secrets);
          })
          .catch(yesConfirms);
        if (values.json) printJson(adoptResultJson(out));
        else printResult(out);
        return 0;
      } finally {
        await opened.s?.close();
      }
    });
  },
};

export const adoptCommands: CommandDef[] = [adopt];
