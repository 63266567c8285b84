/**
 * A settings room whose `.env` gives the defaults and the owner's saved values override them (the shop's and
 * billing's): what applies now, read the same way in each.
 */
import type { SettingsService } from './types';

export interface OverridesView<F extends string, V> {
  /** What applies now. */
  effective: V;
  /** What `.env` says (the value a reset returns to). */
  env: V;
  /** The fields the owner has set here. */
  overridden: F[];
}

export interface OverrideFields<F extends string, V> {
  fields: readonly F[];
  key(f: F): string;
  /** The stored value's typed form; throws when it no longer parses. */
  parse(f: F, v: unknown): unknown;
  /** A typed value that means "back to .env". */
  empty(v: unknown): boolean;
  env: V;
}

/** The owner's stored values over `.env`'s; a value that no longer parses (an older or hand-edited database) is ignored, not applied. */
export async function overridesView<F extends string, V>(
  settings: SettingsService,
  o: OverrideFields<F, V>,
): Promise<OverridesView<F, V>> {
  const own: Partial<Record<F, unknown>> = {};
  for (const f of o.fields) {
    const v = await settings.get<unknown>(o.key(f), undefined);
    if (v === undefined || v === null) continue;
    try {
      const parsed = o.parse(f, v);
      if (!o.empty(parsed)) own[f] = parsed;
    } catch {
      continue;
    }
  }
  return {
    effective: { ...o.env, ...own },
    env: o.env,
    overridden: o.fields.filter((f) => own[f] !== undefined),
  };
}
