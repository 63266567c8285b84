/** One voucher's details in the terminal (`pisonet vouchers show`, the menu's Show), one look for both faces. */
import { formatBytes, formatMoney, formatRateHuman } from '../../src/domain/units';
import { shownStatus } from '../../src/domain/vouchers';
import type { VoucherDetail } from '../../src/services/types';
import { out } from './ansi';
import { formatDateTime } from './dates';
import { dash, speedText, STATUS_STYLE, time } from './render';
import { keyValues, table } from './table';

/**
 * `MENUP (₱12.50)`; a voucher's own price beside it only when it is not the profile's now, said for what it
 * is: `MENUP (₱12.50); sold at ₱10.00 as STANDARD` (moved since), `BASIC (₱6.00); made at ₱5.00` (unused).
 */
function profileText(v: VoucherDetail): string {
  const plan = `${v.profile} (${formatMoney(v.profilePrice)})`;
  if (v.price === v.profilePrice && v.saleProfile === null) return plan;
  if (v.status === 'unused') return `${plan}; made at ${formatMoney(v.price)}`;
  return `${plan}; sold at ${formatMoney(v.price)}${v.saleProfile ? ` as ${v.saleProfile}` : ''}`;
}

type Row = readonly [string, string];

/** The plan's extra data at the cap, and what was bought of it: a row when the plan sells some. */
function extraDataRow(v: VoucherDetail): Row[] {
  if (!v.overage) return [];
  const now = v.overage.availableNow ? ' (for sale now: pisonet vouchers overage)' : '';
  const bought = v.overageBought.count
    ? `; bought ${formatBytes(v.overageBought.bytes)} for ${formatMoney(v.overageBought.amount)}`
    : '';
  return [
    [
      'Extra data',
      `${formatBytes(v.overage.bytes)} for ${formatMoney(v.overage.price)} at the cap${now}${bought}`,
    ],
  ];
}

/** What it moved (of its cap, with what top-ups added), and the data left when a cap counts it. */
function dataRows(v: VoucherDetail): Row[] {
  const of = v.capBytes ? ` of ${formatBytes(v.capBytes)}` : '';
  const added = v.capBytes && v.addedBytes ? ` (${formatBytes(v.addedBytes)} added by top-ups)` : '';
  const rows: Row[] = [
    ['Used', `${formatBytes(v.bytesDown)} down, ${formatBytes(v.bytesUp)} up${of}${added}`],
  ];
  if (v.usage.left !== null) {
    const alert = v.usage.alert ? `, ${v.usage.alert.percent}% reached` : '';
    rows.push([
      'Data left',
      `${formatBytes(v.usage.left)} (${formatBytes(v.usage.counted)} counted toward the cap${alert})`,
    ]);
  }
  return rows;
}

/**
 * The state, when it says more than the status (an active voucher's normal, fup, capped…); said with its reason
 * when the counter must tell the customer why: waiting at its cap, queued on their device, paused by them.
 */
function stateRow(v: VoucherDetail, shown: string): Row[] {
  if (v.state === 'capped-waiting') return [['State', `${v.state}: ${v.stateReason}`]];
  if (v.state === 'queued' || v.state === 'paused') return [['State', v.stateReason]];
  return v.state === shown ? [] : [['State', v.state]];
}

export function voucherDetail(v: VoucherDetail, tz: string): string {
  const when = (ms: number | null) => (ms === null ? dash : formatDateTime(ms, tz));
  const shown = shownStatus(v);
  const lines = keyValues(
    [
      ['Code', out.bold(v.code)],
      ...(v.password ? [['Password', out.bold(v.password)] as const] : []),
      ['Profile', profileText(v)],
      ['Status', (STATUS_STYLE[shown] ?? String)(shown)],
      ...stateRow(v, shown),
      ...extraDataRow(v),
      [
        'Speed',
        `${formatRateHuman(v.rateDown)} down / ${formatRateHuman(v.rateUp)} up${v.override ? ` (override ${speedText(v.override)})` : ''}`,
      ],
      ['Created', when(v.createdAt)],
      ['Activated', when(v.activatedAt)],
      ['Expires', when(v.expiresAt)],
      ['Time left', time(v.remainingSeconds)],
      ...dataRows(v),
      ['Device', v.boundMac ?? (v.queued ? `${v.queued.device} (queued)` : dash)],
      ['On router', v.onRouter ? 'yes' : 'no'],
      ...(v.endReason ? [['Ended', `${when(v.endedAt)} (${v.endReason})`] as const] : []),
    ],
    out,
  );
  const devices = v.devices.length
    ? '\n\nDevices:\n' +
      table(
        v.devices,
        [
          { header: 'MAC', get: (d) => d.mac },
          { header: 'IP', get: (d) => d.ip ?? dash },
          { header: 'ONLINE', get: (d) => (d.connected ? 'yes' : 'no') },
          { header: 'DOWN', get: (d) => formatBytes(d.bytesDown), align: 'right' },
          { header: 'UP', get: (d) => formatBytes(d.bytesUp), align: 'right' },
          { header: 'LAST SEEN', get: (d) => formatDateTime(d.lastSeenAt, tz) },
        ],
        { colours: out },
      )
    : '';
  return lines + devices;
}
