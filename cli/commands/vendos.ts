/** `pisonet vendos list|add|update|remove|rotate-secret|collect`: coin vendos from the terminal, on the same services as the admin. */
import { ValidationError } from '../../src/domain/errors';
import { formatMoney, formatDurationHuman } from '../../src/domain/units';
import type { CollectionView, VendoInput, VendoView } from '../../src/services/shop/vendos/types';
import { collectionJson, vendoJson } from '../../src/services/shop/vendos/json';
import { parseRateLines } from '../../src/services/shop/vendos/rate-lines';
import { confirmed } from '../lib/ask';
import { parseCommand, optionSpec } from '../lib/args';
import { cliActor } from '../lib/context';
import { table } from '../lib/table';
import { CommandDef, parseConfirmable, print, printJson, siteOption, withCore } from './shared';

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

const REMOVE = `Usage: pisonet vendos remove VENDO_ID [--yes] [--json]

Forgets a vendo that was never used (registered by mistake). One that has opened a coin window, taken a coin
or had its box collected is refused: its history stays in the coin ledger; switch it off instead
(pisonet vendos update VENDO_ID --enabled false). Asks first unless --yes (without a terminal, --yes is required).`;

const ROTATE = `Usage: pisonet vendos rotate-secret VENDO_ID [--json]

A new secret for the vendo, printed once; the old one stops working at once.`;

const COLLECT = `Usage: pisonet vendos collect VENDO_ID --counted PESOS [--note TEXT] [--json]

Records a cash-box collection: what you counted against what the coin ledger says the box holds since the last one.`;

