/**
 * `pisonet subscribers list|add|show|edit|activate|suspend|resume|remove|import` (import: subscribers-import.ts):
 * subscribers on monthly plans from the terminal, on the same service as the admin API. A subscriber is named by its id or its username. --json prints the API's
 * shape in camelCase, the plan's fee in pesos with `priceCentavos` beside it.
 */
import { confirmAction } from '../lib/ask';
import { formatBytes, formatDurationHuman, formatMoney, formatRateHuman } from '../../src/domain/units';
import { subscriberJson } from '../../src/services/subscriptions/subscribers/json';
import type { SubscriberView } from '../../src/services/subscriptions/subscribers/types';
import type { Core } from '../../src/core';
import { parseCommand, optionSpec, YES_OPTION } from '../lib/args';
import { cliActor } from '../lib/context';
import { withSiteRouter } from '../lib/site-router';
import { table } from '../lib/table';
import { CommandDef, parseConfirmable, print, printJson, withCore, yesConfirms } from './shared';
import { importCmd } from './subscribers-import';

const LIST = `Usage: pisonet subscribers list [--status scheduled|active|suspended|ended] [--json]

Subscribers on monthly plans, by account number: plan, billing day, status and this cycle's data.`;

const ADD = `Usage: pisonet subscribers add --name NAME [--mobile 09XXXXXXXXX] --profile PLAN --billing-day 1-28 --username USER
                              [--password PASS] [--site SITE] [--starts-on YYYY-MM-DD] [--language en|fil]
                              [--address TEXT] [--paid-until YYYY-MM-DD] [--opening-balance PESOS]
                              [--opening-due-on YYYY-MM-DD] [--static-ip IP|auto] [--yes] [--json]

Adds a subscriber on a monthly plan. Without --password one is made (16 letters and digits) and printed: it will
be the router's PPPoE password. --site: its id or name (default: the default site).

When billing starts (customers moving over from another system):
  --starts-on        customer since (default today). In the past it bills nothing before today; in the future
                     the subscriber is scheduled (no secret, no invoice) until 00:00 that day.
  --paid-until       the last day already paid: the first invoice covers from the day after, issued that day.
  --opening-balance  what the customer still owes (pesos): one invoice "Balance brought forward", issued today,
  --opening-due-on   due on this date (default: today + the days to pay).
  --yes              an opening balance above six months of the plan's fee is refused as a likely typo
                     (CONFIRM_REQUIRED) unless this says it is meant.

--static-ip: a fixed address, or auto for the lowest free one of the site's static pool (checked against the
router's /ip/pool ranges and own addresses, read now: the router must answer).`;

const SHOW = `Usage: pisonet subscribers show ID|USERNAME [--json]

One subscriber: its plan, password, billing cycle and this cycle's data.`;

const EDIT = `Usage: pisonet subscribers edit ID|USERNAME [--name NAME] [--mobile NUMBER] [--profile PLAN] [--password PASS]
                                    [--language en|fil] [--address TEXT] [--billing-day 1-28]
                                    [--static-ip IP|auto|""] [--json]

Changes what is given; the rest stays. A new billing day applies from the next billing cycle. A new fixed
address ends a running session once, so it dials again onto it; --static-ip "" takes it off.`;

const SUSPEND = `Usage: pisonet subscribers suspend ID|USERNAME --reason TEXT [--until-paid] [--json]

Suspends the service (the reason, 1-200 characters, is kept and shown to the customer with the shop's contact).
pisonet subscribers resume brings it back. --until-paid: billing brings it back by itself once nothing is past
due, as its own suspensions (refused while nothing is past due).`;

const ACTIVATE = `Usage: pisonet subscribers activate ID|USERNAME [--json]

Starts a scheduled subscriber's service now (installed early): active, its secret goes to the router, billed
from today. Without it, a scheduled subscriber starts by itself at 00:00 on its --starts-on day.`;

const RESUME = `Usage: pisonet subscribers resume ID|USERNAME [--json]

Resumes a suspended subscriber.`;

const REMOVE = `Usage: pisonet subscribers remove ID|USERNAME [--yes] [--json]

Ends the service for good: the subscriber is kept as "ended" with its history and cannot be resumed. Asks first
unless --yes (without a terminal, --yes is required).`;

