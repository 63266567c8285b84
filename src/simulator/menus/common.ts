/**
 * Shared menu machinery: argument parsing into normalised config, and the add/set/remove/enable/disable/
 * comment/move verbs every config menu has.
 */
import {
  CATEGORY,
  CATEGORY_FAILURE,
  msgInvalidValue,
  msgCannotChangeDynamic,
  msgMissingArgument,
  msgNoMatch,
  msgNotSpecified,
  Trap,
} from '../messages';
import type { Row } from '../query';
import type { RouterState } from '../state';
import type { Item, Table } from '../table';
import { ipToInt, normaliseDuration, normaliseMac, parseBool, parseRateLimit, parseUint } from '../values';

export type Args = Map<string, string>;
/**
 * A command handler; the returned string becomes `!done =ret=`. A handler that waits for something (a hotspot
 * login asking a RADIUS server) returns a promise, and its reply comes when it settles.
 */
export type Handler = (args: Args) => string | void | Promise<string | void>;
/**
 * A monitor command (`monitor-traffic`, …): checks its arguments (throwing a Trap) and returns what reads one
 * sample, a `!re` per row. The dispatcher runs it `once`, every `interval` for a `duration`, or until `/cancel`.
 */
export type MonitorHandler = (args: Args) => () => Row[];

export interface SimCore {
  readonly state: RouterState;
  now(): number;
  /** Configuration changed: persist (debounced). */
  configChanged(): void;
  readonly version: string;
}

export interface Menu {
  readonly path: string;
  rows(): Row[];
  readonly commands: Record<string, Handler>;
  readonly monitors?: Record<string, MonitorHandler>;
  /** For `listen`: the table and how to render one item. */
  readonly table?: Table<Item>;
  render?(item: Item): Row;
  /**
   * The rows whose `name` is one of `names`, in list order: what `rows()` filtered by name gives, found without
   * rendering the others (a `print` whose query starts with `?name=` words OR-ed, query.ts nameChain).
   */
  rowsNamed?(names: ReadonlySet<string>): Row[];
}

/** Normalises one argument value to how RouterOS prints it; throws a Trap when it does not parse. */
export type FieldParser = (value: string, arg: string) => string;

/** Refuses an argument's value the way RouterOS does (`invalid value for argument …`, category 1). */
export function invalid(arg: string): never {
  throw new Trap(msgInvalidValue(arg), CATEGORY.argument);
}

/** Refuses a name that matches nothing (`input does not match any value of …`, ✔ category 1). */
export function noMatch(arg: string): never {
  throw new Trap(msgNoMatch(arg), CATEGORY.argument);
}

/** ✔ Refuses an item without a setting it must have (`failure: … not specified`). */
export function required(cfg: Record<string, string>, ...names: string[]): void {
  for (const name of names) if (!cfg[name]) throw new Trap(msgNotSpecified(name), CATEGORY_FAILURE);
}

export const text: FieldParser = (v) => v;
export const bool: FieldParser = (v, arg) => {
  const b = parseBool(v);
  if (b === null) invalid(arg);
  return String(b);
};
export const duration: FieldParser = (v, arg) => normaliseDuration(v) ?? invalid(arg);
export const uint: FieldParser = (v, arg) => (parseUint(v) === null ? invalid(arg) : String(parseUint(v)));
export const mac: FieldParser = (v, arg) => normaliseMac(v) ?? invalid(arg);
export const nonEmpty: FieldParser = (v, arg) => (v === '' ? invalid(arg) : v);
export const ip: FieldParser = (v, arg) => (ipToInt(v) === null ? invalid(arg) : v);
/** ✔ A port: 1..65535. */
export const port: FieldParser = (v, arg) => {
  const n = parseUint(v);
  return n === null || n < 1 || n > 65535 ? invalid(arg) : String(n);
};
/** Kept as written (docs/routeros.md "Rate-limit format"); only checked that it parses. */
export const rateLimit: FieldParser = (v, arg) => (v === '' || parseRateLimit(v) ? v : invalid(arg));
export const oneOf =
  (...values: string[]): FieldParser =>
  (v, arg) =>
    values.includes(v) ? v : invalid(arg);
/**
 * A reference to another item by name, e.g. a user's `profile` (✔ category 1,
 * docs/routeros.md "Trap categories").
 */
export const ref =
  <T extends Item>(table: () => Table<T>, ...extra: string[]): FieldParser =>
  (v, arg) =>
    extra.includes(v) || table().byNameGet(v) ? v : noMatch(arg);

