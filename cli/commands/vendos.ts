/** `pisonet vendos list|add|rotate-secret|collect`: coin vendos from the terminal, on the same services as the admin. */
import { ValidationError } from '../../src/domain/errors';
import { formatMoney, formatDurationHuman } from '../../src/domain/units';
import type { VendoView } from '../../src/services/vendos/types';
import { collectionJson, vendoJson } from '../../src/web/admin/api-vendos';
import { parseRateLines } from '../../src/web/admin/pages/vendos';
import { parseCommand } from '../lib/args';
import { cliActor } from '../lib/context';
import { table } from '../lib/table';
import { CommandDef, print, printJson, siteOption, withCore } from './shared';

const LIST = `Usage: pisonet vendos list [--site SITE] [--json]

The shop's coin vendos: online or not, rates, and the cash each box should hold since its last collection.
--site: the vendos selling on that site (the shared ones and its own; its id or name).`;

const ADD = `Usage: pisonet vendos add --name NAME --profile PROFILE --rates "1=10m,5=1h,10=3h" [--location TEXT] [--window SECONDS]
                         [--site SITE] [--json]

Registers a vendo and prints its id and secret ONCE (for the board's sketch). --rates: pesos = time, comma- or
newline-separated; customers get the most time for what they insert, combining lines. --site: it sells only to
phones on that site's router (its id or name); without it, it sells on every site (shared).`;

const UPDATE = `Usage: pisonet vendos update VENDO_ID [--name NAME] [--profile PROFILE] [--rates "1=10m,5=1h"] [--location TEXT]
                            [--window SECONDS] [--site SITE|shared] [--enabled true|false] [--json]

Changes what is given; the rest stays. --site shared: it sells on every site again.`;

const ROTATE = `Usage: pisonet vendos rotate-secret VENDO_ID [--json]

A new secret for the vendo, printed once; the old one stops working at once.`;

const COLLECT = `Usage: pisonet vendos collect VENDO_ID --counted PESOS [--note TEXT] [--json]

Records a cash-box collection: what you counted against what the coin ledger says the box holds since the last one.`;

function vendoTable(vendos: VendoView[]): string {
  return table(vendos, [
    { header: 'ID', get: (v) => v.id },
    { header: 'NAME', get: (v) => v.name, shrink: true },
    {
      header: 'STATUS',
      get: (v) => (!v.enabled ? 'off' : v.online ? (v.busy ? 'in use' : 'online') : 'offline'),
    },
    // Shown when a vendo sells on one site only.
    ...(vendos.some((v) => v.site)
      ? [{ header: 'SITE', get: (v: VendoView) => (v.site ? `${v.site.name} only` : 'every site') }]
      : []),
    { header: 'PROFILE', get: (v) => v.profile },
    {
      header: 'RATES',
      get: (v) =>
        v.rates.map((r) => `₱${r.amount / 100}=${formatDurationHuman(r.seconds).replace(' ', '')}`).join(' '),
      shrink: true,
    },
    { header: 'IN BOX', get: (v) => formatMoney(v.cash.expected), align: 'right' },
    { header: 'COINS', get: (v) => String(v.cash.coins), align: 'right' },
  ]);
}

const list: CommandDef = {
  name: 'vendos list',
  summary: 'coin vendos, online or not, cash in each box',
  usage: LIST,
  async run(args) {
    const { values } = parseCommand(args, { site: { type: 'string' }, json: { type: 'boolean' } }, LIST, {
      min: 0,
      max: 0,
    });
    return withCore(async (core) => {
      const vendos = await core.services.vendos.list({ siteId: await siteOption(core, values) });
      if (values.json) printJson({ vendos: vendos.map(vendoJson) });
      else print(vendos.length ? vendoTable(vendos) : 'No vendos yet: pisonet vendos add --help');
      return 0;
    });
  },
};

function showSecret(v: VendoView, secret: string, json: boolean, what: string): void {
  if (json) return printJson({ vendo: { ...vendoJson(v), secret } });
  print(`${what} ${v.name} (${v.id}).`);
  print(`  vendo id: ${v.id}`);
  print(`  secret:   ${secret}`);
  print('Put both in the board now: the secret is shown only this once.');
}

