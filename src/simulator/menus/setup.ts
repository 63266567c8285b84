/**
 * What the controller's router setup touches (docs/routeros.md "Setting a router up"): the hotspot walled
 * garden (`/ip/hotspot/walled-garden`, HTTP level, and `/walled-garden/ip`, IP level), the router's files
 * (`/file`, with `contents` up to 60 KB and `add` since 7.9), `/tool/fetch` (which really fetches over HTTP)
 * and the router's own services (`/ip/service`).
 */
import {
  CATEGORY,
  CATEGORY_FAILURE,
  msgMissingArgument,
  msgNoSuchCommand,
  MSG_NO_SUCH_PREFIX,
  Trap,
} from '../messages';
import type { Row } from '../query';
import { addItem } from '../state';
import type { Item, Table } from '../table';
import { parsePrefix } from '../values';
import { versionAtLeast } from '../options';
import {
  bool,
  ConfigSpec,
  configVerbs,
  FieldParser,
  Handler,
  invalid,
  Menu,
  oneOf,
  port,
  renderConfig,
  SimCore,
  tableMenu,
  targets,
  text,
  unsetToDefault,
} from './common';

/** ✔ A file's contents can be read and changed through `contents` up to 60 KB (MikroTik's Files page). */
const FILE_CONTENTS_MAX = 60 * 1024;
/** ✖ The words for contents over the limit and for a name that exists (not published); ours. */
const MSG_FILE_TOO_BIG = 'failure: file contents too large';
const MSG_FILE_EXISTS = 'failure: file already exists';
/** ◐ A non-2xx answer to `/tool/fetch` (the words scripts compare with). */
const msgFetchStatus = (status: number): string => `Fetch failed with status ${status}`;

const ports: FieldParser = (v, arg) => {
  for (const part of v.split(',')) {
    const [a, b] = part.split('-');
    port(a ?? '', arg);
    if (b !== undefined) port(b, arg);
  }
  return v;
};
const ipAddress: FieldParser = (v, arg) => {
  const body = v.replace(/^!/, '');
  return body === '' || body.split('-').every((p) => parsePrefix(p) !== null) ? v : invalid(arg);
};
const host: FieldParser = (v, arg) => (/^!?[A-Za-z0-9*.:_-]{1,253}$/.test(v) ? v : invalid(arg));

/** A walled-garden list; `extra`: the runtime-only columns it prints. */
function listMenu(path: string, table: Table<Item>, spec: ConfigSpec, core: SimCore, extra: Row): Menu {
  const render = (item: Item): Row => renderConfig(item, extra);
  return tableMenu(path, table, render, {
    ...configVerbs(table, spec, core),
    unset: unsetToDefault(table, spec, core),
  });
}

/** ✔ `/ip/hotspot/walled-garden`: HTTP-level entries (`action allow|deny`). */
export function walledGardenMenu(core: SimCore): Menu {
  return listMenu(
    '/ip/hotspot/walled-garden',
    core.state.walledGarden,
    {
      defaults: { action: 'allow', disabled: 'false', comment: '' },
      fields: {
        action: oneOf('allow', 'deny'),
        'dst-host': host,
        'dst-port': ports,
        path: text,
        method: text,
        'src-address': ipAddress,
        server: text,
        disabled: bool,
        comment: text,
      },
    },
    core,
    { hits: '0', dynamic: 'false' },
  );
}

/** ✔ `/ip/hotspot/walled-garden/ip`: IP-level entries (`action accept|drop|reject`), the `hs-unauth` rules. */
export function walledGardenIpMenu(core: SimCore): Menu {
  return listMenu(
    '/ip/hotspot/walled-garden/ip',
    core.state.walledGardenIp,
    {
      defaults: { action: 'accept', disabled: 'false', comment: '' },
      validate: (cfg) => {
        // ✔ like a firewall rule, a port needs tcp or udp.
        if (cfg['dst-port'] !== undefined && !['tcp', 'udp', '6', '17'].includes(cfg.protocol ?? ''))
          throw new Trap('failure: dst-port can be specified only for tcp or udp protocol', CATEGORY_FAILURE);
      },
      fields: {
        action: oneOf('accept', 'drop', 'reject'),
        'dst-address': ipAddress,
        'src-address': ipAddress,
        'dst-address-list': text,
        'src-address-list': text,
        'dst-host': host,
        'dst-port': ports,
        protocol: text,
        server: text,
        disabled: bool,
        comment: text,
      },
    },
    core,
    { invalid: 'false', dynamic: 'false' },
  );
}

/** ✔ `/ip/service`: the router's own services; only `set`, `enable`, `disable` (no add or remove). */
export function serviceMenu(core: SimCore): Menu {
  const table = core.state.services;
  const addressList: FieldParser = (v, arg) =>
    v === '' || v.split(',').every((p) => parsePrefix(p) !== null) ? v : invalid(arg);
  const spec: ConfigSpec = {
    defaults: {},
    fields: { address: addressList, port, disabled: bool, 'max-sessions': text, certificate: text },
  };
  const verbs = configVerbs(table, spec, core);
  return tableMenu('/ip/service', table, (i) => renderConfig(i, { invalid: 'false', dynamic: 'false' }), {
    set: verbs.set,
    enable: verbs.enable,
    disable: verbs.disable,
  });
}

/** One file as `/file/print` shows it: `name` is the full path; `contents` only while within the limit. */
function renderFile(item: Item): Row {
  const c = item.cfg;
  const row: Row = { '.id': item.id, name: c.name, type: c.type };
  if (c.type !== 'directory' && c.type !== 'disk') {
    const contents = c.contents ?? '';
    row.size = String(Buffer.byteLength(contents));
    if (Buffer.byteLength(contents) <= FILE_CONTENTS_MAX) row.contents = contents;
  }
  row['last-modified'] = c['last-modified'] ?? '';
  return row;
}

