/**
 * The owner's card designs, kept for the shop, for a profile or for one batch (table card_templates), and which one
 * a card prints with: the batch's own, else its profile's, else the shop's, else the default
 * (src/domain/card-template.ts). Shared by the admin's Card design page, the print pages and the terminal; every
 * change is audited.
 */
import { AppError } from '../../../domain/errors';
import {
  PRESET_TEMPLATES,
  DEFAULT_CARD_TEMPLATE,
  checkCardTemplate,
  readStoredTemplate,
} from '../../../domain/card-template';
import type { CardTemplate } from '../../../domain/card-template';
import type { ShopDeps } from '../../deps';
import type { ProfileService } from '../../types';
import type { TemplateScope, ResolvedTemplate, CardTemplateService } from './types';
export type { TemplateScope, TemplateSource, CardTemplateService } from './types';

interface Key {
  scope: 'shop' | 'profile' | 'batch';
  ref: number;
  /** For the audit log: `shop`, `profile BASIC`, `batch 12`. */
  label: string;
  /** The profile's name and id of a profile's or a batch's scope. */
  profile?: { id: number; name: string };
}

const SHOP: Key = { scope: 'shop', ref: 0, label: 'shop' };

interface Row {
  scope: string;
  ref_id: number;
  body: string;
}

export function createCardTemplateService(
  deps: Pick<ShopDeps, 'db' | 'clock' | 'audit'> & { profiles: Pick<ProfileService, 'get'> },
): CardTemplateService {
  const { db, clock, audit, profiles } = deps;

  async function keyOf(scope: TemplateScope): Promise<Key> {
    if (scope.kind === 'shop') return SHOP;
    if (scope.kind === 'profile') {
      const p = await profiles.get(scope.profile);
      return { scope: 'profile', ref: p.id, label: `profile ${p.name}`, profile: { id: p.id, name: p.name } };
    }
    const row = (await db('batches as b')
      .join('profiles as p', 'p.id', 'b.profile_id')
      .where('b.id', scope.batchId)
      .first('b.id', 'p.id as profile_id', 'p.name as profile_name')) as
      { id: number; profile_id: number; profile_name: string } | undefined;
    if (!row) throw new AppError('BATCH_NOT_FOUND', `No batch #${scope.batchId}`, 404);
    return {
      scope: 'batch',
      ref: Number(row.id),
      label: `batch ${row.id}`,
      profile: { id: Number(row.profile_id), name: row.profile_name },
    };
  }

  /** The stored designs of `keys`, by `scope:ref`, in one read. */
  async function stored(keys: Key[]): Promise<Map<string, CardTemplate>> {
    const rows = (await db('card_templates')
      .where((q) => {
        for (const k of keys) q.orWhere({ scope: k.scope, ref_id: k.ref });
      })
      .select('scope', 'ref_id', 'body')) as Row[];
    const out = new Map<string, CardTemplate>();
    for (const r of rows) {
      const t = readStoredTemplate(r.body);
      if (t) out.set(`${r.scope}:${Number(r.ref_id)}`, t);
    }
    return out;
  }

  /** The scope and those above it, nearest first: a batch, its profile, the shop. */
  function chain(k: Key): Key[] {
    if (k.scope === 'shop') return [SHOP];
    const profile: Key = { scope: 'profile', ref: k.profile!.id, label: `profile ${k.profile!.name}` };
    return k.scope === 'batch' ? [k, profile, SHOP] : [profile, SHOP];
  }

  async function resolveKey(k: Key): Promise<ResolvedTemplate> {
    const keys = chain(k);
    const found = await stored(keys);
    for (const key of keys) {
      const t = found.get(`${key.scope}:${key.ref}`);
      if (t) return { template: t, from: key.scope, profile: k.profile?.name };
    }
    return { template: DEFAULT_CARD_TEMPLATE, from: 'default', profile: k.profile?.name };
  }

  const resolve = async (scope: TemplateScope) => resolveKey(await keyOf(scope));

  return {
    async own(scope) {
      const k = await keyOf(scope);
      return (await stored([k])).get(`${k.scope}:${k.ref}`) ?? null;
    },
    resolve,
    async forBatch(batchId, design) {
      if (design !== 'custom') return { template: PRESET_TEMPLATES[design], from: 'preset' };
      return resolve({ kind: 'batch', batchId });
    },
    async check(scope, input) {
      return checkCardTemplate(input, (await resolve(scope)).template);
    },
    async save(scope, input, actor) {
      const k = await keyOf(scope);
      const template = checkCardTemplate(input, (await resolveKey(k)).template);
      const saved = {
        body: JSON.stringify(template),
        updated_by: actor.name.slice(0, 64),
        updated_at: clock.now(),
      };
      await db.transaction(async (trx) => {
        await trx('card_templates')
          .insert({ scope: k.scope, ref_id: k.ref, ...saved })
          .onConflict(['scope', 'ref_id'])
          .merge(saved);
        // A batch given a design of its own prints with it from now on, whichever design it was made with.
        if (k.scope === 'batch') await trx('batches').where({ id: k.ref }).update({ card_design: 'custom' });
      });
      await audit.record(actor, 'cards.save', k.label, { template });
      return template;
    },
    async remove(scope, actor) {
      const k = await keyOf(scope);
      const n = await db('card_templates').where({ scope: k.scope, ref_id: k.ref }).del();
      if (n > 0) await audit.record(actor, 'cards.reset', k.label);
      return n > 0;
    },
    async overview() {
      const rows = (await db('card_templates as t')
        .leftJoin('profiles as p', function () {
          this.on('p.id', '=', 't.ref_id').andOnVal('t.scope', '=', 'profile');
        })
        .orderBy('t.scope')
        .orderBy('t.ref_id')
        .select('t.scope', 't.ref_id', 'p.name as profile_name')) as {
        scope: string;
        ref_id: number;
        profile_name: string | null;
      }[];
      return {
        shop: rows.some((r) => r.scope === 'shop'),
        profiles: rows.flatMap((r) => (r.scope === 'profile' && r.profile_name ? [r.profile_name] : [])),
        batches: rows.flatMap((r) => (r.scope === 'batch' ? [Number(r.ref_id)] : [])),
      };
    },
  };
}
