/** CSV export of vouchers (RFC 4180 quoting; times ISO 8601 UTC; price in pesos). */
import { isoInstant as iso } from '../../../domain/durations';
import type { Knex } from 'knex';
import type { VoucherFilter } from '../../types';
import { filteredVouchers } from './queries';

/** `password` last (added with code styles): empty when the password is the code. */
const HEADER = ['code', 'profile', 'price', 'status', 'created', 'activated', 'expires', 'bytes', 'password'];

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  // A leading = + - @ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export async function vouchersCsv(db: Knex, filter: VoucherFilter): Promise<string> {
  const rows = await filteredVouchers(db, filter)
    .select(
      'v.code',
      'p.name as profile',
      'v.price',
      'v.status',
      'v.created_at',
      'v.activated_at',
      'v.expires_at',
      'v.bytes_up',
      'v.bytes_down',
      'v.password',
    )
    .orderBy('v.id');
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.code,
        r.profile,
        (Number(r.price) / 100).toFixed(2),
        r.status,
        iso(r.created_at),
        iso(r.activated_at),
        iso(r.expires_at),
        Number(r.bytes_up) + Number(r.bytes_down),
        r.password ?? null,
      ]
        .map(cell)
        .join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}
