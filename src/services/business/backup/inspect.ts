/**
 * What a database holds, as a backup's header and a restore's refusal describe it: rows per table, the last
 * migration, the sealed secrets, and the shop's data in its own words (vouchers, sales).
 */
import fs from 'node:fs';
import type { Knex } from 'knex';
import { migrationSource } from '../../../../migrations';
import { sqliteKnex } from '../../../db/knex';
import { countAndSum } from '../../../db/tally';
import { tablesOf } from '../../../db/copy';
import { formatMoney } from '../../../domain/units';
import { soldCharges, soldVouchers } from '../../shop/reports/money-in';
import type { BackupManifest } from './types';

/** Rows per application table (knex's bookkeeping and SQLite's own tables left out). */
export async function rowCounts(db: Knex): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of await tablesOf(db)) {
    const [row] = (await db(t).count({ n: '*' })) as Array<{ n: unknown }>;
    counts[t] = Number(row.n);
  }
  return counts;
}

/** The last migration the database went through; '' when it never did. */
export async function lastMigration(db: Knex): Promise<string> {
  if (!(await db.schema.hasTable('knex_migrations'))) return '';
  const row = (await db('knex_migrations').orderBy('id', 'desc').first('name')) as
    { name: string } | undefined;
  return row?.name.replace(/\.(ts|js)$/, '') ?? '';
}

/** The migrations this program knows, in order. */
export async function knownMigrations(): Promise<string[]> {
  return (await migrationSource.getMigrations([])).map((m) => migrationSource.getMigrationName(m));
}

async function countWhere(db: Knex, table: string, column: string): Promise<number> {
  if (!(await db.schema.hasColumn(table, column))) return 0;
  const [row] = (await db(table).whereNotNull(column).count({ n: '*' })) as Array<{ n: unknown }>;
  return Number(row.n);
}

/** How many secrets the database holds sealed with the data folder's keys. */
export async function sealedCounts(db: Knex): Promise<BackupManifest['sealed']> {
  const has = async (t: string) => db.schema.hasTable(t);
  return {
    router_passwords: (await has('sites')) ? await countWhere(db, 'sites', 'password_enc') : 0,
    radius_secrets: (await has('sites')) ? await countWhere(db, 'sites', 'radius_secret_enc') : 0,
    vendo_secrets: (await has('vendos')) ? await countWhere(db, 'vendos', 'secret_enc') : 0,
  };
}

/**
 * Rows a freshly migrated database holds before any shop data (the .env router's site, migration 0015; the
 * account-number and invoice-number counters, 0046 and 0050): they do not make a database "not empty".
 */
const SEEDED: Record<string, number> = { sites: 1, subscriber_numbers: 1, invoice_numbers: 1 };

export interface ShopContents {
  empty: boolean;
  vouchers: number;
  sales: number;
  /** Centavos: vouchers sold and charges, as the reports count them (src/services/shop/reports/money-in.ts). */
  salesAmount: number;
  /** Other tables holding rows, with their counts. */
  others: Array<{ table: string; rows: number }>;
}

/** What an existing database holds, for a restore that would replace it. */
export async function shopContents(db: Knex): Promise<ShopContents> {
  const counts = await rowCounts(db);
  const others = Object.entries(counts)
    .filter(([t, n]) => n > (SEEDED[t] ?? 0) && t !== 'vouchers')
    .map(([table, rows]) => ({ table, rows }));
  let sales = 0;
  let salesAmount = 0;
  if (counts.vouchers !== undefined) {
    const end = Number.MAX_SAFE_INTEGER;
    const sold = [await countAndSum(db, soldVouchers(db, 0, end), 'v.price')];
    if (counts.voucher_charges !== undefined)
      sold.push(await countAndSum(db, soldCharges(db, 0, end), 'c.amount'));
    for (const s of sold) {
      sales += s.count;
      salesAmount += s.sum;
    }
  }
  const vouchers = counts.vouchers ?? 0;
  return { empty: vouchers === 0 && others.length === 0, vouchers, sales, salesAmount, others };
}

/** "120 vouchers, 45 sales (₱1,230.00), and rows in profiles (3), admins (1)". */
export function describeContents(c: ShopContents): string {
  const parts = [
    `${c.vouchers} voucher${c.vouchers === 1 ? '' : 's'}`,
    `${c.sales} sale${c.sales === 1 ? '' : 's'} (${formatMoney(c.salesAmount)})`,
  ];
  const rest = c.others
    .filter((o) => o.table !== 'voucher_charges')
    .slice(0, 6)
    .map((o) => `${o.table} (${o.rows})`);
  return rest.length ? `${parts.join(', ')}, and rows in ${rest.join(', ')}` : parts.join(', ');
}

/** A SQLite file opened on its own (a snapshot, a staging copy), without the server's pragmas. */
export function openSqliteFile(file: string, opts: { readonly?: boolean } = {}): Knex {
  if (opts.readonly && !fs.existsSync(file)) throw new Error(`no SQLite file ${file}`);
  // knex opens SQLite files read-write; query_only makes any write on this connection an error.
  return sqliteKnex(file, 1, [`query_only = ${opts.readonly ? 'ON' : 'OFF'}`]);
}
