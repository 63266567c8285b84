/** Terminal renderings shared by the menu and the subcommands (one look for both faces). */
import {
  formatBytes,
  formatDurationHuman,
  formatLimitHuman,
  formatMoney,
  formatRate,
  formatRateHuman,
} from '../../src/domain/units';
import type {
  ProfileRecord,
  RouterInfo,
  RouterQueueView,
  SalesRow,
  UserTraffic,
  VoucherView,
} from '../../src/services/types';
import { shownStatus } from '../../src/domain/vouchers';
import { salesTotal } from '../../src/services/shop/reports/types';
import { out } from './ansi';
import { keyValues, table, type Column } from './table';

export const STATUS_STYLE: Record<string, (s: string) => string> = {
  active: out.green,
  unused: out.cyan,
  queued: out.yellow,
  paused: out.yellow,
  revoked: out.red,
  expired: out.dim,
  exhausted: out.yellow,
};

export const dash = '-';
/** The rows as a table in the shop's colours, or `empty` (dimmed) when there are none. */
export const tableOr = <R>(rows: readonly R[], empty: string, columns: Column<R>[]): string =>
  rows.length === 0 ? out.dim(empty) : table(rows, columns, { colours: out });
export const time = (s: number | null): string => (s === null ? dash : formatDurationHuman(s));

/** Download first, as everywhere the shop reads speeds. */
export const speedText = (c: { up: number; down: number }) =>
  `${formatLimitHuman(c.down)} down / ${formatLimitHuman(c.up)} up`;

/** A live rate in at most 3 significant digits for narrow columns: 780780 → `781 kbps`, 1350000 → `1.35 Mbps`. */
export function rateShort(bps: number): string {
  for (const [suffix, mult] of [
    ['Gbps', 1e9],
    ['Mbps', 1e6],
    ['kbps', 1e3],
  ] as const) {
    if (bps >= mult) {
      const v = bps / mult;
      return `${Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2))} ${suffix}`;
    }
  }
  return formatRateHuman(bps);
}

/**
 * `512000/1000000` (RouterOS bits/s, upload/download) → `1M/512K`: download first, as every table reads
 * (headers say `↓/↑`); anything else is shown as the router printed it.
 */
export function limitText(maxLimit: string): string {
  const m = /^(\d+)\/(\d+)$/.exec(maxLimit);
  if (!m) return maxLimit || dash;
  const [up, down] = [Number(m[1]), Number(m[2])];
  if (up === 0 && down === 0) return 'unlimited';
  return `${down ? formatRate(down) : '∞'}/${up ? formatRate(up) : '∞'}`;
}

/**
 * `sites` (code → its site's name, or "roaming"): a SITE column, which the menu shows when the shop has more
 * than one site.
 */
export function vouchersTable(
  vouchers: readonly VoucherView[],
  width?: number,
  sites?: ReadonlyMap<string, string>,
): string {
  if (vouchers.length === 0) return out.dim('No vouchers match.');
  return table(
    vouchers,
    [
      { header: 'CODE', get: (v) => v.code },
      // Only when some voucher has a separate password (the owner prints or reads it out with the code).
      ...(vouchers.some((v) => v.password)
        ? [{ header: 'PASSWORD', get: (v: VoucherView) => v.password ?? dash }]
        : []),
      ...(sites ? [{ header: 'SITE', get: (v: VoucherView) => sites.get(v.code) ?? dash }] : []),
      { header: 'PROFILE', get: (v) => v.profile, shrink: true },
      // A queued code reads `queued` (sold, kept for a device), not unused; a paused one `paused`, not active.
      {
        header: 'STATUS',
        get: (v) => (v.pausedAt === null ? shownStatus(v) : 'paused'),
        style: (t) => (STATUS_STYLE[t] ?? String)(t),
      },
      { header: 'PRICE', get: (v) => formatMoney(v.price), align: 'right', drop: 2 },
      { header: 'USED', get: (v) => formatBytes(v.bytesUp + v.bytesDown), align: 'right', drop: 1 },
      { header: 'LEFT', get: (v) => time(v.remainingSeconds), align: 'right' },
      { header: 'DEVICE', get: (v) => v.boundMac ?? v.queued?.device ?? dash },
    ],
    { width, colours: out },
  );
}

