/** The owner's side of vendos: register, edit, rotate the secret. Bounds here serve the admin, API and CLI alike. */
import crypto from 'node:crypto';
import { assertNameFree } from '../../business/sites/unique-name';
import { AppError } from '../../../domain/errors';
import type { ShopDeps } from '../../deps';
import type { Actor, ProfileService } from '../../types';
import { newSecret, type SecretBox } from './secrets';
import { requireVendo, sellingOn, toViews, type VendoRow, type VendoRowCache } from './store';
import { DEFAULT_WINDOW_SECONDS, parseVendoInput, type Parsed } from './input';
import type { VendoInput, VendoView } from './types';

type AdminDeps = Pick<ShopDeps, 'db' | 'clock' | 'audit'> & {
  profiles: ProfileService;
  box: SecretBox;
  rows: VendoRowCache;
};

export function vendoAdmin(deps: ShopDeps, d: Omit<AdminDeps, 'db' | 'clock' | 'audit'>) {
  const a: AdminDeps = { db: deps.db, clock: deps.clock, audit: deps.audit, ...d };
  return {
    get: (id: string) => view(a, id),
    list: (opts: { siteId?: number } = {}) => list(a, opts),
    create: (input: VendoInput, actor: Actor) => create(a, input, actor),
    update: (id: string, input: VendoInput, actor: Actor) => update(a, id, input, actor),
    remove: (id: string, actor: Actor) => remove(a, id, actor),
    rotateSecret: (id: string, actor: Actor) => rotateSecret(a, id, actor),
  };
}

const nameFree = (a: AdminDeps, name: string, except?: string) =>
  assertNameFree(a.db, { table: 'vendos', noun: 'vendo', code: 'VENDO_NAME_TAKEN' }, name, except);

async function view(a: AdminDeps, id: string): Promise<VendoView> {
  const row = await requireVendo(a.db, id);
  return (await toViews(a.db, [row], a.clock.now()))[0];
}

async function list(a: AdminDeps, opts: { siteId?: number }): Promise<VendoView[]> {
  const rows = (await a.db('vendos').modify(sellingOn(opts.siteId)).orderBy('name')) as VendoRow[];
  return toViews(a.db, rows, a.clock.now());
}

/** A fresh vendo id nobody has (five tries). */
async function freeId(a: AdminDeps): Promise<string> {
  let id = '';
  for (let i = 0; i < 5 && !id; i++) {
    const candidate = `vendo-${crypto.randomBytes(4).toString('hex').slice(0, 6)}`;
    if (!(await a.db('vendos').where({ id: candidate }).first())) id = candidate;
  }
  return id;
}

async function create(
  a: AdminDeps,
  input: VendoInput,
  actor: Actor,
): Promise<{ vendo: VendoView; secret: string }> {
  const p = await parseVendoInput(a.db, a.profiles, input);
  await nameFree(a, p.name!);
  const secret = newSecret();
  const now = a.clock.now();
  const id = await freeId(a);
  await a.db('vendos').insert({
    id,
    name: p.name,
    location: p.location ?? null,
    profile_id: p.profileId,
    rates: JSON.stringify(p.rates),
    secret_enc: a.box.seal(secret),
    secret_rotated_at: now,
    window_seconds: p.windowSeconds ?? DEFAULT_WINDOW_SECONDS,
    enabled: p.enabled ?? true,
    site_id: p.site?.id ?? null,
    created_at: now,
    updated_at: now,
  });
  a.rows.drop(id);
  await a.audit.record(actor, 'vendo.create', id, {
    name: p.name,
    rates: p.rates?.length,
    ...(p.site ? { site: p.site.name } : {}),
  });
  return { vendo: await view(a, id), secret };
}

