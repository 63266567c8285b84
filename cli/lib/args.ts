import { parseArgs } from 'node:util';
import { UsageError } from '../../src/domain/errors';

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: false }>;

export const usageError = (message: string, usage?: string) => new UsageError(message, usage);

/** Thrown for `--help`: the caller prints the command's usage text and exits 0. */
export class HelpRequested extends Error {
  constructor(readonly text: string) {
    super('help');
  }
}

/** Whether `-x…` starts with one of the options' short letters (`-h`) rather than being a value (`-5m`). */
const namesOption = (arg: string, options: OptionSpec) =>
  Object.values(options).some((o) => o.short === arg[1]);

/**
 * `--time -5m`, `--counted -5`: node:util refuses a value starting with `-` as ambiguous. After an option that
 * takes a value, a word that starts with `-` and names no option is that option's value (`--time=-5m`), so the
 * value's own check says what is wrong with it; `--…` or a short option there means the value is missing.
 */
function joinDashValues(args: string[], options: OptionSpec, usage: string): string[] {
  const byShort = new Map(Object.entries(options).map(([name, o]) => [o.short, name]));
  const joined: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--') return [...joined, ...args.slice(i)];
    const name = /^--[^=]+$/.test(arg) ? arg.slice(2) : /^-[^-]$/.test(arg) ? byShort.get(arg[1]) : undefined;
    const next = args[i + 1];
    if (name === undefined || options[name]?.type !== 'string' || !/^-[^-]|^--./.test(next ?? '')) {
      joined.push(arg);
    } else if (next.startsWith('--') || namesOption(next, options)) {
      throw usageError(`--${name} needs a value before ${next.split('=')[0]}`, usage);
    } else {
      joined.push(`--${name}=${next}`);
      i += 1;
    }
  }
  return joined;
}

/**
 * Strict parsing with node:util: unknown options, missing values and stray arguments are usage
 * errors (exit 2) that name the problem, rather than being ignored. `positionals`: how many
 * arguments (default none), or the fewest and the most.
 */
export function parseCommand(
  args: string[],
  options: OptionSpec,
  usage: string,
  positionals: number | [min: number, max: number] = 0,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const all: OptionSpec = { ...options, help: { type: 'boolean', short: 'h' } };
  let parsed;
  try {
    parsed = parseArgs({
      args: joinDashValues(args, all, usage),
      options: all,
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    // node:util appends a long hint about `--`; the first sentence says what is wrong.
    throw usageError(
      (err as Error).message.split('\n')[0].replace(/\. To specify a positional.*$/, ''),
      usage,
    );
  }
  if (parsed.values.help) throw new HelpRequested(usage);
  const [min, max] = typeof positionals === 'number' ? [positionals, positionals] : positionals;
  const n = parsed.positionals.length;
  if (n < min) throw usageError('missing argument', usage);
  if (n > max) throw usageError(`unexpected argument "${parsed.positionals[max]}"`, usage);
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

/**
 * String options named by the values of `names` (a field → its option: `{ wifi_name: 'wifi-name' }`), or a list,
 * and the options without a value named in `flags` (`json`).
 */
export const optionSpec = (
  names: Record<string, string> | readonly string[],
  flags: readonly string[] = [],
): OptionSpec =>
  Object.fromEntries([
    ...Object.values(names).map((o) => [o, { type: 'string' }]),
    ...flags.map((o) => [o, { type: 'boolean' }]),
  ]);

/** `--yes` (or `-y`): a change that asks first goes ahead without asking. */
export const YES_OPTION: OptionSpec = { yes: { type: 'boolean', short: 'y' } };

/** The string options given, under the names `names` gives them (`{ passwordLength: 'password-length' }`). */
export function givenOptions<K extends string>(
  values: Record<string, unknown>,
  names: Record<K, string>,
): Partial<Record<K, string>> {
  const given = Object.entries<string>(names).filter(([, o]) => typeof values[o] === 'string');
  return Object.fromEntries(given.map(([k, o]) => [k, values[o]])) as Partial<Record<K, string>>;
}

export function requireOption(values: Record<string, unknown>, name: string, usage: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw usageError(`--${name} is required`, usage);
  return v;
}
