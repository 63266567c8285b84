/**
 * Settings rooms whose secrets are sealed with the key of the routers' passwords (notifications, online
 * payments): saved under `<prefix><field>`, the secrets opened when read, and a secret that cannot be opened
 * said as a problem rather than failing.
 */
import type { Db } from '../../../db/knex';
import type { Actor } from '../audit/actor';
import type { CredentialsBox } from '../sites/credentials';

export interface SealedSettingsStore<F extends string, S, View> {
  /** The settings in effect, secrets included; problems: a saved secret that cannot be opened. */
  read(): Promise<{ settings: S; overridden: F[]; problems: string[] }>;
  view(): Promise<View>;
  update(input: Partial<Record<F, unknown>>, actor: Actor): Promise<F[]>;
}

export interface SealedFields<F extends string> {
  prefix: string;
  fields: readonly F[];
  secrets: readonly F[];
  /** What the box opens them for (its error words). */
  purpose: string;
  /** Each field's stored form ('' = back to .env); throws when the value is not one. */
  parsers: Record<F, (v: unknown) => string>;
  /** A secret as the owner knows it ("Telegram bot token"). */
  secretName(f: F): string;
}

/** The owner's saved values (secrets opened); a value that no longer parses is ignored, not applied. */
export async function sealedStored<F extends string>(
  db: Db,
  box: CredentialsBox,
  o: SealedFields<F>,
): Promise<{ own: Partial<Record<F, string>>; problems: string[] }> {
  const rows = (await db('settings').where('key', 'like', `${o.prefix}%`).select('key', 'value')) as {
    key: string;
    value: string;
  }[];
  const own: Partial<Record<F, string>> = {};
  const problems: string[] = [];
  for (const r of rows) {
    const f = r.key.slice(o.prefix.length) as F;
    if (!o.fields.includes(f)) continue;
    try {
      let v: unknown = JSON.parse(r.value);
      if (typeof v === 'string' && o.secrets.includes(f)) v = box.open(v, o.purpose);
      const parsed = o.parsers[f](v);
      if (parsed !== '') own[f] = parsed;
    } catch {
      if (o.secrets.includes(f))
        problems.push(`The saved ${o.secretName(f)} cannot be decrypted with ${box.source}: enter it again.`);
    }
  }
  return { own, problems };
}

/** The settings in effect: `.env`'s values under the owner's saved ones, in their typed form. */
export async function sealedRead<F extends string, S>(
  db: Db,
  box: CredentialsBox,
  o: SealedFields<F>,
  defaults: Record<F, string>,
  typed: (v: Record<F, string>) => S,
): Promise<{ settings: S; overridden: F[]; problems: string[] }> {
  const { own, problems } = await sealedStored(db, box, o);
  return {
    settings: typed({ ...defaults, ...own }),
    overridden: o.fields.filter((f) => own[f] !== undefined),
    problems,
  };
}
