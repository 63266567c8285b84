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
import { parseCommand, usageError } from '../lib/args';
import { cliActor } from '../lib/context';
import { openSiteRouter, type SiteRouter } from '../lib/site-router';
import { table } from '../lib/table';
import { CommandDef, print, printJson, withCore } from './shared';

const ADOPT = `Usage: pisonet subscribers adopt --site SITE --plan PLAN --billing-day 1-28 [--paid-until YYYY-MM-DD]
                                 [--dry-run] [--json] [NAME[=MOBILE]…]

Adopts the router's own PPP secrets (those without "pisonet" in their comment) as subscribers on PLAN: each keeps
the router's username and password, and the same secret becomes ours (our comment, the plan's profile). A customer
online at the plan's speeds stays online; one at other speeds is disconnected once and dials again at the plan's.
NAME=MOBILE gives the customer's mobile (09XXXXXXXXX), which every subscriber needs. No NAME: every secret not ours.
Every secret is checked first: one bad, nothing adopted. --dry-run: what would change on the router, nothing done.`;

const OPTIONS = {
  site: { type: 'string' },
  plan: { type: 'string' },
  'billing-day': { type: 'string' },
  'paid-until': { type: 'string' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

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

/** The request's entries: one per NAME[=MOBILE], with the shared plan, day and date. */
function entriesOf(values: Values, names: string[]): Array<Record<string, unknown>> {
  return names.map((n) => {
    const [name, mobile] = n.split('=', 2);
    const e: Record<string, unknown> = { name, plan: values.plan, billing_day: values['billing-day'] };
    if (mobile !== undefined) e.mobile = mobile;
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

/** What a secret's own fixed address becomes, for the table. */
const fixedAddress = (s: AdoptResult['secrets'][number]): string =>
  !s.remoteAddress
    ? ''
    : s.remoteAddress.to
      ? `${s.remoteAddress.to} kept`
      : `${s.remoteAddress.from} taken off`;

function printResult(out: AdoptResult): void {
  print(
    table(out.secrets, [
      { header: 'Secret', get: (s) => s.name },
      // Its account number (a dry run's: as it would be drawn), which the secret's comment will carry.
      { header: 'Account', get: (s) => s.comment.to.replace(/^pisonet subscriber /, '') },
      { header: 'Profile', get: (s) => `${s.profile.from} → ${s.profile.to}`, shrink: true },
      { header: 'Fixed address', get: fixedAddress },
      {
        header: 'Session',
        get: (s) => (s.suspended ? 'suspended (was disabled)' : SESSION[s.session]),
      },
    ]),
  );
  for (const s of out.secrets) if (s.remoteAddress?.why) print(`${s.name}: ${s.remoteAddress.why}`);
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
    const { values, positionals } = parseCommand(args, OPTIONS, ADOPT, { min: 0, max: 2000 });
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
        const out = await svc
          .adopt({ site: values.site, dry_run: values['dry-run'] === true, secrets }, cliActor())
          .catch((err: unknown) => {
            throw bySecret(err, secrets);
          });
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
