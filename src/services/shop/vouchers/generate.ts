/**
 * Batch generation: codes (and separate passwords, when the style has them) from a cryptographic RNG, written in
 * one transaction. Uniqueness is the database's job (UNIQUE(code), and UNIQUE(UPPER(code))): codes that collide
 * with an existing voucher are skipped by ON CONFLICT DO NOTHING and generated again, so two processes
 * generating at once cannot hand out the same code.
 */
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { insertedId } from '../../../db/knex';
import { generateCodes } from '../../../domain/codes';
import { ValidationError, AppError, CreditLimitError } from '../../../domain/errors';
import { checkPrice, formatMoney, parseLimitRate } from '../../../domain/units';
import { DEFAULT_CARD_DESIGN, parseCardDesign } from '../../../domain/cards';
import { siteOf, type SiteDeps } from '../../deps';
import { findSite } from '../../business/sites/lookup';
import { assertNotArchived, assertSoldAsVoucher } from '../profiles/billing';
import { assertProfileSellsOn } from '../profiles/sites';
import type { ActingAccount } from '../../business/audit/actor';
import { creditRefusal, wholesaleCentavos } from '../../../domain/reseller';
import { lockAccount, resellerBalance } from '../accounts/reseller-ledger';
import type { GenerateInput, ProfileRecord } from '../../types';
import { codeStyleFor, newPassword } from './code-style';

type GeneratePlan = Awaited<ReturnType<typeof planBatch>>;

const INSERT_CHUNK = 500;
const MAX_NOTE = 200;

/** A price in centavos as the person typed it in pesos (`₱1,000,000,000.00`), for the message. */
const priceShown = (centavos: number) => (Number.isSafeInteger(centavos) ? formatMoney(centavos) : centavos);
const MAX_ROUNDS = 20;

function wholeNumber(v: unknown, field: string, what: string, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw ValidationError.invalid(field, v, what, `use a whole number of at least ${min}`);
  }
  return v;
}

/** Checks the request and fills in defaults: shop settings for code format, the profile for price and rates. */
export async function planBatch(
  deps: SiteDeps,
  input: GenerateInput,
  profile: ProfileRecord,
  account?: ActingAccount,
) {
  if (account) assertMaySell(account, input, profile);
  assertSoldAsVoucher(profile);
  assertNotArchived(profile, 'vouchers cannot be made for it');
  const style = await codeStyleFor(deps.settings, input);
  const staff = input.staff === true;
  // Every number is bounded here, whichever face it came from (API, admin form, terminal), before it is stored
  // or reaches the router: a price of at most ₱100,000, speeds of 8 kbit/s to 10 Gbit/s like a profile's.
  const price = batchPrice(input, profile, staff);
  const rateUp =
    input.rateUp === undefined ? profile.profile.rateUp : parseLimitRate(input.rateUp, 'rate_up');
  const rateDown =
    input.rateDown === undefined ? profile.profile.rateDown : parseLimitRate(input.rateDown, 'rate_down');
  if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > MAX_NOTE)) {
    throw ValidationError.invalid('note', input.note, 'a note', `use text of at most ${MAX_NOTE} characters`);
  }
  const note = input.note === undefined || input.note === '' ? null : input.note;
  const design = parseCardDesign(input.design) ?? DEFAULT_CARD_DESIGN;
  const siteId = await batchSite(deps, input);
  // A profile of one site sells on that site only; a roaming batch needs a shared one.
  await assertProfileSellsOn(deps.db, profile, siteId);
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > 10_000) {
    throw ValidationError.invalid('count', input.count, 'a batch size', 'use a whole number from 1 to 10000');
  }
  return {
    profile,
    count: input.count,
    /** The shop's code style with the batch's overrides, checked against the guessing floor. */
    style,
    price,
    rateUp,
    rateDown,
    staff,
    note,
    design,
    /** The site whose router gets the users; null for a roaming batch (every site). */
    siteId,
    /** The account whose batch it is (null: the owner's), and a reseller's wholesale price per voucher. */
    accountId: account?.id ?? null,
    wholesale: account?.role === 'reseller' ? wholesaleCentavos(price, account.commissionBp) : null,
    creditLimit: account?.role === 'reseller' ? account.creditLimit : null,
  };
}

/** A cashier or a reseller sells at the profile's price and speeds; a reseller only its own profiles. */
function assertMaySell(account: ActingAccount, input: GenerateInput, profile: ProfileRecord): void {
  const set = (['price', 'staff', 'rateUp', 'rateDown'] as const).filter(
    (k) => input[k] !== undefined && input[k] !== false,
  );
  if (set.length)
    throw new AppError(
      'FORBIDDEN_ROLE',
      `A ${account.role} sells at the profile's price and speeds; only the owner sets ${set.join(', ')}`,
      403,
    );
  if (account.role === 'reseller' && !account.profiles.includes(profile.name))
    throw new AppError('FORBIDDEN_ROLE', `This account may not sell profile ${profile.name}`, 403, 'profile');
}

