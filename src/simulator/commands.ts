/**
 * Runs a logged-in command: validates it against RouterOS's command tree, then print/getall/listen or a
 * menu verb. Errors become `!trap` + `!done`; a print with no rows is `!empty` + `!done` on ≥7.18.
 */
import type { Session, SimStats } from './connection';
import type { Menu, MonitorHandler } from './menus/common';
import {
  CATEGORY,
  CATEGORY_UNKNOWN_PARAMETER,
  msgInvalidValue,
  MSG_NO_SUCH_PREFIX,
  MSG_NOT_MODELLED,
  msgNoSuchCommand,
  msgUnknownParameter,
  Trap,
  TrapInfo,
} from './messages';
import { compileQuery, nameChain, QueryError, Row } from './query';
import type { Request } from './request';
import type { CommandSchema } from './schema';
import { parseDuration } from './values';

interface DispatchOptions {
  schema: CommandSchema;
  menu(path: string): Menu | undefined;
  emptyReplies(): boolean;
  stats?: SimStats;
  logger?: { warn(...a: unknown[]): void };
}

function split(command: string): [string, string] {
  const slash = command.lastIndexOf('/');
  return [command.slice(0, slash), command.slice(slash + 1)];
}

export function dispatch(opts: DispatchOptions, session: Session, req: Request): void {
  const args = opts.schema.args(req.command);
  const out = session.reply(req.tag);
  if (!args) {
    // ✔ two traps for an unknown command (docs/routeros.md "Reply words").
    return session.send(
      out
        .trap(msgNoSuchCommand(opts.schema.unknownSegment(req.command)))
        .trap(MSG_NO_SUCH_PREFIX)
        .done(),
    );
  }
  const unknown = opts.schema.unknownArgument(req.command, req.attrs.keys());
  if (unknown !== null)
    return session.send(out.trap(msgUnknownParameter(unknown), CATEGORY_UNKNOWN_PARAMETER).done());
  const [path, verb] = split(req.command);
  const menu = opts.menu(path);
  try {
    if (verb === 'listen') return listen(session, req, menu);
    if (verb === 'print' && (req.attrs.has('follow') || req.attrs.has('follow-only')))
      return follow(session, req, menu);
    if (verb === 'print' && req.attrs.has('interval')) return printEvery(session, req, menu);
    if (verb === 'print' || verb === 'getall') return print(opts, session, req, menu);
    const monitorHandler = menu?.monitors?.[verb];
    if (monitorHandler) return monitor(session, req, monitorHandler);
    const handler = menu?.commands[verb];
    if (!handler) throw new Trap(MSG_NOT_MODELLED);
    const ret = handler(req.attrs);
    if (ret instanceof Promise) {
      ret.then(
        (value) => session.send(out.done(value ?? undefined)),
        (err: unknown) => session.send(trapReply(session, req, err, opts)),
      );
      return;
    }
    session.send(out.done(ret ?? undefined));
  } catch (err) {
    session.send(trapReply(session, req, err, opts));
  }
}

function trapReply(
  session: Session,
  req: Request,
  err: unknown,
  opts: DispatchOptions,
): ReturnType<Session['reply']> {
  const out = session.reply(req.tag);
  let traps: TrapInfo[];
  if (err instanceof Trap) traps = err.traps;
  else if (err instanceof QueryError) traps = [{ message: err.message, category: 1 }];
  else {
    opts.logger?.warn('simulator: command failed', req.command, err);
    traps = [{ message: `failure: ${err instanceof Error ? err.message : String(err)}` }];
  }
  for (const t of traps) out.trap(t.message, t.category);
  return out.done();
}

function proplistOf(req: Request): string[] | undefined {
  const text = req.attrs.get('.proplist') ?? req.attrs.get('proplist');
  return text === undefined ? undefined : text.split(',').filter((s) => s !== '');
}

/**
 * `print`'s own filter arguments: `dynamic` and `static` (menus whose items can be dynamic) and `chain`
 * (firewall rules). They narrow the rows like a query does.
 */
