/** Terminal renderings of the router's housekeeping reads (`pisonet router …` and the menu's Router screen). */
import { formatBytes, formatRateHuman } from '../../src/domain/units';
import type {
  DhcpLease,
  HotspotCookie,
  HotspotHost,
  HotspotSession,
  InterfaceTraffic,
  IpBinding,
  RouterInterface,
} from '../../src/router/housekeeping';
import type { LogView, RouterOverview, RouterRead } from '../../src/services/network/router-housekeeping';
import { out } from './ansi';
import { dash, tableOr, time } from './render';
import type { SiteRouter } from './site-router';
import { keyValues, table } from './table';

/** `Router Shop-Main (site branch-a)`: the line above every reading. */
export function readHeading<T>(read: RouterRead<T>, isDefault: boolean): string {
  const site = isDefault ? '' : ` (site ${read.site.name})`;
  return out.dim(`Router ${read.identity ?? '?'}${site}`);
}

/** A read of a site's router and how it is drawn: the commands' listings and the menu's Router screen. */
export interface Reading<T> {
  read(s: SiteRouter): Promise<RouterRead<T>>;
  render(data: T): string;
}

const reading = <T>(read: Reading<T>['read'], render: Reading<T>['render']): Reading<T> => ({ read, render });

/** The router's reads, by their key in `pisonet router … --json` (`resource`: the overview). */
export const READINGS = {
  resource: reading((s) => s.housekeeping.overview(s.site), overviewText),
  hosts: reading((s) => s.housekeeping.hosts(s.site), hostsTable),
  sessions: reading((s) => s.housekeeping.sessions(s.site), sessionsTable),
  bindings: reading((s) => s.housekeeping.bindings(s.site), bindingsTable),
  cookies: reading((s) => s.housekeeping.cookies(s.site), cookiesTable),
  leases: reading((s) => s.housekeeping.leases(s.site), leasesTable),
};

function hostsTable(hosts: readonly HotspotHost[]): string {
  return tableOr(hosts, 'The hotspot sees no device.', [
    { header: 'MAC', get: (h) => h.mac },
    { header: 'IP', get: (h) => h.address || dash },
    {
      header: 'STATE',
      get: (h) => (h.bypassed ? 'bypassed' : h.authorized ? 'logged in' : 'not logged in'),
      style: (t, h) => (h.authorized ? out.green(t) : t),
    },
    { header: 'SERVER', get: (h) => h.server || dash, shrink: true },
    { header: 'UPTIME', get: (h) => time(h.uptimeSeconds), align: 'right' },
    { header: 'IDLE', get: (h) => time(h.idleSeconds), align: 'right' },
    { header: 'DOWN', get: (h) => formatBytes(h.bytesOut), align: 'right' },
    { header: 'UP', get: (h) => formatBytes(h.bytesIn), align: 'right' },
  ]);
}

function sessionsTable(sessions: readonly HotspotSession[]): string {
  return tableOr(sessions, 'Nobody is logged in to the hotspot.', [
    { header: 'USER', get: (a) => a.user },
    { header: 'MAC', get: (a) => a.mac },
    { header: 'IP', get: (a) => a.address || dash },
    { header: 'LOGIN BY', get: (a) => a.loginBy || dash, shrink: true },
    { header: 'UPTIME', get: (a) => time(a.uptimeSeconds), align: 'right' },
    {
      header: 'LEFT',
      get: (a) => (a.timeLeftSeconds === null ? 'no limit' : time(a.timeLeftSeconds)),
      align: 'right',
    },
    { header: 'DOWN', get: (a) => formatBytes(a.bytesOut), align: 'right' },
    { header: 'UP', get: (a) => formatBytes(a.bytesIn), align: 'right' },
  ]);
}

function bindingsTable(bindings: readonly IpBinding[]): string {
  return tableOr(bindings, 'No IP bindings: every device logs in with a code.', [
    { header: 'MAC', get: (b) => b.mac || 'any' },
    { header: 'ADDRESS', get: (b) => b.address || 'any' },
    { header: 'TYPE', get: (b) => b.type },
    { header: 'SERVER', get: (b) => b.server || dash },
    { header: 'STATE', get: (b) => (b.disabled ? 'disabled' : 'in force') },
    { header: 'COMMENT', get: (b) => b.comment || dash, shrink: true },
  ]);
}