/** The SITE column of a device's table, when the shop has more than one site (`sites`: id → name). */
function siteColumn(sites: ReadonlyMap<number, string> | undefined) {
  return sites ? [{ header: 'SITE', get: (u: UserTraffic) => sites.get(u.site) ?? `#${u.site}` }] : [];
}

/**
 * Active users: what the shop owner asks about most (who, how much, how fast, how long left). `sites`
 * (id → name): a SITE column, for a shop with more than one site.
 */
export function usersTable(users: readonly UserTraffic[], sites?: ReadonlyMap<number, string>): string {
  return tableOr(users, 'No active users.', [
    { header: 'VOUCHER', get: (u) => u.user },
    ...siteColumn(sites),
    { header: 'MAC', get: (u) => u.mac },
    { header: 'PROFILE', get: (u) => u.profile, shrink: true },
    { header: 'DOWN', get: (u) => formatBytes(u.bytesOut), align: 'right' },
    { header: 'UP', get: (u) => formatBytes(u.bytesIn), align: 'right', drop: 1 },
    { header: 'RATE ↓', get: (u) => rateShort(u.rateOut), align: 'right', drop: 2 },
    { header: 'LEFT', get: (u) => time(u.remainingSeconds), align: 'right' },
  ]);
}

/** Bandwidth view: limits as down/up; `*` marks an admin override. `sites`: a SITE column, as above. */
export function trafficTable(users: readonly UserTraffic[], sites?: ReadonlyMap<number, string>): string {
  return tableOr(users, 'No devices with a voucher right now.', [
    { header: 'MAC', get: (u) => u.mac },
    ...siteColumn(sites),
    { header: 'IP', get: (u) => u.ip ?? dash },
    { header: 'VOUCHER', get: (u) => u.user },
    { header: 'DOWN', get: (u) => formatBytes(u.bytesOut), align: 'right', drop: 2 },
    { header: 'UP', get: (u) => formatBytes(u.bytesIn), align: 'right', drop: 1 },
    {
      header: 'LIMIT ↓/↑',
      get: (u) =>
        limitText(u.maxLimit) +
        (u.limitSource === 'profile' ? '' : u.limitSource === 'override' ? '*' : ` ${u.limitSource}`),
      shrink: true,
    },
    { header: 'RATE ↓', get: (u) => rateShort(u.rateOut), align: 'right', drop: 3 },
  ]);
}

export function queuesTable(queues: readonly RouterQueueView[]): string {
  const pair = (v: string, f: (n: number) => string) => {
    const m = /^(\d+)\/(\d+)$/.exec(v);
    return m ? `${f(Number(m[2]))}/${f(Number(m[1]))}` : v || dash; // RouterOS up/down → down/up
  };
  return tableOr(queues, 'No pisonet- queues on the router.', [
    { header: 'NAME', get: (q) => q.name },
    { header: 'TARGET', get: (q) => q.target },
    { header: 'MAX-LIMIT ↓/↑', get: (q) => limitText(q.maxLimit) },
    { header: 'BYTES ↓/↑', get: (q) => pair(q.bytes, formatBytes), shrink: true },
    { header: 'STATE', get: (q) => (q.disabled ? 'disabled' : q.dynamic ? 'dynamic' : 'on') },
  ]);
}