export interface ConfigSpec {
  fields: Record<string, FieldParser>;
  defaults: Record<string, string>;
  /** Message for a duplicate `name`, or undefined when names need not be unique. */
  duplicate?: string;
  /** Name given to an item added without one (`queue1`, `hotspot1`...). */
  autoName?: string;
  /** Cross-field checks on the merged config. */
  validate?(cfg: Record<string, string>): void;
  /** What the menu's items are called in the refusal to change a dynamic one (`queue`, `rule`...). */
  noun?: string;
}

/** Parse the arguments of add/set into normalised config changes. */
export function parseConfig(spec: ConfigSpec, args: Args, skip: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of args) {
    if (skip.has(name)) continue;
    const parser = spec.fields[name] ?? text;
    out[name] = parser(value, name);
  }
  return out;
}

const ADD_SKIP = new Set(['.id', 'numbers', 'place-before', 'copy-from', '.proplist', '.query']);

type Names = Pick<Table<Item>, 'byNameGet' | 'size'>;
function checkName(table: Names, spec: ConfigSpec, name: string | undefined, self?: Item): void {
  if (name === undefined || !spec.duplicate) return;
  const other = table.byNameGet(name);
  if (other && other !== self) throw new Trap(spec.duplicate, CATEGORY_FAILURE);
}

function autoName(table: Names, prefix: string): string {
  for (let n = table.size + 1; ; n++) if (!table.byNameGet(`${prefix}${n}`)) return `${prefix}${n}`;
}

/** Build a new item's config (no insert): copy-from, defaults, arguments, auto name, checks. */
function buildConfig<T extends Item>(table: Table<T>, spec: ConfigSpec, args: Args): Record<string, string> {
  const copyFrom = args.get('copy-from');
  const base =
    copyFrom !== undefined ? { ...resolveOne(table, copyFrom, 'copy-from').cfg } : { ...spec.defaults };
  if (copyFrom !== undefined) delete base.name;
  const cfg = { ...base, ...parseConfig(spec, args, ADD_SKIP) };
  if (cfg.name === undefined && spec.autoName) cfg.name = autoName(table, spec.autoName);
  checkName(table, spec, cfg.name);
  spec.validate?.(cfg);
  return cfg;
}

function resolveOne<T extends Item>(table: Table<T>, refText: string, arg: string): T {
  return table.find(refText) ?? noMatch(arg);
}

/** `=.id=` or `=numbers=` (comma list of ids or names). */
export function targets<T extends Item>(table: Table<T>, args: Args): T[] {
  const refs = args.get('.id') ?? args.get('numbers');
  if (refs === undefined) throw new Trap(msgMissingArgument('numbers'), CATEGORY.missingItem);
  return table.resolveList(refs);
}

/** A verb that does `each` to every item it names (`=.id=` or `=numbers=`). */
export const eachTarget =
  <T extends Item>(table: Table<T>, each: (item: T) => void): Handler =>
  (args) => {
    for (const item of targets(table, args)) each(item);
  };

/**
 * The items a changing command names, refused as a whole when one of them is dynamic: RouterOS owns those
 * (the hotspot's queues and rules) and changes them only itself.
 */
export function changeableTargets<T extends Item>(table: Table<T>, args: Args, noun = 'item'): T[] {
  const items = targets(table, args);
  if (items.some((i) => i.dynamic === true)) throw new Trap(msgCannotChangeDynamic(noun), CATEGORY_FAILURE);
  return items;
}

/** add/set/remove/enable/disable/comment/move for a config menu. */
export function configVerbs<T extends Item>(
  table: Table<T>,
  spec: ConfigSpec,
  core: SimCore,
  create: (id: string, cfg: Record<string, string>) => T = (id, cfg) => ({ id, cfg }) as T,
): Record<string, Handler> {
  const setSkip = new Set([...ADD_SKIP]);
  const changeable = (args: Args): T[] => changeableTargets(table, args, spec.noun);
  const setAll = (args: Args, changes: Record<string, string>): void => {
    for (const item of changeable(args)) table.update(item, changes);
    core.configChanged();
  };
  return {
    add: (args) => {
      const cfg = buildConfig(table, spec, args);
      const before = args.get('place-before');
      // ✖ A `place-before` naming an item that has gone (the hotspot's queue of a session that just ended)
      // is most plausibly refused like any other unknown id (docs/routeros.md "Dynamic items").
      const anchor = before !== undefined ? table.resolveList(before)[0] : undefined;
      if (before !== undefined && !anchor) throw new Trap(msgInvalidValue('place-before'), CATEGORY.argument);
      const item = create(table.newId(), cfg);
      table.insert(item, anchor);
      core.configChanged();
      return item.id;
    },
    set: (args) => {
      const items = changeable(args);
      const changes = parseConfig(spec, args, setSkip);
      for (const item of items) {
        checkName(table, spec, changes.name, item);
        spec.validate?.({ ...item.cfg, ...changes });
      }
      for (const item of items) table.update(item, changes);
      core.configChanged();
    },
    remove: (args) => {
      for (const item of changeable(args)) table.remove(item);
      core.configChanged();
    },
    enable: (args) => setAll(args, { disabled: 'false' }),
    disable: (args) => setAll(args, { disabled: 'true' }),
    comment: (args) => setAll(args, { comment: args.get('comment') ?? '' }),
    move: (args) => {
      const dest = args.get('destination');
      table.move(changeable(args), dest !== undefined ? resolveOne(table, dest, 'destination') : undefined);
      core.configChanged();
    },
  };
}

