/**
 * `/queue/simple` (docs/routeros.md "Simple queues"): values are normalised the way RouterOS prints them back
 * (rates as bit/s integers `512000/1000000`, targets with a prefix length, `true`/`false`), and the list
 * order is the first-match order.
 */
import {
  CATEGORY_FAILURE,
  MSG_DUPLICATE_QUEUE,
  MSG_QUEUE_PARENT_LOOP,
  msgLimitAboveMax,
  msgQueueHasChildren,
  Trap,
} from '../messages';
import type { Row } from '../query';
import { newQueueRuntime, QueueItem } from '../state';
import type { Table } from '../table';
import { normaliseDuration, normaliseRatePair, normaliseTarget, parsePair, parseRate } from '../values';
import {
  bool,
  ConfigSpec,
  configVerbs,
  duration,
  FieldParser,
  invalid,
  Menu,
  nonEmpty,
  parseConfig,
  ref,
  resetCounterVerbs,
  SimCore,
  tableMenu,
  targets,
  text,
} from './common';

const ratePair: FieldParser = (v, arg) => normaliseRatePair(v) ?? invalid(arg);
const rate: FieldParser = (v, arg) => {
  const r = parseRate(v);
  return r === null ? invalid(arg) : String(r);
};
/** `a/b` (one value: both), each half checked and printed by `one`. */
const pairOf =
  (one: (s: string) => string | number | null): FieldParser =>
  (v, arg) => {
    const p = parsePair(v, one);
    return p ? `${p[0]}/${p[1]}` : invalid(arg);
  };
const durationPair = pairOf(normaliseDuration);
const priorityPair = pairOf((s) => (/^[1-8]$/.test(s) ? Number(s) : null));
const bucketPair = pairOf((s) => (/^\d+(\.\d+)?$/.test(s) && Number(s) <= 10 ? s : null));
const textPair = pairOf((s) => (s === '' ? null : s));
const target: FieldParser = (v, arg) => normaliseTarget(v) ?? invalid(arg);

export const QUEUE_DEFAULTS: Record<string, string> = {
  target: '',
  parent: 'none',
  'packet-marks': '',
  priority: '8/8',
  queue: 'default-small/default-small',
  'limit-at': '0/0',
  'max-limit': '0/0',
  'burst-limit': '0/0',
  'burst-threshold': '0/0',
  'burst-time': '0s/0s',
  'bucket-size': '0.1/0.1',
  'total-priority': '8',
  'total-queue': 'default-small',
  'total-limit-at': '0',
  'total-max-limit': '0',
  'total-burst-limit': '0',
  'total-burst-threshold': '0',
  'total-burst-time': '0s',
  'total-bucket-size': '0.1',
  disabled: 'false',
  comment: '',
};

function checkLimits(cfg: Record<string, string>): void {
  const max = (cfg['max-limit'] ?? '0/0').split('/').map(Number);
  const at = (cfg['limit-at'] ?? '0/0').split('/').map(Number);
  // ◐ docs/routeros.md "Error messages to reproduce exactly": a limit-at above a non-zero max-limit is
  // refused.
  if (max[0] > 0 && at[0] > max[0]) throw new Trap(msgLimitAboveMax('upload'), CATEGORY_FAILURE);
  if (max[1] > 0 && at[1] > max[1]) throw new Trap(msgLimitAboveMax('download'), CATEGORY_FAILURE);
}

function queueSpec(queues: () => Table<QueueItem>): ConfigSpec {
  return {
    defaults: QUEUE_DEFAULTS,
    duplicate: MSG_DUPLICATE_QUEUE,
    autoName: 'queue',
    noun: 'queue',
    validate: checkLimits,
    fields: {
      name: nonEmpty,
      target,
      dst: text,
      'max-limit': ratePair,
      'limit-at': ratePair,
      'burst-limit': ratePair,
      'burst-threshold': ratePair,
      'burst-time': durationPair,
      'bucket-size': bucketPair,
      priority: priorityPair,
      queue: textPair,
      parent: ref(queues, 'none'),
      disabled: bool,
      'total-max-limit': rate,
      'total-limit-at': rate,
      'total-burst-limit': rate,
      'total-burst-threshold': rate,
      'total-burst-time': duration,
      'total-priority': (v, arg) => (/^[1-8]$/.test(v) ? v : invalid(arg)),
      'total-bucket-size': (v, arg) => (/^\d+(\.\d+)?$/.test(v) ? v : invalid(arg)),
      'total-queue': text,
      time: text,
      'packet-marks': text,
      comment: text,
    },
  };
}

