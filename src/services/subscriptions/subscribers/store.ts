/**
 * The subscribers table as the service reads it: a row with its profile and site, turned into a view for today's
 * shop date (its cycle, the cycle's usage). The password is opened here only, for the view the owner reads.
 */
import type { Knex } from 'knex';
import { billingDayOn, cycleOn, type CycleTerms } from '../../../domain/billing-cycle';
import { AppError } from '../../../domain/errors';
import type { SubscriberLanguage } from '../../../domain/subscriber-fields';
import type { SubscriberStatus } from '../../../domain/subscriber-status';
import type { CredentialsBox } from '../../business/sites/credentials';
import { profileFromRow, type ProfileRow } from '../../shop/vouchers/state';
import type { SubscriberView } from './types';
import { OFFLINE } from '../../network/usage/subscriber-online';

export interface SubscriberRow {
  id: number;
  seq: number;
  site_id: number;
  profile_id: number;
  name: string;
  mobile: string;
  username: string;
  username_key: string;
  password_enc: string;
  billing_day: number;
  billing_anchor: string;
  billing_day_next: number | null;
  billing_day_from: string | null;
  status: SubscriberStatus;
  status_reason: string | null;
  starts_on: string;
  language: SubscriberLanguage;
  address: string | null;
  paid_until: string | null;
  opening_balance: number | string | null;
  opening_due_on: string | null;
  static_ip: string | null;
  created_at: number | string;
  updated_at: number | string;
  ended_at: number | string | null;
  /** The router's `.id` of the PPP secret it was adopted from (migrations/…_0063); null: made here. */
  adopted_secret?: string | null;
}

/** With its site's name and time zone (null: the shop's), and its profile. */
export type LoadedRow = SubscriberRow & {
  site_name: string;
  site_tz: string | null;
  profile_row: ProfileRow;
};

export const accountNo = (seq: number): string => `S-${String(seq).padStart(6, '0')}`;

export async function noOf(db: Knex, id: number): Promise<string> {
  const r = (await db('subscribers').where({ id }).first('seq')) as { seq: number };
  return accountNo(Number(r.seq));
}

export const subscriberNotFound = () =>
  new AppError('SUBSCRIBER_NOT_FOUND', 'No such subscriber', 404, 'subscriber');

export const changedMeanwhile = (field: string) =>
  new AppError('SUBSCRIBER_STATUS', 'This subscriber was changed meanwhile; try again', 409, field);

/** The terms its cycles are computed from. */
export function termsOf(
  row: Pick<SubscriberRow, 'billing_day' | 'billing_anchor' | 'billing_day_next' | 'billing_day_from'>,
): CycleTerms {
  return {
    billingDay: Number(row.billing_day),
    startsOn: row.billing_anchor,
    next:
      row.billing_day_next == null || row.billing_day_from == null
        ? null
        : { billingDay: Number(row.billing_day_next), from: row.billing_day_from },
  };
}

/** Rows with their site's name and profile, `where` narrowing them. */
export async function loadRows(db: Knex, where: (q: Knex.QueryBuilder) => void): Promise<LoadedRow[]> {
  const rows = (await db('subscribers as s')
    .join('sites as site', 'site.id', 's.site_id')
    .select('s.*', 'site.name as site_name', 'site.tz as site_tz')
    .modify(where)
    .orderBy('s.seq')) as (SubscriberRow & { site_name: string; site_tz: string | null })[];
  const ids = [...new Set(rows.map((r) => r.profile_id))];
  const profiles = ids.length ? ((await db('profiles').whereIn('id', ids)) as ProfileRow[]) : [];
  const byId = new Map(profiles.map((p) => [p.id, p]));
  return rows.map((r) => ({ ...r, profile_row: byId.get(r.profile_id) as ProfileRow }));
}

/** Counted bytes per subscriber for the cycles that start on the given dates. */
export async function usageOf(
  db: Knex,
  cycles: ReadonlyArray<{ id: number; start: string }>,
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!cycles.length) return out;
  const rows = (await db('subscriber_usage')
    .whereIn(
      'subscriber_id',
      cycles.map((c) => c.id),
    )
    .select('subscriber_id', 'cycle_start', 'counted_bytes')) as {
    subscriber_id: number;
    cycle_start: string;
    counted_bytes: number | string;
  }[];
  const wanted = new Map(cycles.map((c) => [c.id, c.start]));
  for (const r of rows)
    if (wanted.get(Number(r.subscriber_id)) === r.cycle_start)
      out.set(Number(r.subscriber_id), Number(r.counted_bytes));
  return out;
}

export function toView(
  row: LoadedRow,
  today: string,
  counted: number,
  box: Pick<CredentialsBox, 'open'>,
): SubscriberView {
  const cap = profileFromRow(row.profile_row).dataCapBytes ?? null;
  const terms = termsOf(row);
  const { next } = terms;
  return {
    id: Number(row.id),
    accountNo: accountNo(Number(row.seq)),
    name: row.name,
    mobile: row.mobile,
    profile: row.profile_row.name,
    price: Number(row.profile_row.price),
    billingDay: billingDayOn(terms, today),
    billingDayNext: next && today < next.from ? { day: next.billingDay, from: next.from } : null,
    username: row.username,
    password: box.open(row.password_enc, row.site_name),
    site: { id: Number(row.site_id), name: row.site_name },
    status: row.status,
    statusReason: row.status === 'suspended' ? row.status_reason : null,
    suspension: null,
    startsOn: row.starts_on,
    paidUntil: row.paid_until ?? null,
    openingBalance: row.opening_balance == null ? null : Number(row.opening_balance),
    openingDueOn: row.opening_due_on ?? null,
    cycle: cycleOn(terms, today),
    usage: {
      countedBytes: counted,
      capBytes: cap,
      leftBytes: cap === null ? null : Math.max(0, cap - counted),
    },
    owed: 0,
    credit: 0,
    language: row.language,
    address: row.address,
    staticIp: row.static_ip ?? null,
    session: OFFLINE,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    endedAt: row.ended_at == null ? null : Number(row.ended_at),
  };
}