/**
 * `unset`: a property goes back to its default, or is gone when it has none (every menu's one `unset`). `fixed`
 * (a rule's `chain`, an item's `name`) cannot be unset; an unknown property is refused as an argument (category 1).
 */
export function unsetToDefault<T extends Item>(
  table: Table<T>,
  spec: ConfigSpec,
  core: SimCore,
  fixed?: string,
): Handler {
  return (args) => {
    const name = args.get('value-name');
    if (name === undefined) throw new Trap(msgMissingArgument('value-name'), CATEGORY.missingItem);
    if (!(name in spec.fields) || name === fixed) invalid('value-name');
    for (const item of changeableTargets(table, args, spec.noun)) {
      const cfg = { ...item.cfg };
      if (name in spec.defaults) cfg[name] = spec.defaults[name];
      else delete cfg[name];
      spec.validate?.(cfg);
      item.cfg = cfg;
      table.emit('set', item);
    }
    core.configChanged();
  };
}

/** `reset-counters` and `reset-counters-all`: `reset` puts an item's runtime counters back to zero. */
export function resetCounterVerbs<T extends Item>(
  table: Table<T>,
  reset: (item: T) => void,
): Record<string, Handler> {
  const resetAll = (items: readonly T[]): void => {
    for (const item of items) {
      reset(item);
      table.emit('set', item);
    }
  };
  return {
    'reset-counters': (args) => resetAll(targets(table, args)),
    'reset-counters-all': () => resetAll([...table.list]),
  };
}

/**
 * A menu over one table: `print` renders every item in list order, `listen` follows the table; `byName` answers a
 * print by names from the table's own name order; `rows` replaces the plain list (a menu that hides some items).
 */
export function tableMenu<T extends Item>(
  path: string,
  table: Table<T>,
  render: (item: T) => Row,
  commands: Record<string, Handler>,
  more: {
    /** The items' names (`true`: their `name` setting), for a print by names. */
    byName?: true | ((item: T) => string);
    rows?: () => Row[];
    monitors?: Record<string, MonitorHandler>;
  } = {},
): Menu {
  const { byName, ...rest } = more;
  const nameOf = byName === true ? (i: T): string => i.cfg.name : byName;
  return {
    path,
    table: table as unknown as Table<Item>,
    render: (item) => render(item as T),
    rows: () => table.list.map((i) => render(i)),
    ...(nameOf && {
      rowsNamed: (names: ReadonlySet<string>) =>
        table.list.filter((i) => names.has(nameOf(i))).map((i) => render(i)),
    }),
    commands,
    ...rest,
  };
}

/** A menu of one settings row (`/ppp/aaa`, `/radius/incoming`); `set` takes the arguments `parsers` know. */
export function settingsMenu(
  path: string,
  core: SimCore,
  settings: () => Record<string, string>,
  parsers: Record<string, FieldParser>,
  changed?: () => void,
): Menu {
  return {
    path,
    rows: () => [{ ...settings() }],
    commands: {
      set: (args) => {
        const changes: Record<string, string> = {};
        for (const [name, value] of args) if (parsers[name]) changes[name] = parsers[name](value, name);
        Object.assign(settings(), changes);
        core.configChanged();
        changed?.();
      },
    },
  };
}

/** Render a config item: `.id`, then its config (empty comment omitted like RouterOS), then extras. */
export function renderConfig(item: Item, extra: Row = {}): Row {
  const row: Row = { '.id': item.id };
  for (const [k, v] of Object.entries(item.cfg)) if (!(k === 'comment' && v === '')) row[k] = v;
  return Object.assign(row, extra);
}