async function update(a: AdminDeps, id: string, input: VendoInput, actor: Actor): Promise<VendoView> {
  const row = await requireVendo(a.db, id);
  const p = await parseVendoInput(a.db, a.profiles, input, row);
  if (p.name !== undefined) await nameFree(a, p.name, row.id);
  const changes = columnChanges(p, row);
  if (Object.keys(changes).length) {
    await a
      .db('vendos')
      .where({ id: row.id })
      .update({ ...changes, updated_at: a.clock.now() });
    a.rows.drop(row.id);
    await a.audit.record(actor, 'vendo.update', row.id, {
      fields: Object.keys(changes).map((k) => (k === 'site_id' ? 'site' : k)),
      ...('site_id' in changes ? { site: p.site?.name ?? 'shared' } : {}),
    });
  }
  return view(a, row.id);
}

/** The columns an edit changes. */
function columnChanges(p: Parsed, row: VendoRow): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (p.name !== undefined) changes.name = p.name;
  if (p.location !== undefined) changes.location = p.location;
  if (p.profileId !== undefined) changes.profile_id = p.profileId;
  if (p.rates !== undefined) changes.rates = JSON.stringify(p.rates);
  if (p.windowSeconds !== undefined) changes.window_seconds = p.windowSeconds;
  if (p.enabled !== undefined) changes.enabled = p.enabled;
  if (p.site !== undefined && (p.site?.id ?? null) !== (row.site_id == null ? null : Number(row.site_id)))
    changes.site_id = p.site?.id ?? null;
  return changes;
}

const hasHistory = (row: VendoRow, used: string[]) =>
  new AppError(
    'VENDO_HAS_HISTORY',
    `Vendo ${row.name} has a history (${used.join(', ')}) that the coin ledger and the reports keep: it cannot be removed. Switch it off instead; it then sells nothing.`,
    409,
    'vendo',
  );

/** What the vendo has on record, as "3 coin(s)" lines (empty: never used). */
async function historyOf(a: AdminDeps, row: VendoRow): Promise<string[]> {
  const count = async (table: string) =>
    Number(
      ((await a.db(table).where({ vendo_id: row.id }).count({ n: '*' })) as { n: number | string }[])[0].n,
    );
  return [
    [await count('vendo_sessions'), 'coin window(s)'],
    [await count('vendo_coins'), 'coin(s)'],
    [await count('vouchers'), 'voucher(s) sold'],
    [await count('vendo_topups'), 'top-up(s)'],
    [await count('vendo_collections'), 'cash collection(s)'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, what]) => `${n} ${what}`);
}

/**
 * Forgets a vendo registered by mistake (never used). One that has opened a coin window, taken a coin, sold
 * a voucher or had its box collected is refused (VENDO_HAS_HISTORY): the coin ledger, the sales and the
 * collections name it, and that history is the owner's record of cash; switching it off stops it selling.
 */
async function remove(a: AdminDeps, id: string, actor: Actor): Promise<VendoView> {
  const { db } = a;
  const row = await requireVendo(db, id);
  const before = await view(a, row.id);
  const used = await historyOf(a, row);
  if (used.length) throw hasHistory(row, used);
  // Not if a customer opened a window on it meanwhile (every later record starts with a window).
  const gone = await db('vendos')
    .where({ id: row.id })
    .whereNotExists(db('vendo_sessions').where({ vendo_id: row.id }).select(db.raw('1')))
    .delete();
  if (!gone) throw hasHistory(row, ['a coin window opened just now']);
  a.rows.drop(row.id);
  await a.audit.record(actor, 'vendo.remove', row.id, { name: row.name });
  return before;
}

/** A new secret at once: the old one stops working (a board flashed with it gets 401 until updated). */
async function rotateSecret(
  a: AdminDeps,
  id: string,
  actor: Actor,
): Promise<{ vendo: VendoView; secret: string }> {
  const row = await requireVendo(a.db, id);
  const secret = newSecret();
  const now = a.clock.now();
  await a
    .db('vendos')
    .where({ id: row.id })
    .update({ secret_enc: a.box.seal(secret), secret_rotated_at: now, updated_at: now });
  a.rows.drop(row.id);
  await a.audit.record(actor, 'vendo.rotate-secret', row.id);
  return { vendo: await view(a, row.id), secret };
}