/** `5m ago`, `3h ago`, `2d ago`, `never`: when a vendo last polled. */
export function lastSeen(at: number | null, now: number): string {
  if (at === null) return 'never';
  const s = Math.max(0, Math.floor((now - at) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/** Where a vendo sells, and its state: as the list, the commands and the menu say them. */
export const vendoWhere = (v: VendoView) => (v.site ? `${v.site.name} only` : 'every site');
export const vendoState = (v: VendoView) =>
  !v.enabled ? 'off' : v.online ? (v.busy ? 'in use' : 'online') : 'offline';

/** A collection as recorded: counted against what the ledger expected. */
export const collectionText = (c: CollectionView) =>
  `Collection recorded: counted ${formatMoney(c.counted)}, the ledger expected ${formatMoney(c.expected)}` +
  (c.difference === 0
    ? ' (matches).'
    : ` (${c.difference > 0 ? 'over' : 'short'} by ${formatMoney(Math.abs(c.difference))}).`);

/**
 * The vendo list as the command and the menu print it (the number of coins in each box is in --json; the
 * table gives their money, IN BOX, and leaves room for when each vendo was last seen). `site`: a SITE column (the shop has several sites, or
 * a vendo sells on one only); `id`: the ID column (the commands take it; the menu picks by name instead).
 */
export function vendoTable(vendos: VendoView[], opts: { now: number; site?: boolean; id?: boolean }): string {
  return table(vendos, [
    ...(opts.id === false ? [] : [{ header: 'ID', get: (v: VendoView) => v.id }]),
    { header: 'NAME', get: (v) => v.name, shrink: true },
    { header: 'STATUS', get: vendoState },
    ...(opts.site || vendos.some((v) => v.site) ? [{ header: 'SITE', get: vendoWhere }] : []),
    { header: 'PROFILE', get: (v) => v.profile },
    {
      header: 'RATES',
      get: (v) =>
        v.rates.map((r) => `₱${r.amount / 100}=${formatDurationHuman(r.seconds).replace(' ', '')}`).join(' '),
      shrink: true,
    },
    { header: 'IN BOX', get: (v) => formatMoney(v.cash.expected), align: 'right' },
    { header: 'LAST SEEN', get: (v) => lastSeen(v.lastSeenAt, opts.now) },
  ]);
}

const list: CommandDef = {
  name: 'vendos list',
  summary: 'coin vendos, online or not, cash in each box',
  usage: LIST,
  async run(args) {
    const { values } = parseCommand(args, optionSpec(['site'], ['json']), LIST);
    return withCore(async (core) => {
      const vendos = await core.services.vendos.list({ siteId: await siteOption(core, values) });
      if (values.json) printJson({ vendos: vendos.map(vendoJson) }, { api: true });
      else if (!vendos.length) print('No vendos yet: pisonet vendos add --help');
      else {
        const site = (await core.services.sites.names()).length > 1;
        print(vendoTable(vendos, { now: core.clock.now(), site }));
      }
      return 0;
    });
  },
};

export function showSecret(v: VendoView, secret: string, json: boolean, what: string): void {
  if (json) return printJson({ vendo: { ...vendoJson(v), secret } }, { api: true });
  print(`${what} ${v.name} (${v.id}).`);
  print(`  vendo id: ${v.id}`);
  print(`  secret:   ${secret}`);
  print('Put both in the board now: the secret is shown only this once.');
}

/** The options `vendos add` and `vendos update` share (update also takes --enabled). */
const VENDO_OPTIONS = optionSpec(['name', 'profile', 'rates', 'location', 'window', 'site'], ['json']);

/** The options as typed (the flags of `vendos add` / `update`, and the menu's answers). */
export interface VendoFlags {
  name?: string;
  profile?: string;
  rates?: string;
  location?: string;
  window?: string;
  /** A site's id or name; `shared` for every site. */
  site?: string;
  enabled?: string;
}

/**
 * What `vendos add` / `update` and the menu's Add and Edit send the service: the rate lines parsed as the
 * admin's form parses them (bad lines: ValidationError `rates`); the service checks everything else. `given`
 * (an edit): only what was given, the rest stays; else every field, a missing one reported by the service.
 */
export function vendoInput(values: VendoFlags, given = false): VendoInput {
  let rates: ReturnType<typeof parseRateLines> | undefined;
  if (typeof values.rates === 'string' || !given) {
    rates = parseRateLines(values.rates ?? '');
    if (typeof rates === 'string') throw new ValidationError('rates', rates);
  }
  const field = (k: keyof VendoInput, v: unknown) => (v === undefined ? {} : { [k]: v });
  return {
    ...field('name', values.name),
    ...field('profile', values.profile),
    ...field('rates', rates),
    ...field('location', values.location),
    ...field('window_seconds', values.window),
    ...field('site', values.site),
    ...field('enabled', values.enabled),
  };
}

/** The parsed options, as strings (booleans such as --json left out). */
const flags = (values: Record<string, unknown>): VendoFlags =>
  Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === 'string')) as VendoFlags;

const add: CommandDef = {
  name: 'vendos add',
  summary: 'register a vendo (prints its secret once)',
  usage: ADD,
  async run(args) {
    const { values } = parseCommand(args, VENDO_OPTIONS, ADD);
    const input = vendoInput(flags(values));
    return withCore(async (core) => {
      const { vendo, secret } = await core.services.vendos.create(input, cliActor());
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
    const { values, positionals } = parseCommand(args, { json: { type: 'boolean' } }, ROTATE, 1);
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
    const { values, positionals } = parseCommand(args, optionSpec(['counted', 'note'], ['json']), COLLECT, 1);
    return withCore(async (core) => {
      const c = await core.services.vendos.collect(
        positionals[0],
        { counted: values.counted, note: values.note },
        cliActor(),
      );
      if (values.json) printJson({ collection: collectionJson(c) }, { api: true });
      else print(collectionText(c));
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
      1,
    );
    // Only what was given: the service leaves the rest as it is.
    const input = vendoInput(flags(values), true);
    return withCore(async (core) => {
      const v = await core.services.vendos.update(positionals[0], input, cliActor());
      if (values.json) printJson({ vendo: vendoJson(v) }, { api: true });
      else print(`Vendo ${v.name} (${v.id}) saved; it sells on ${vendoWhere(v)}.`);
      return 0;
    });
  },
};

const remove: CommandDef = {
  name: 'vendos remove',
  summary: 'forget a vendo that was never used (one with coins: switch it off)',
  usage: REMOVE,
  async run(args) {
    const { values, positionals } = parseConfirmable(args, REMOVE, 'remove a vendo');
    return withCore(async (core) => {
      const v0 = await core.services.vendos.get(positionals[0]);
      if (!values.yes && !(await confirmed(`Remove the vendo ${v0.name} (${v0.id})?`))) return 1;
      const v = await core.services.vendos.remove(v0.id, cliActor());
      if (values.json) printJson({ removed: vendoJson(v) }, { api: true });
      else print(`Vendo ${v.name} (${v.id}) removed.`);
      return 0;
    });
  },
};

export const vendoCommands: CommandDef[] = [list, add, update, remove, rotate, collect];
