/**
 * A settings room whose `.env` gives the defaults and the owner's saved values override them (the shop's and
 * billing's): what applies now, read the same way in each.
 */
import type { ErrorCollector } from '../../../domain/error-collector';
import type { SettingsService } from './types';

export interface OverridesView<F extends string, V> {
  /** What applies now. */
  effective: V;
  /** What `.env` says (the value a reset returns to). */
  env: V;
  /** The fields the owner has set here. */
  overridden: F[];
}

/** A settings room over `.env`: its values read and applied, and shown. */
export interface OverridesService<F extends string, V> {
  /** Reads the owner's values and applies them (at start, and when another process may have changed them). */
  refresh(): Promise<void>;
  view(): Promise<OverridesView<F, V>>;
}

export interface OverrideFields<F extends string, V> {
  fields: readonly F[];
  key(f: F): string;
  /** Each field's typed form; throws when the value is not one. */
  parsers: Record<F, (v: unknown) => unknown>;
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
      const parsed = o.parsers[f](v);
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

/** The given fields' typed values; each refusal goes to `c` under its field (every problem at once). */
export function parseGiven<F extends string, T>(
  c: ErrorCollector,
  fields: readonly F[],
  input: Partial<Record<F, unknown>>,
  parsers: Record<F, (v: unknown) => T>,
): Map<F, T> {
  const parsed = new Map<F, T>();
  for (const f of fields) {
    if (input[f] === undefined) continue;
    const v = c.field(() => parsers[f](input[f]));
    if (v !== undefined) parsed.set(f, v);
  }
  return parsed;
}