const pair = (p: [number, number]): string => `${p[0]}/${p[1]}`;

/** A print row with every field of a real 7.x row (docs/routeros.md "Queue fields"). */
function renderQueue(q: QueueItem): Row {
  const c = q.cfg;
  const row: Row = { '.id': q.id, name: c.name, target: c.target };
  if (c.dst) row.dst = c.dst;
  Object.assign(row, {
    parent: c.parent,
    'packet-marks': c['packet-marks'],
    priority: c.priority,
    queue: c.queue,
    'limit-at': c['limit-at'],
    'max-limit': c['max-limit'],
    'burst-limit': c['burst-limit'],
    'burst-threshold': c['burst-threshold'],
    'burst-time': c['burst-time'],
    'bucket-size': c['bucket-size'],
  });
  if (c.time) row.time = c.time;
  for (const k of Object.keys(c)) if (k.startsWith('total-')) row[k] = c[k];
  Object.assign(row, {
    bytes: pair(q.bytes),
    'total-bytes': String(q.bytes[0] + q.bytes[1]),
    packets: pair(q.packets),
    'total-packets': String(q.packets[0] + q.packets[1]),
    rate: pair(q.rate),
    'total-rate': String(q.rate[0] + q.rate[1]),
    'packet-rate': pair(q.packetRate),
    'total-packet-rate': String(q.packetRate[0] + q.packetRate[1]),
    'queued-packets': '0/0',
    'total-queued-packets': '0',
    'queued-bytes': '0/0',
    'total-queued-bytes': '0',
    dropped: '0/0',
    'total-dropped': '0',
    invalid: 'false',
    dynamic: String(q.dynamic === true),
    disabled: c.disabled,
  });
  if (c.comment) row.comment = c.comment;
  return row;
}

export function resetQueueCounters(q: QueueItem): void {
  Object.assign(q, newQueueRuntime());
}

/**
 * Refuses a `set` whose new parent would put a queue under itself: the chain of parents from the new parent up
 * must not reach the queue being set (its name before and after the change).
 */
function checkNoLoop(table: Table<QueueItem>, item: QueueItem, changes: Record<string, string>): void {
  const parent = changes.parent;
  if (parent === undefined || parent === 'none') return;
  const own = new Set([item.cfg.name, changes.name ?? item.cfg.name]);
  const seen = new Set<string>();
  for (let name: string | undefined = parent; name && name !== 'none';) {
    if (own.has(name)) throw new Trap(MSG_QUEUE_PARENT_LOOP, CATEGORY_FAILURE);
    if (seen.has(name)) break;
    seen.add(name);
    name = table.byNameGet(name)?.cfg.parent;
  }
}

export function queueMenu(core: SimCore): Menu {
  const table = core.state.queues;
  const spec = queueSpec(() => table);
  // New queues start at zero (docs/routeros.md "Counters").
  const verbs = configVerbs(table, spec, core, (id, cfg) => ({ id, cfg, ...newQueueRuntime() }));
  return tableMenu(
    '/queue/simple',
    table,
    renderQueue,
    {
      ...verbs,
      set: (args) => {
        const changes = parseConfig(spec, args, new Set(['.id', 'numbers', '.proplist', '.query']));
        if (changes.parent !== undefined)
          for (const q of targets(table, args)) checkNoLoop(table, q, changes);
        return verbs.set(args);
      },
      remove: (args) => {
        const going = targets(table, args);
        const names = new Set(going.map((q) => q.cfg.name));
        // Children that go in the same command leave their parent free to go.
        const child = table.list.find((q) => !names.has(q.cfg.name) && names.has(q.cfg.parent));
        if (child) throw new Trap(msgQueueHasChildren(child.cfg.parent), CATEGORY_FAILURE);
        return verbs.remove(args);
      },
      ...resetCounterVerbs(table, resetQueueCounters),
    },
    { byName: true },
  );
}