const FIELDS = optionSpec(
  ['name', 'mobile', 'profile', 'billing-day', 'password', 'language', 'address', 'static-ip'],
  ['json'],
);

/** The flags as the service's (the API's) fields; only those given. */
function input(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, v] of Object.entries(values)) if (typeof v === 'string') out[flag.replace(/-/g, '_')] = v;
  return out;
}

/**
 * A fixed address is checked against its site's router. The terminal holds the default site's connection; for
 * another site it connects to that router for the command (as `--site` commands do), then lets it go.
 */
const onSiteOf = <T>(core: Core, site: string | number | undefined, run: () => Promise<T>): Promise<T> =>
  site === undefined ? run() : withSiteRouter(core, String(site), run);

/** `162.4 MB of 200.0 GB`: both sides in the same units, as the admin pages write them. */
export const usageText = (s: Pick<SubscriberView, 'usage'>) =>
  s.usage.capBytes === null
    ? formatBytes(s.usage.countedBytes)
    : `${formatBytes(s.usage.countedBytes)} of ${formatBytes(s.usage.capBytes)}`;

/** `online 10.10.0.2, up 1h 5m, 800 kbps down / 400 kbps up`, or `offline`: as the poll last read it. */
export const sessionText = (s: Pick<SubscriberView, 'session'>) => {
  const x = s.session;
  if (!x.online) return 'offline';
  const rate = x.rate ? `, ${formatRateHuman(x.rate.down)} down / ${formatRateHuman(x.rate.up)} up` : '';
  return `online ${x.address ?? '(no address)'}, up ${formatDurationHuman(x.uptimeSeconds ?? 0)}${rate}`;
};

export function subscriberTable(list: SubscriberView[]): string {
  return table(list, [
    { header: 'ACCOUNT', get: (s) => s.accountNo },
    { header: 'ID', get: (s) => String(s.id), align: 'right' },
    { header: 'NAME', get: (s) => s.name, shrink: true },
    { header: 'USERNAME', get: (s) => s.username },
    { header: 'PLAN', get: (s) => s.profile },
    { header: 'DAY', get: (s) => String(s.billingDay), align: 'right' },
    { header: 'STATUS', get: (s) => s.status },
    { header: 'THIS CYCLE', get: (s) => `${s.cycle.start}..${s.cycle.end} ${usageText(s)}`, shrink: true },
  ]);
}

function show(s: SubscriberView, json: boolean, what?: string): void {
  if (json) return printJson({ subscriber: subscriberJson(s, { withPassword: true }) }, { api: true });
  if (what) print(`${what} ${s.accountNo}: ${s.name} (id ${s.id}).`);
  const next = s.billingDayNext ? ` (${s.billingDayNext.day} from ${s.billingDayNext.from})` : '';
  print(`  username:    ${s.username}`);
  print(`  password:    ${s.password}`);
  print(`  mobile:      ${s.mobile || '(none: no SMS)'}`);
  print(`  plan:        ${s.profile}, ${formatMoney(s.price)} a month`);
  print(`  site:        ${s.site.name}`);
  const until =
    s.suspension?.cause === 'manual' ? (s.suspension.untilPaid ? ', until paid' : ', until resumed') : '';
  print(`  status:      ${s.status}${s.statusReason ? ` (${s.statusReason})` : ''}${until}`);
  print(`  session:     ${sessionText(s)}`);
  if (s.staticIp) print(`  fixed address: ${s.staticIp}`);
  print(`  billing day: ${s.billingDay}${next}`);
  print(`  this cycle:  ${s.cycle.start} to ${s.cycle.end}, ${usageText(s)} used`);
  print(`  starts on:   ${s.startsOn}; language ${s.language}${s.address ? `; ${s.address}` : ''}`);
  if (s.paidUntil) print(`  paid until:  ${s.paidUntil} (billed from the day after)`);
  if (s.openingBalance)
    print(`  opening:     ${formatMoney(s.openingBalance)} brought forward, due ${s.openingDueOn ?? ''}`);
}

const one = (args: string[], text: string, extra = {}) =>
  parseCommand(args, { json: { type: 'boolean' }, ...extra }, text, 1);