function printFilter(req: Request): ((row: Row) => boolean) | null {
  const on = (name: string): boolean => {
    const v = req.attrs.get(name);
    return v !== undefined && (v === '' || v === 'yes' || v === 'true');
  };
  const tests: ((row: Row) => boolean)[] = [];
  if (on('dynamic')) tests.push((row) => row.dynamic === 'true');
  if (on('static')) tests.push((row) => row.dynamic !== 'true');
  const chain = req.attrs.get('chain');
  if (chain !== undefined) tests.push((row) => row.chain === chain);
  return tests.length ? (row) => tests.every((t) => t(row)) : null;
}

/** The query words and print's filter arguments together. */
function rowMatcher(req: Request): ((row: Row) => boolean) | null {
  const query = compileQuery(req.queries);
  const narrow = printFilter(req);
  if (query && narrow) return (row) => query(row) && narrow(row);
  return query ?? narrow;
}

/**
 * The menu's rows the query and print's filters pass, in list order. A query that starts with `?name=` words OR-ed
 * and only narrows them after (query.ts nameChain) is answered from the menu's name index where it has one: the
 * same rows, in the same order, as testing every item (which RouterOS does), without building 10,000 rows for a
 * fair-use watch read of 100 queues.
 */
function matchingRows(opts: DispatchOptions, req: Request, menu: Menu): Row[] {
  const match = rowMatcher(req);
  const named = menu.rowsNamed && nameChain(req.queries);
  const rows = named ? menu.rowsNamed!(named) : menu.rows();
  if (opts.stats) opts.stats.rowsBuilt += rows.length;
  return match ? rows.filter(match) : rows;
}

function print(opts: DispatchOptions, session: Session, req: Request, menu: Menu | undefined): void {
  // A menu RouterOS has but the simulator does not model fails loudly: answering "no rows" would let the
  // controller believe something about the router that nobody checked.
  if (!menu) throw new Trap(MSG_NOT_MODELLED);
  const rows = matchingRows(opts, req, menu);
  const out = session.reply(req.tag);
  if (req.attrs.has('count-only')) {
    // ◐ `!done =ret=N`; ✖ with zero rows RouterOS may also send !empty — we send just `!done =ret=0`.
    return session.send(out.done(String(rows.length)));
  }
  if (rows.length === 0 && opts.emptyReplies()) return session.send(out.sentence('!empty').done());
  const proplist = proplistOf(req);
  for (const row of rows) out.row(row, proplist);
  session.send(out.done());
}

/**
 * ◐ `print =follow=`: current rows, then changes like `listen`, until `/cancel` (docs/routeros.md "Listen, follow
 * and interval"). `=follow-only=` skips the current rows. ✖ Which changes send a row: here, an item added or
 * removed, or one whose printed properties (its `.proplist`'s) changed; a counter left out of the proplist moving
 * sends nothing.
 */
function follow(session: Session, req: Request, menu: Menu | undefined): void {
  const proplist = proplistOf(req);
  const sent = new Map<string, string>();
  const printed = (row: Row): string =>
    JSON.stringify(proplist ? proplist.map((p) => row[p]) : Object.entries(row));
  if (req.attrs.has('follow') && menu) {
    const match = rowMatcher(req);
    const out = session.reply(req.tag);
    for (const row of menu.rows())
      if (!match || match(row)) {
        out.row(row, proplist);
        sent.set(String(row['.id']), printed(row));
      }
    session.send(out);
  }
  listen(session, req, menu, (row, removed) => {
    const id = String(row['.id']);
    if (removed) {
      sent.delete(id);
      return true;
    }
    const text = printed(row);
    if (sent.get(id) === text) return false;
    sent.set(id, text);
    return true;
  });
}

/** Minimum print interval in 7.18 is 200 ms ✔ [INSPECT]. */
const MIN_INTERVAL_MS = 200;