/** The options `vendos add` and `vendos update` share (update also takes --enabled). */
const VENDO_OPTIONS = {
  name: { type: 'string' },
  profile: { type: 'string' },
  rates: { type: 'string' },
  location: { type: 'string' },
  window: { type: 'string' },
  site: { type: 'string' },
  json: { type: 'boolean' },
} as const;

const add: CommandDef = {
  name: 'vendos add',
  summary: 'register a vendo (prints its secret once)',
  usage: ADD,
  async run(args) {
    const { values } = parseCommand(args, VENDO_OPTIONS, ADD, { min: 0, max: 0 });
    const rates = parseRateLines(typeof values.rates === 'string' ? values.rates : '');
    if (typeof rates === 'string') throw new ValidationError('rates', rates);
    return withCore(async (core) => {
      const { vendo, secret } = await core.services.vendos.create(
        {
          name: values.name,
          profile: values.profile,
          rates,
          location: values.location,
          window_seconds: values.window,
          ...(typeof values.site === 'string' ? { site: values.site } : {}),
        },
        cliActor(),
      );
      showSecret(vendo, secret, values.json === true, 'Added');
      return 0;
    });
  },
};

const rotate: CommandDef = {
  name: 'vendos rotate-secret',
  summary: 'a new secret for a vendo (the old one stops working)',
  usage: ROTATE,
  async run(args) {
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, ROTATE, {
      min: 1,
      max: 1,
    });
    return withCore(async (core) => {
      const { vendo, secret } = await core.services.vendos.rotateSecret(positionals[0], cliActor());
      showSecret(vendo, secret, values.json === true, 'New secret for');
      return 0;
    });
  },
};

const collect: CommandDef = {
  name: 'vendos collect',
  summary: 'record a cash-box collection against the coin ledger',
  usage: COLLECT,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { counted: { type: 'string' }, note: { type: 'string' }, json: { type: 'boolean' } },
      COLLECT,
      { min: 1, max: 1 },
    );
    return withCore(async (core) => {
      const c = await core.services.vendos.collect(
        positionals[0],
        { counted: values.counted, note: values.note },
        cliActor(),
      );
      if (values.json) printJson({ collection: collectionJson(c) });
      else
        print(
          `Collection recorded: counted ${formatMoney(c.counted)}, the ledger expected ${formatMoney(c.expected)}` +
            (c.difference === 0
              ? ' (matches).'
              : ` (${c.difference > 0 ? 'over' : 'short'} by ${formatMoney(Math.abs(c.difference))}).`),
        );
      return 0;
    });
  },
};

const update: CommandDef = {
  name: 'vendos update',
  summary: 'change a vendo: name, profile, rates, window, site, on or off',
  usage: UPDATE,
  async run(args) {
    const { values, positionals } = parseCommand(
      args,
      { ...VENDO_OPTIONS, enabled: { type: 'string' } },
      UPDATE,
      { min: 1, max: 1 },
    );
    let rates: ReturnType<typeof parseRateLines> | undefined;
    if (typeof values.rates === 'string') {
      rates = parseRateLines(values.rates);
      if (typeof rates === 'string') throw new ValidationError('rates', rates);
    }
    // Only what was given: the service leaves the rest as it is.
    const given = (k: string, v: unknown) => (v === undefined ? {} : { [k]: v });
    return withCore(async (core) => {
      const v = await core.services.vendos.update(
        positionals[0],
        {
          ...given('name', values.name),
          ...given('profile', values.profile),
          ...given('rates', rates),
          ...given('location', values.location),
          ...given('window_seconds', values.window),
          ...given('site', values.site),
          ...given('enabled', values.enabled),
        },
        cliActor(),
      );
      if (values.json) printJson({ vendo: vendoJson(v) });
      else
        print(
          `Vendo ${v.name} (${v.id}) saved; it sells on ${v.site ? `${v.site.name} only` : 'every site'}.`,
        );
      return 0;
    });
  },
};

export const vendoCommands: CommandDef[] = [list, add, update, rotate, collect];