/** Staff codes are not sold, so they do not count as sales unless a price is given. */
function batchPrice(input: GenerateInput, profile: ProfileRecord, staff: boolean): number {
  if (input.price === undefined) return staff ? 0 : profile.price;
  return checkPrice(
    wholeNumber(input.price, 'price', 'an amount in centavos', 0),
    'price',
    priceShown(input.price),
  );
}

/** The batch's site: the one named, this service's own, or none for a roaming batch. */
async function batchSite(deps: SiteDeps, input: GenerateInput): Promise<number | null> {
  if (input.roaming !== undefined && typeof input.roaming !== 'boolean')
    throw ValidationError.invalid('roaming', input.roaming, 'a yes/no choice', 'use true or false');
  const roaming = input.roaming === true;
  if (roaming && input.site !== undefined && input.site !== '')
    throw new AppError(
      'SITE_AND_ROAMING',
      'A roaming batch is for every site: leave the site out',
      400,
      'site',
    );
  if (roaming) return null;
  return input.site === undefined || input.site === ''
    ? siteOf(deps).id
    : (await findSite(deps.db, input.site)).id;
}

/** Writes the batch and its `plan.count` vouchers in one transaction; returns the batch id. */
export async function insertBatch(
  db: Knex,
  plan: GeneratePlan,
  createdBy: string,
  now: number,
): Promise<number> {
  return db.transaction(async (trx) => {
    if (plan.accountId !== null && plan.wholesale !== null) await checkCredit(trx, plan, plan.accountId);
    const batchId = await insertBatchRow(trx, plan, createdBy, now);
    await insertCodes(trx, plan, batchId, now);
    return batchId;
  });
}

/** The credit check and the batch in one transaction: the figures it reads are the ones it adds to. */
async function checkCredit(trx: Knex.Transaction, plan: GeneratePlan, accountId: number): Promise<void> {
  await lockAccount(trx, accountId);
  const { owed } = await resellerBalance(trx, accountId);
  const cost = (plan.wholesale ?? 0) * plan.count;
  const refusal = creditRefusal(owed, cost, plan.creditLimit);
  if (refusal) throw new CreditLimitError(refusal, plan.creditLimit ?? 0, owed, cost);
}

async function insertBatchRow(
  trx: Knex.Transaction,
  plan: GeneratePlan,
  createdBy: string,
  now: number,
): Promise<number> {
  return insertedId(
    await trx('batches')
      .insert({
        profile_id: plan.profile.id,
        count: plan.count,
        prefix: plan.style.prefix,
        price: plan.price,
        created_by: createdBy.slice(0, 64),
        note: plan.note,
        card_design: plan.design,
        site_id: plan.siteId,
        roaming: plan.siteId === null,
        account_id: plan.accountId,
        wholesale: plan.wholesale,
        created_at: now,
      })
      .returning('id'),
  );
}

/** Codes made in rounds until the batch has its count: each round makes again the codes a collision skipped. */
async function insertCodes(
  trx: Knex.Transaction,
  plan: GeneratePlan,
  batchId: number,
  now: number,
): Promise<void> {
  let have = 0;
  for (let round = 0; have < plan.count; round++) {
    if (round >= MAX_ROUNDS)
      throw new AppError(
        'CODES_EXHAUSTED',
        'Could not make enough unique codes; use longer codes',
        409,
        'length',
      );
    const { alphabet, length, prefix } = plan.style;
    const codes = generateCodes(plan.count - have, { alphabet, length, prefix }, crypto.randomBytes);
    for (let i = 0; i < codes.length; i += INSERT_CHUNK) {
      const rows = codes.slice(i, i + INSERT_CHUNK).map((code) => ({
        code,
        password: newPassword(plan.style),
        profile_id: plan.profile.id,
        batch_id: batchId,
        price: plan.price,
        rate_limit_up: plan.rateUp,
        rate_limit_down: plan.rateDown,
        staff: plan.staff,
        site_id: plan.siteId,
        roaming: plan.siteId === null,
        status: 'unused',
        created_at: now,
        updated_at: now,
      }));
      // No conflict target: a code taken already, or one differing from a taken code only in case (the
      // case-blind unique index of migration 0024), is skipped and made again in the next round.
      await trx('vouchers').insert(rows).onConflict().ignore();
    }
    const [{ n }] = (await trx('vouchers').where({ batch_id: batchId }).count({ n: '*' })) as { n: number }[];
    have = Number(n);
  }
}