/** ✔ The type `print` shows: `.html file` for a name ending in .html, `file` without an extension. */
function fileType(name: string): string {
  const dot = name.lastIndexOf('.');
  const slash = name.lastIndexOf('/');
  return dot > slash ? `${name.slice(dot + 1)} file` : 'file';
}

function checkContents(contents: string): void {
  if (Buffer.byteLength(contents) > FILE_CONTENTS_MAX) throw new Trap(MSG_FILE_TOO_BIG, CATEGORY_FAILURE);
}

/** ✔ `/file`: print, add (7.9 and later) with `contents`, set `contents`, remove. */
export function fileMenu(core: SimCore, stamp: () => string): Menu {
  const table = core.state.files;
  const add: Handler = (args) => {
    // ✔ `/file/add` exists since 7.9beta2.
    if (!versionAtLeast(core.version, 7, 9))
      throw new Trap(msgNoSuchCommand('add'), undefined, [{ message: MSG_NO_SUCH_PREFIX }]);
    const name = (args.get('name') ?? '').replace(/^\/+/, '');
    if (name === '') throw new Trap(msgMissingArgument('name'), CATEGORY.missingItem);
    if (table.byNameGet(name)) throw new Trap(MSG_FILE_EXISTS, CATEGORY_FAILURE);
    const type = args.get('type') ?? 'file';
    if (type !== 'file' && type !== 'directory') invalid('type');
    const contents = args.get('contents') ?? '';
    checkContents(contents);
    ensureFolders(core, name, stamp);
    const item: Item = {
      id: table.newId(),
      cfg:
        type === 'directory'
          ? { name, type: 'directory', 'last-modified': stamp() }
          : { name, type: fileType(name), contents, 'last-modified': stamp() },
    };
    table.insert(item);
    core.configChanged();
    return item.id;
  };
  const set: Handler = (args) => {
    const items = targets(table, args);
    const contents = args.get('contents');
    if (contents !== undefined) checkContents(contents);
    for (const item of items) {
      if (contents !== undefined && item.cfg.type === 'directory') invalid('contents');
      const changes: Record<string, string> = { 'last-modified': stamp() };
      if (contents !== undefined) changes.contents = contents;
      const rename = args.get('name');
      if (rename !== undefined) changes.name = rename;
      table.update(item, changes);
    }
    core.configChanged();
  };
  const remove: Handler = (args) => {
    for (const item of targets(table, args)) table.remove(item);
    core.configChanged();
  };
  return tableMenu('/file', table, renderFile, { add, set, remove });
}

/** The folders above a file come with it (fetch and add create them). */
function ensureFolders(core: SimCore, name: string, stamp: () => string): void {
  const parts = name.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = parts.slice(0, i).join('/');
    if (!core.state.files.byNameGet(dir))
      addItem(core.state.files, { name: dir, type: 'directory', 'last-modified': stamp() });
  }
}

/** Writes a fetched file: a new one or an existing one's contents. */
function writeFile(core: SimCore, name: string, contents: string, stamp: () => string): void {
  const table = core.state.files;
  const existing = table.byNameGet(name);
  if (existing) table.update(existing, { contents, 'last-modified': stamp() });
  else {
    ensureFolders(core, name, stamp);
    addItem(table, { name, type: fileType(name), contents, 'last-modified': stamp() });
  }
  core.configChanged();
}

/** ✔ Fetch gives up on a silent server after its idle timeout (10 s by default). */
const FETCH_IDLE_MS = 10_000;

/**
 * ✔ `/tool/fetch url=… dst-path=…`: really fetches (http and https) and writes the answer to `dst-path` (else a
 * file named after the URL's last part). ◐ A non-2xx answer fails with `Fetch failed with status N` and writes
 * no file. ◐ The file can appear a moment after `!done` (docs/routeros.md "Fetch"): `fileDelayMs` models that.
 * ✖ The progress rows (`status=connecting`, `downloading`, `finished`) are not sent; only `!done`.
 */
export function fetchMenu(core: SimCore, stamp: () => string, fileDelayMs: () => number = () => 0): Menu {
  const fetchCommand: Handler = async (args) => {
    const url = args.get('url');
    if (url === undefined) throw new Trap(msgMissingArgument('url'), CATEGORY.missingItem);
    const parsed = URL.canParse(url) ? new URL(url) : invalid('url');
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') invalid('url');
    const mode = args.get('output') ?? 'file';
    if (mode !== 'file' && mode !== 'none') invalid('output');
    let res: Response;
    try {
      res = await fetch(parsed, {
        method: (args.get('http-method') ?? 'get').toUpperCase(),
        redirect: 'follow',
        signal: AbortSignal.timeout(FETCH_IDLE_MS),
      });
    } catch (err) {
      const reason = (err as { cause?: { code?: string } }).cause?.code;
      throw new Trap(
        reason === 'ECONNREFUSED' ? 'failure: connection refused' : 'failure: connection timeout',
        CATEGORY_FAILURE,
      );
    }
    const body = Buffer.from(await res.arrayBuffer()).toString('utf8');
    if (res.status < 200 || res.status > 299) throw new Trap(msgFetchStatus(res.status), CATEGORY_FAILURE);
    if (mode === 'none') return;
    const last = parsed.pathname.split('/').pop() || 'index';
    const dst = (args.get('dst-path') ?? last).replace(/^\/+/, '');
    const delay = fileDelayMs();
    if (delay > 0) setTimeout(() => writeFile(core, dst, body, stamp), delay).unref();
    else writeFile(core, dst, body, stamp);
  };
  return { path: '/tool', rows: () => [], commands: { fetch: fetchCommand } };
}