const list: CommandDef = {
  name: 'subscribers list',
  summary: 'subscribers on monthly plans, their status and this cycle',
  usage: LIST,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['status'], ['json']), LIST);
    return withCore(async (core) => {
      const all = await core.services.subscribers.list({ status: values.status });
      if (values.json)
        printJson({ subscribers: all.map((s) => subscriberJson(s, { withPassword: true })) }, { api: true });
      else if (!all.length) print('No subscribers yet: pisonet subscribers add --help');
      else print(subscriberTable(all));
      return 0;
    });
  },
};

const add: CommandDef = {
  name: 'subscribers add',
  summary: 'add a subscriber on a monthly plan',
  usage: ADD,
  async run(args) {
    const opts = {
      ...FIELDS,
      ...optionSpec(['username', 'site', 'starts-on', 'paid-until', 'opening-balance', 'opening-due-on']),
      ...YES_OPTION,
    };
    const { values } = parseCommand(args, opts, ADD);
    return withCore(async (core) => {
      const site = values['static-ip'] ? (values.site as string | undefined) : undefined;
      const { yes, ...fields } = values;
      const s = await onSiteOf(core, site, () =>
        core.services.subscribers
          .create(input(fields), cliActor(), { confirmed: yes === true })
          .catch(yesConfirms),
      );
      show(s, values.json === true, 'Added');
      return 0;
    });
  },
};

const showCmd: CommandDef = {
  name: 'subscribers show',
  summary: 'one subscriber, with its password and billing cycle',
  usage: SHOW,
  async run(args) {
    const { values, positionals } = one(args, SHOW);
    return withCore(async (core) => {
      const s = await core.services.subscribers.get(positionals[0]);
      if (!values.json) print(`${s.accountNo}: ${s.name} (id ${s.id})`);
      show(s, values.json === true);
      return 0;
    });
  },
};

const edit: CommandDef = {
  name: 'subscribers edit',
  summary: "change a subscriber's details, plan or billing day",
  usage: EDIT,
  async run(args) {
    const { values, positionals } = parseCommand(args, FIELDS, EDIT, 1);
    return withCore(async (core) => {
      const svc = core.services.subscribers;
      const site = values['static-ip'] ? (await svc.get(positionals[0])).site.id : undefined;
      const s = await onSiteOf(core, site, () => svc.update(positionals[0], input(values), cliActor()));
      show(s, values.json === true, 'Saved');
      return 0;
    });
  },
};

const suspend: CommandDef = {
  name: 'subscribers suspend',
  summary: 'suspend a subscriber, with a reason',
  usage: SUSPEND,
  async run(args) {
    const { values, positionals } = one(args, SUSPEND, optionSpec(['reason'], ['until-paid']));
    return withCore(async (core) => {
      const s = await core.services.subscribers.suspend(
        positionals[0],
        values.reason,
        cliActor(),
        values['until-paid'] === true,
      );
      show(s, values.json === true, 'Suspended');
      return 0;
    });
  },
};

/** A command that moves one subscriber by a named step (activate, resume) and shows the result. */
function step(verb: 'activate' | 'resume', summary: string, usage: string, done: string): CommandDef {
  return {
    name: `subscribers ${verb}`,
    summary,
    usage,
    async run(args) {
      const { values, positionals } = one(args, usage);
      return withCore(async (core) => {
        show(await core.services.subscribers[verb](positionals[0], cliActor()), values.json === true, done);
        return 0;
      });
    },
  };
}

const activate = step(
  'activate',
  "start a scheduled subscriber's service now, billed from today",
  ACTIVATE,
  'Activated',
);
const resume = step('resume', 'resume a suspended subscriber', RESUME, 'Resumed');

const remove: CommandDef = {
  name: 'subscribers remove',
  summary: "end a subscriber's service (kept as ended)",
  usage: REMOVE,
  async run(args) {
    const { values, positionals } = parseConfirmable(args, REMOVE, 'end a subscriber');
    return withCore(async (core) => {
      const s0 = await core.services.subscribers.get(positionals[0]);
      if (
        !values.yes &&
        !(await confirmAction(`End the service of ${s0.accountNo} (${s0.name})? It cannot be resumed.`))
      )
        return 1;
      show(await core.services.subscribers.end(s0.id, cliActor()), values.json === true, 'Ended');
      return 0;
    });
  },
};

export const subscriberCommands: CommandDef[] = [
  list,
  add,
  showCmd,
  edit,
  activate,
  suspend,
  resume,
  remove,
  importCmd,
];
