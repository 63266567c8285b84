/**
 * A settings room whose `.env` gives the defaults and the owner's saved values override them (the shop's and
 * billing's): what applies now, read the same way in each.
 */
import type { ErrorCollector } from '../../../domain/error-collector';
import type { Actor } from '../audit/actor';
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

interface OverrideFields<F extends string, V> {
  fields: readonly F[];
  key(f: F): string;
  /** Each field's typed form; throws when the value is not one. */
  parsers: Record<F, (v: unknown) => unknown>;
  /** A typed value that means "back to .env". */
  empty(v: unknown): boolean;
  env: V;
  /** Puts the values that apply into the running config (this room is its fields' only writer after start). */
  applyTo(v: V): void;
}

/** A room's view, its `refresh` and its save, over `settings`. */
export function overridesRoom<F extends string, V extends Record<F, unknown>>(
  settings: SettingsService,
  o: OverrideFields<F, V>,
) {
  /** The owner's stored values over `.env`'s; a value that no longer parses (an older or hand-edited database) is ignored, not applied. */
  async function view(): Promise<OverridesView<F, V>> {
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
  // Bumped when a save starts writing: a refresh that read the stored values before it must not put them back
  // over the save's (the running server would use the old values until the next refresh).
  let saves = 0;
  return {
    view,
    async refresh(): Promise<void> {
      const at = saves;
      const v = await view();
      if (at === saves) o.applyTo(v.effective);
    },
    /**
     * Once `check` passed the values `parsed` makes (an empty one: back to `.env`), saves those that changed
     * (each audited `settings.set`) and applies them; returns the changed fields.
     */
    async save(parsed: ReadonlyMap<F, unknown>, actor: Actor, check: (after: V) => void): Promise<F[]> {
      const before = await view();
      const after = { ...before.effective };
      for (const [f, v] of parsed) (after as Record<string, unknown>)[f] = o.empty(v) ? o.env[f] : v;
      check(after);
      const changed: F[] = [];
      saves++;
      for (const [f, v] of parsed) {
        const was = before.overridden.includes(f) ? before.effective[f] : undefined;
        const next = o.empty(v) ? undefined : v;
        if (JSON.stringify(was) === JSON.stringify(next)) continue;
        await settings.set(o.key(f), next ?? null, actor);
        changed.push(f);
      }
      if (changed.length) o.applyTo(after);
      return changed;
    },
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
