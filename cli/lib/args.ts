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

/**
 * Strict parsing with node:util: unknown options, missing values and stray arguments are usage
 * errors (exit 2) that name the problem, rather than being ignored.
 */
export function parseCommand(
  args: string[],
  options: OptionSpec,
  usage: string,
  positionals: { min: number; max: number },
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
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
  const n = parsed.positionals.length;
  if (n < positionals.min) throw usageError('missing argument', usage);
  if (n > positionals.max)
    throw usageError(`unexpected argument "${parsed.positionals[positionals.max]}"`, usage);
  return {
    values: parsed.values as Record<string, string | boolean | undefined>,
    positionals: parsed.positionals,
  };
}

export function requireOption(values: Record<string, unknown>, name: string, usage: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v.trim() === '') throw usageError(`--${name} is required`, usage);
  return v;
}