function cookiesTable(cookies: readonly HotspotCookie[]): string {
  return tableOr(cookies, 'No cookies.', [
    { header: 'USER', get: (c) => c.user },
    { header: 'MAC', get: (c) => c.mac },
    { header: 'EXPIRES IN', get: (c) => time(c.expiresInSeconds), align: 'right' },
  ]);
}

function leasesTable(leases: readonly DhcpLease[]): string {
  return tableOr(leases, 'No leases.', [
    { header: 'ADDRESS', get: (l) => l.address },
    { header: 'MAC', get: (l) => l.mac },
    { header: 'NAME', get: (l) => l.hostName || dash, shrink: true },
    { header: 'STATUS', get: (l) => `${l.status || dash}${l.dynamic ? '' : ' static'}` },
    {
      header: 'EXPIRES',
      get: (l) => (l.expiresAfterSeconds === null ? 'never' : time(l.expiresAfterSeconds)),
      align: 'right',
    },
    { header: 'SERVER', get: (l) => l.server || dash, shrink: true },
  ]);
}

export function logTable(view: LogView): string {
  if (view.lines.length === 0) return out.dim(view.total ? 'No line matches.' : 'The log is empty.');
  const level = (topics: string[]) =>
    topics.includes('error') || topics.includes('critical')
      ? out.red
      : topics.includes('warning')
        ? out.yellow
        : String;
  const shown = table(
    view.lines,
    [
      { header: 'TIME', get: (l) => l.time },
      { header: 'TOPICS', get: (l) => l.topics.join(','), shrink: true, min: 8 },
      {
        header: 'MESSAGE',
        get: (l) => l.message,
        shrink: true,
        min: 20,
        style: (t, l) => level(l.topics)(t),
      },
    ],
    { colours: out },
  );
  const more =
    view.lines.length < view.matching
      ? `\n${out.dim(`the newest ${view.lines.length} of ${view.matching}`)}`
      : '';
  return shown + more;
}

function overviewText(o: RouterOverview): string {
  const r = o.resources;
  const used = r.totalMemory !== null && r.freeMemory !== null ? r.totalMemory - r.freeMemory : null;
  const disk = r.totalHdd !== null && r.freeHdd !== null ? r.totalHdd - r.freeHdd : null;
  const facts = keyValues(
    [
      ['Board', r.boardName || dash],
      ['RouterOS', r.version || dash],
      ['Uptime', time(r.uptimeSeconds)],
      ['CPU load', r.cpuLoad === null ? dash : `${r.cpuLoad}%`],
      [
        'CPU',
        `${r.cpuCount ?? '?'} x ${r.cpu || 'CPU'}${r.cpuFrequencyMhz ? ` at ${r.cpuFrequencyMhz} MHz` : ''}`,
      ],
      ['Memory', used === null ? dash : `${formatBytes(used)} used of ${formatBytes(r.totalMemory!)}`],
      ['Storage', disk === null ? dash : `${formatBytes(disk)} used of ${formatBytes(r.totalHdd!)}`],
      ['Temperature', o.temperatureC === null ? 'not reported' : `${o.temperatureC} °C`],
      ['Architecture', r.architecture || dash],
    ],
    out,
  );
  const sensors = o.health.length
    ? `\n\nSensors:\n${table(o.health, [
        { header: 'SENSOR', get: (s) => s.name },
        { header: 'READING', get: (s) => `${s.value}${s.unit ? ` ${s.unit}` : ''}`, align: 'right' },
      ])}`
    : '';
  return facts + sensors;
}

export function trafficText(interfaces: readonly RouterInterface[], sample: InterfaceTraffic): string {
  const list = interfaces.map((i) => (i.name === sample.name ? out.bold(`[${i.name}]`) : i.name)).join('  ');
  return [
    `Interfaces: ${list}`,
    keyValues(
      [
        ['Interface', sample.name],
        ['Received (rx)', `${formatRateHuman(sample.rxBps)} (${sample.rxPps} packets/s)`],
        ['Sent (tx)', `${formatRateHuman(sample.txBps)} (${sample.txPps} packets/s)`],
      ],
      out,
    ),
  ].join('\n');
}