/** ✖ `print =interval=`: the matching rows again every interval, until `/cancel`. */
function printEvery(session: Session, req: Request, menu: Menu | undefined): void {
  const seconds = parseDuration(req.attrs.get('interval') ?? '');
  if (seconds === null) throw new Trap(msgInvalidValue('interval'), CATEGORY.argument);
  const match = rowMatcher(req);
  const proplist = proplistOf(req);
  const send = (): void => {
    const out = session.reply(req.tag);
    for (const row of menu ? menu.rows() : []) if (!match || match(row)) out.row(row, proplist);
    session.send(out);
  };
  send();
  const timer = setInterval(send, Math.max(MIN_INTERVAL_MS, seconds * 1000));
  session.track(req.tag, { stop: () => clearInterval(timer) });
}

/** ✔ [API] `listen`: `!re` on every change, `.dead=true` for removed items, until `/cancel`. */
function listen(
  session: Session,
  req: Request,
  menu: Menu | undefined,
  /** Whether to send this change (`removed`: the item is gone; its `.dead` row is always sent). */
  changed: (row: Row, removed: boolean) => boolean = () => true,
): void {
  const table = menu?.table;
  const render = menu?.render;
  if (!table || !render) {
    session.track(req.tag, { stop: () => undefined });
    return;
  }
  const match = rowMatcher(req);
  const proplist = proplistOf(req);
  const unsubscribe = table.onChange((kind, item) => {
    const out = session.reply(req.tag);
    if (kind === 'remove') {
      changed({ '.id': item.id }, true);
      out.sentence('!re', [`=.id=${item.id}`, '=.dead=true']);
    } else {
      const row: Row = render(item);
      if ((match && !match(row)) || !changed(row, false)) return;
      out.row(row, proplist);
    }
    session.send(out);
  });
  session.track(req.tag, { stop: unsubscribe });
}

/** ✔ [INSPECT] `monitor-traffic`'s interval: 20 ms to 5 s. ✖ Its default (1 s) and the refusal's words. */
const MONITOR_INTERVAL_MS = { min: 20, max: 5000, default: 1000 };

function monitorInterval(text: string | undefined): number {
  if (text === undefined) return MONITOR_INTERVAL_MS.default;
  const seconds = parseDuration(text);
  const ms = seconds === null ? NaN : seconds * 1000;
  if (!(ms >= MONITOR_INTERVAL_MS.min && ms <= MONITOR_INTERVAL_MS.max))
    throw new Trap(msgInvalidValue('interval'), CATEGORY.argument);
  return ms;
}

/**
 * A monitor command: with `once`, one sample then `!done`; otherwise a sample now and every `interval`, until
 * `duration` has passed (then `!done`) or `/cancel`. `do` (a script per sample) and `file` are not simulated.
 */
function monitor(session: Session, req: Request, start: MonitorHandler): void {
  if (req.attrs.has('do') || req.attrs.has('file')) throw new Trap(MSG_NOT_MODELLED);
  const sample = start(req.attrs);
  const proplist = proplistOf(req);
  const send = (done: boolean): void => {
    const out = session.reply(req.tag);
    for (const row of sample()) out.row(row, proplist);
    session.send(done ? out.done() : out);
  };
  if (req.attrs.has('once')) return send(true);
  const every = monitorInterval(req.attrs.get('interval'));
  const durationText = req.attrs.get('duration');
  const duration = durationText === undefined ? null : parseDuration(durationText);
  if (durationText !== undefined && duration === null)
    throw new Trap(msgInvalidValue('duration'), CATEGORY.argument);
  send(false);
  const timer = setInterval(() => send(false), every);
  const end =
    duration === null
      ? undefined
      : setTimeout(() => {
          clearInterval(timer);
          session.untrack(req.tag);
          session.send(session.reply(req.tag).done());
        }, duration * 1000);
  session.track(req.tag, {
    stop: () => {
      clearInterval(timer);
      if (end) clearTimeout(end);
    },
  });
}
