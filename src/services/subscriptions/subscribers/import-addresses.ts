/**
 * A CSV import's fixed addresses, checked with the rest of the file before anything is written: an address given
 * on two rows, or held by a subscriber of the site in service, is its row's problem (the database's unique index
 * would refuse it only at the write, failing the whole file with no row named); so is an address the single add
 * refuses (inside one of the router's pools, one of its own addresses or secrets), beside the file's other problems.
 */
import type { Knex } from 'knex';
import { AppError } from '../../../domain/errors';
import { AUTO_STATIC_IP } from '../../../domain/subscriber-fields';
import type { SiteRef } from '../../deps';
import type { ImportProblem } from './types';
import { siteAddresses } from './static-ip';

/** A single add's refusal of a row's address as that row's problem; undefined for any other error. */
export function addressRefusal(row: number, err: unknown): ImportProblem | undefined {
  if (!(err instanceof AppError) || err.field !== 'static_ip' || err.status >= 500) return undefined;
  return { row, field: 'static_ip', message: err.message };
}

/** The rows' given addresses (not `auto`) that another row of the file or a subscriber in service holds. */
export async function addressProblems(
  db: Knex,
  site: SiteRef,
  rows: ReadonlyArray<{ row: number; ip: string | undefined }>,
): Promise<ImportProblem[]> {
  const given = rows.filter((r): r is { row: number; ip: string } => !!r.ip && r.ip !== AUTO_STATIC_IP);
  if (!given.length) return [];
  const held = new Map(
    (await siteAddresses(db, site.id)).addresses.map((a) => [a.ip, a.subscriber.username]),
  );
  const first = new Map<string, number>();
  const problems: ImportProblem[] = [];
  for (const { row, ip } of given) {
    const holder = held.get(ip);
    const earlier = first.get(ip);
    if (holder !== undefined)
      problems.push({
        row,
        field: 'static_ip',
        message: `${ip} is already held by the subscriber ${holder}`,
      });
    else if (earlier !== undefined)
      problems.push({ row, field: 'static_ip', message: `${ip} is also on row ${earlier} of this file` });
    else first.set(ip, row);
  }
  return problems;
}