/** `showSite`: the SITE column even when every profile is shared (the menu, when the shop has several sites). */
export function profilesTable(profiles: readonly ProfileRecord[], showSite = false): string {
  return tableOr(profiles, 'No profiles yet.', [
    { header: 'NAME', get: (p) => p.name + (p.archived ? ' (archived)' : ''), shrink: true },
    { header: 'PRICE', get: (p) => formatMoney(p.price), align: 'right' },
    {
      header: 'VALIDITY',
      get: (p) =>
        p.profile.validitySeconds === null ? 'unlimited' : formatDurationHuman(p.profile.validitySeconds),
    },
    { header: 'DEVICES', get: (p) => String(p.profile.users), align: 'right' },
    {
      header: 'SPEED ↓/↑',
      get: (p) => `${formatRate(p.profile.rateDown)}/${formatRate(p.profile.rateUp)}`,
    },
    {
      header: 'DATA CAP',
      get: (p) => (p.profile.dataCapBytes ? formatBytes(p.profile.dataCapBytes) : dash),
    },
    // Shown when any profile shares its bandwidth or has a queue priority.
    ...(profiles.some((p) => (p.profile.contentionRatio ?? 1) > 1 || p.profile.priority !== undefined)
      ? [
          {
            header: 'SHARED/PRIO',
            get: (p: ProfileRecord) =>
              `${(p.profile.contentionRatio ?? 1) > 1 ? `1:${p.profile.contentionRatio}` : dash}/${p.profile.priority ?? dash}`,
          },
        ]
      : []),
    // Shown with several sites, or when a profile is sold on one site only.
    ...(showSite || profiles.some((p) => p.site)
      ? [{ header: 'SITE', get: (p: ProfileRecord) => (p.site ? `${p.site.name} only` : 'all sites') }]
      : []),
    { header: 'SOURCE', get: (p) => p.source },
  ]);
}

/** `by` names the first column: PROFILE when grouped by profile, else PERIOD. */
export function salesTable(rows: readonly SalesRow[], by: string): string {
  if (rows.length === 0) return out.dim('No sales in this period.');
  const total = salesTotal(rows);
  const withProfile = rows.some((r) => r.profile !== undefined && r.profile !== r.period);
  const all: SalesRow[] = [...rows, { period: 'TOTAL', ...total }];
  return table(
    all,
    [
      {
        header: by === 'profile' ? 'PROFILE' : 'PERIOD',
        get: (r) => r.period,
        shrink: true,
        style: (t, r) => (r.period === 'TOTAL' ? out.bold(t) : t),
      },
      ...(withProfile ? [{ header: 'PROFILE', get: (r: SalesRow) => r.profile ?? dash, shrink: true }] : []),
      { header: 'SOLD', get: (r) => String(r.count), align: 'right' },
      // Charges on running vouchers (plan upgrades), in AMOUNT too; shown once there is one.
      ...(total.charges
        ? [{ header: 'CHARGES', get: (r: SalesRow) => String(r.charges ?? 0), align: 'right' as const }]
        : []),
      { header: 'AMOUNT', get: (r) => formatMoney(r.amount), align: 'right' },
    ],
    { colours: out },
  );
}

export function routerInfoText(info: RouterInfo): string {
  const mem =
    info.freeMemory !== null && info.totalMemory !== null
      ? `${formatBytes(info.freeMemory)} free of ${formatBytes(info.totalMemory)}`
      : dash;
  const facts = keyValues(
    [
      ['Connected', info.connected && !info.error ? out.green('yes') : out.red('no')],
      ['Router', info.simulated ? 'simulated (demo mode)' : 'RouterOS'],
      ['Identity', info.identity ?? dash],
      ['Version', info.version ?? dash],
      ['Board', info.boardName ?? dash],
      ['Uptime', info.uptime ?? dash],
      ['CPU load', info.cpuLoad === null ? dash : `${info.cpuLoad}%`],
      ['Memory', mem],
      ['Round trip', info.rttMs === null ? dash : `${info.rttMs} ms`],
      ...(info.error
        ? [['Error', out.red(info.errorCode ? `${info.error} (${info.errorCode})` : info.error)] as const]
        : []),
    ],
    out,
  );
  // Router settings that break the controller (FastTrack), each with the command that fixes it.
  const warnings = info.warnings.map(
    (w) => `${out.yellow(`Warning (${w.code}): ${w.message}`)}\n  fix: ${w.fix}`,
  );
  return [facts, ...warnings].join('\n');
}
